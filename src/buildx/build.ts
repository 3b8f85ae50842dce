/**
 * The multi-platform `docker buildx build`: argv made by a pure function from the typed inputs, run with a
 * metadata file whose contents are the source of the digests, and with a progress stream that says how
 * long each platform's steps took (see rawjson.ts and progress.ts).
 */
import { CommandError, runChecked, type CommandRunner } from '../core/runner.js'
import type { LogSink } from '../core/reporter.js'
import { buildOptionArgs, evaluates, type BuildOptionSettings } from './build-options.js'
import { parsePlainProgress, type Step } from './progress.js'
import { RawJsonProgress } from './rawjson.js'
import { compareVersions } from './version.js'
import { repositoriesOf } from '../oci/reference.js'
import { cacheEntries, type CacheMode } from './cache.js'

/** oci: OCI index and manifests; docker: Docker manifest list and v2 manifests (no attestations). */
export type MediaTypes = 'oci' | 'docker'
export const MEDIA_TYPE_FAMILIES: readonly MediaTypes[] = ['oci', 'docker']

/** The build inputs, as parsed. */
export interface BuildSettings {
  platforms: readonly string[]
  context: string
  file: string
  tags: readonly string[]
  push: boolean
  /** Push without a tag: tags holds the one repository then. */
  pushByDigest: boolean
  buildArgs: readonly string[]
  labels: readonly string[]
  target: string
  cacheFrom: readonly string[]
  cacheTo: readonly string[]
  /** registry or gha: one cache per platform (see cache.ts); '' for cacheFrom and cacheTo only. */
  cache: CacheMode
  noCache: boolean
  pull: boolean
  provenance: string
  /** RUN network mode ('' for the default). */
  network: string
  /** The build-push-action options (secrets, ssh, annotations, outputs, ...): see build-options.ts. */
  buildOptions: BuildOptionSettings
  mediaTypes: MediaTypes
}

/** rawjson: machine-readable, rendered into the log by this action; plain: buildx's own text lines. */
export type ProgressFormat = 'rawjson' | 'plain'

/** The first buildx release with `--progress=rawjson`. */
export const RAWJSON_SINCE = '0.13.0'

/** rawjson when the buildx in use has it; plain (parsed the same way afterwards) otherwise. */
export function progressFormat(buildxVersion: string): ProgressFormat {
  return buildxVersion !== '' && compareVersions(buildxVersion, RAWJSON_SINCE) >= 0 ? 'rawjson' : 'plain'
}

export interface BuildOptions {
  builder: string
  metadataFile: string
  settings: BuildSettings
  progress: ProgressFormat
}

/** The argv, and the environment buildx needs besides the job's own (secret values: never in argv). */
export function buildCommand({ builder, metadataFile, settings: s, progress }: BuildOptions): {
  args: string[]
  env: Record<string, string>
} {
  const args = ['buildx', 'build', '--builder', builder, '--platform', s.platforms.join(',')]
  args.push(`--progress=${progress}`)
  if (s.file) args.push('--file', s.file)
  // A push goes by digest to each repository of the tags; the tags are put after the checks.
  if (!s.push) for (const tag of s.tags) args.push('--tag', tag)
  for (const arg of s.buildArgs) args.push('--build-arg', arg)
  for (const label of s.labels) args.push('--label', label)
  if (s.target) args.push('--target', s.target)
  const cache = cacheEntries(s)
  for (const from of cache.from) args.push('--cache-from', from)
  for (const to of cache.to) args.push('--cache-to', to)
  if (s.noCache) args.push('--no-cache')
  if (s.pull) args.push('--pull')
  // Any attestation makes BuildKit switch to OCI media types, so Docker media types go without them.
  if (s.mediaTypes === 'docker') args.push('--provenance=false')
  else if (s.provenance) args.push(`--provenance=${s.provenance}`)
  if (s.network) args.push('--network', s.network)
  if (s.network === 'host' && !s.buildOptions.allow.includes('network.host'))
    args.push('--allow', 'network.host')
  // With push, a loaded image comes from the registry after the checks (load.ts), not from this build.
  const extra = buildOptionArgs({ ...s.buildOptions, load: s.buildOptions.load && !s.push }, s.provenance)
  args.push(...extra.args)
  args.push('--metadata-file', metadataFile)
  // The media types are always stated: BuildKit's own default depends on whether attestations are attached.
  const mediaTypes = `oci-mediatypes=${s.mediaTypes === 'oci'}`
  const evaluateOnly = evaluates(s.buildOptions.call)
  // A push goes untagged (by digest) to each repository of the tags; the tags are put after the checks.
  if (s.push && !evaluateOnly)
    args.push('--output', `${pushByDigestOutput(repositoriesOf(s.tags))},${mediaTypes}`)
  args.push(s.context)
  return { args, env: extra.env }
}

export function buildxBuildArgv(options: BuildOptions): string[] {
  return buildCommand(options).args
}

/**
 * The image exporter pushing without any tag to each repository (`name` is a comma-separated list, so
 * the field is quoted for buildx's CSV parser); `name-canonical` makes buildx report `repository@digest`.
 */
export function pushByDigestOutput(repositories: readonly string[]): string {
  const names = `name=${repositories.join(',')}`
  const field = repositories.length > 1 ? `"${names}"` : names
  return `type=image,${field},push-by-digest=true,name-canonical=true,push=true`
}

/** How often the build's silent steps are looked at (a heartbeat is due after HEARTBEAT_MS of silence). */
const HEARTBEAT_POLL_MS = 1_000

export interface BuildRun {
  /** The build's steps, as its progress stream told them. */
  steps: Step[]
}

/**
 * A failed build, with the steps its progress stream showed (for hints about the failed step). The log
 * already holds the progress, so the message carries only buildx's closing error (the Dockerfile excerpt
 * and `ERROR: failed to solve: ...`); `stderr` keeps all of it, for the hints.
 */
export class BuildError extends CommandError {
  readonly steps: Step[]
  constructor(error: CommandError, steps: Step[]) {
    super(error.command, error.args, error, 'docker buildx build')
    this.name = 'BuildError'
    this.steps = steps
    const closing = closingError(error.stderr)
    this.message = `docker buildx build failed (exit code ${error.exitCode})${closing ? `:\n${closing}` : ''}`
  }
}

/** What buildx printed after the last progress line (`#N ...`), its warnings left out; else its last line. */
export function closingError(stderr: string): string {
  const lines = stderr.trimEnd().split(/\r?\n/)
  let last = -1
  lines.forEach((line, i) => {
    if (/^#(\d+|\?) /.test(line)) last = i
  })
  const closing = lines.slice(last + 1).filter(l => l.trim() !== '' && !l.startsWith('WARNING:'))
  return (closing.length > 0 ? closing : lines.slice(-1)).join('\n')
}

/**
 * Runs the build with its progress in the log (rawjson is rendered as `#N step` / `#N DONE 1.2s` lines as
 * it arrives); a failure carries buildx's own error and the human-readable progress.
 */
export async function runBuild(
  runner: CommandRunner,
  options: BuildOptions & { log: LogSink }
): Promise<BuildRun> {
  const { args, env: secretEnv } = buildCommand(options)
  const env = Object.keys(secretEnv).length > 0 ? { env: secretEnv } : {}
  if (options.progress === 'plain') {
    try {
      const result = await runChecked(runner, 'docker', args, { what: 'docker buildx build', ...env })
      return { steps: parsePlainProgress(result.stderr) }
    } catch (error) {
      if (error instanceof CommandError) throw new BuildError(error, parsePlainProgress(error.stderr))
      throw error
    }
  }
  const progress = new RawJsonProgress()
  const human: string[] = []
  const seen = { streamedLines: 0 }
  const show = (line: string): void => {
    for (const text of progress.feed(line)) {
      human.push(text)
      options.log.info(text)
    }
  }
  // A step that prints nothing for a while still shows that it runs (see RawJsonProgress.heartbeat).
  const heartbeat = setInterval(() => {
    for (const text of progress.heartbeat(Date.now())) options.log.info(text)
  }, HEARTBEAT_POLL_MS)
  heartbeat.unref()
  const result = await runner
    .run('docker', args, {
      ...env,
      onStderrLine: line => {
        seen.streamedLines++
        show(line)
      }
    })
    .finally(() => {
      clearInterval(heartbeat)
    })
  // A runner that does not stream lines still captured them all.
  if (seen.streamedLines === 0) for (const line of result.stderr.split(/\r?\n/)) show(line)
  if (result.exitCode !== 0) {
    const readable = { ...result, stderr: human.join('\n') }
    throw new BuildError(new CommandError('docker', args, readable, 'docker buildx build'), progress.result())
  }
  return { steps: progress.result() }
}
