/**
 * The multi-platform `docker buildx build`: argv made by a pure function from the typed inputs, run with a
 * metadata file whose contents are the source of the digests.
 */
import { runChecked, type CommandRunner, type RunResult } from '../core/runner.js'
import { buildOptionArgs, evaluates, type BuildOptionSettings } from './build-options.js'

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
  noCache: boolean
  pull: boolean
  provenance: string
  /** RUN network mode ('' for the default). */
  network: string
  /** The build-push-action options (secrets, ssh, annotations, outputs, ...): see build-options.ts. */
  buildOptions: BuildOptionSettings
}

export interface BuildOptions {
  builder: string
  metadataFile: string
  settings: BuildSettings
}

/** The argv, and the environment buildx needs besides the job's own (secret values: never in argv). */
export function buildCommand({ builder, metadataFile, settings: s }: BuildOptions): {
  args: string[]
  env: Record<string, string>
} {
  const args = ['buildx', 'build', '--builder', builder, '--platform', s.platforms.join(',')]
  if (s.file) args.push('--file', s.file)
  if (!s.pushByDigest) for (const tag of s.tags) args.push('--tag', tag)
  for (const arg of s.buildArgs) args.push('--build-arg', arg)
  for (const label of s.labels) args.push('--label', label)
  if (s.target) args.push('--target', s.target)
  for (const from of s.cacheFrom) args.push('--cache-from', from)
  for (const to of s.cacheTo) args.push('--cache-to', to)
  if (s.noCache) args.push('--no-cache')
  if (s.pull) args.push('--pull')
  if (s.provenance) args.push(`--provenance=${s.provenance}`)
  if (s.network) args.push('--network', s.network)
  if (s.network === 'host' && !s.buildOptions.allow.includes('network.host'))
    args.push('--allow', 'network.host')
  const extra = buildOptionArgs(s.buildOptions, s.provenance)
  args.push(...extra.args)
  args.push('--metadata-file', metadataFile)
  const evaluateOnly = evaluates(s.buildOptions.call)
  if (s.pushByDigest && !evaluateOnly) args.push('--output', pushByDigestOutput(s.tags[0] ?? ''))
  else if (s.push && !evaluateOnly) args.push('--push')
  args.push(s.context)
  return { args, env: extra.env }
}

export function buildArgs(options: BuildOptions): string[] {
  return buildCommand(options).args
}

/**
 * The image exporter pushing without any tag: `name` is the one repository (the one entry of tags, checked
 * with the inputs), `name-canonical` makes buildx report it as `repository@digest`.
 */
export function pushByDigestOutput(repository: string): string {
  return `type=image,name=${repository},push-by-digest=true,name-canonical=true,push=true`
}

/** Runs the build with its output streaming to the log; a failure carries buildx's own error. */
export async function runBuild(runner: CommandRunner, options: BuildOptions): Promise<RunResult> {
  const { args, env } = buildCommand(options)
  return runChecked(runner, 'docker', args, {
    what: 'docker buildx build',
    ...(Object.keys(env).length > 0 ? { env } : {})
  })
}
