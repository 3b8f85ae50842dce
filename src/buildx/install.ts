/**
 * Downloading a buildx release into the runner's tool cache. The release binary for this runner's OS/arch
 * is downloaded (from GitHub, or from the mirror that `buildx-download-url` describes), checked against
 * the release's `checksums.txt`, kept in the tool cache (a later job on the same runner takes it from
 * there without downloading) and run *standalone* for this job: nothing is written to the docker CLI's
 * plugin directories, so other jobs and steps keep the runner's own buildx.
 *
 * A checksum file that is not there (HTTP 404/410/403) leaves the download unverified, with a warning; a
 * checksum file that is there must list the binary with the same sha256, else nothing is installed.
 *
 * The runner's directories come in as `dirs`. @actions/tool-cache itself still takes the tool cache
 * directory from the process environment (RUNNER_TOOL_CACHE), which the run's environment is.
 */
import { createHash, randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseBuildxVersion } from './version.js'
import type { CommandRunner } from '../core/runner.js'
import { standaloneBuildx, type BuildxCli } from './buildx-cli.js'
import { messageOf } from '../core/errors.js'
import { withStallLimit } from '../core/stall.js'
import {
  BuildxInstallError,
  DEFAULT_DOWNLOAD_URL,
  coreVersion,
  defaultChecksumUrl,
  displayUrl,
  parseChecksums,
  releaseAssetName,
  renderUrlTemplate,
  verifyChecksum,
  type ReleasePlatform
} from './release.js'

/**
 * @actions/tool-cache, loaded when a download or the tool cache is needed: it brings an HTTP stack that a
 * run with the runner's own buildx never uses.
 */
export const toolCache = (): Promise<typeof import('@actions/tool-cache')> => import('@actions/tool-cache')

/** The HTTP status of a failed tool-cache download (its HTTPError), else undefined. */
function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('httpStatusCode' in error)) return undefined
  return typeof error.httpStatusCode === 'number' ? error.httpStatusCode : undefined
}

/** Whether a download failed with an HTTP response (tool-cache's HTTPError carries httpStatusCode). */
const isHttpError = (error: unknown): boolean => error instanceof Error && 'httpStatusCode' in error

/** Tool name in the tool cache (`$RUNNER_TOOL_CACHE/buildx/<version>/<arch>/docker-buildx`). */
export const TOOL_NAME = 'buildx'

/** The runner's directories a download needs (RUNNER_TOOL_CACHE, RUNNER_TEMP; '' when not set). */
export interface RunnerDirs {
  toolCache: string
  temp: string
}

/** The runner's directories from the run's environment. */
export function runnerDirs(env: NodeJS.ProcessEnv): RunnerDirs {
  return { toolCache: env.RUNNER_TOOL_CACHE ?? '', temp: env.RUNNER_TEMP ?? '' }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(fs.createReadStream(file), hash)
  return hash.digest('hex')
}

export interface InstallLog {
  info(message: string): void
  warning(message: string): void
}

export interface InstallOptions {
  /** Exact version without `v` (see normalizeBuildxVersion). */
  version: string
  /** URL template for the binary ('' or undefined: GitHub releases). */
  urlTemplate?: string
  /** URL template for the checksum file ('' or undefined: checksums.txt next to the binary). */
  checksumUrlTemplate?: string
  /** Runs `<binary> version` to check the binary (through the action's CommandRunner). */
  runner: CommandRunner
  platform: ReleasePlatform
  dirs: RunnerDirs
  log: InstallLog
}

export interface BuildxSetup {
  cli: BuildxCli
  /** Version `buildx version` reported ('' when the runner's buildx could not be asked). */
  version: string
  /** installed: the runner's `docker buildx`; tool-cache: found there; download: downloaded this run. */
  source: 'installed' | 'tool-cache' | 'download'
  /** The binary run standalone ('' for the runner's buildx). */
  path: string
}

/** Name of the binary in the tool cache. */
function cachedBinaryName(platform: ReleasePlatform): string {
  return `docker-buildx${platform.ext}`
}

/**
 * Makes buildx `version` available from the tool cache: found there, or downloaded, verified and cached.
 * Then runs `<binary> version` to check that it runs here and is the version asked for.
 */
export async function installBuildx(options: InstallOptions): Promise<BuildxSetup> {
  const { log } = options
  const { version, platform } = options
  requireRunnerDirs(options.dirs)

  const tc = await toolCache()
  const cachedDir = tc.find(TOOL_NAME, version, platform.arch)
  const cached = cachedDir ? path.join(cachedDir, cachedBinaryName(platform)) : ''
  const source: BuildxSetup['source'] = cached && fs.existsSync(cached) ? 'tool-cache' : 'download'
  if (source === 'tool-cache') log.info(`found buildx ${version} in the tool cache: ${cached}`)
  const binary = source === 'tool-cache' ? cached : await downloadAndCache(options)
  fs.chmodSync(binary, 0o755)

  const result = await options.runner.run(binary, ['version'], { silent: true })
  const reported = result.exitCode === 0 ? parseBuildxVersion(result.stdout) : undefined
  if (reported !== coreVersion(version)) {
    // Not what was asked for: take it out of the tool cache, so the next run downloads again.
    const dir = path.dirname(binary)
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(`${dir}.complete`, { force: true })
  }
  if (!reported) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n')
    throw new BuildxInstallError(
      `The buildx binary ${binary} does not run on this runner (\`version\` exit code ${result.exitCode}; ` +
        `removed from the tool cache)${detail ? `:\n${detail}` : ''}`
    )
  }
  if (reported !== coreVersion(version)) {
    throw new BuildxInstallError(
      `The buildx binary ${binary} reports version ${reported}, not ${version}: ` +
        'check that buildx-download-url puts {version} where the mirror keeps each version. It was removed ' +
        'from the tool cache.'
    )
  }
  log.info(`using buildx ${version} (${result.stdout.trim()}) from ${binary} for this job`)
  return { cli: standaloneBuildx(binary), version: reported, source, path: binary }
}

function requireRunnerDirs(dirs: RunnerDirs): void {
  const named: [string, string][] = [
    ['RUNNER_TOOL_CACHE', dirs.toolCache],
    ['RUNNER_TEMP', dirs.temp]
  ]
  for (const [name, value] of named) {
    if (!value) {
      throw new BuildxInstallError(
        `${name} is not set, so buildx cannot be downloaded to the tool cache (the GitHub runner sets it).`
      )
    }
  }
}

async function downloadAndCache(options: InstallOptions): Promise<string> {
  const { version, platform, log } = options
  const download = (url: string, httpMessage: (status: number | undefined) => string): Promise<string> =>
    downloadTo(url, path.join(options.dirs.temp, randomUUID()), httpMessage)
  const template = options.urlTemplate?.trim() || DEFAULT_DOWNLOAD_URL
  const binaryUrl = renderUrlTemplate(template, version, platform)
  const checksumUrl = options.checksumUrlTemplate?.trim()
    ? renderUrlTemplate(options.checksumUrlTemplate, version, platform)
    : defaultChecksumUrl(binaryUrl)
  const what = `buildx ${version} for ${platform.os}-${platform.arch}`

  log.info(`downloading ${what} from ${displayUrl(binaryUrl)}`)
  const downloaded = await download(binaryUrl, status =>
    status === 404
      ? `${what} is not at ${displayUrl(binaryUrl)} (HTTP 404). Check that buildx-version is a released ` +
        'version and that buildx-download-url serves it.'
      : `Downloading ${what} from ${displayUrl(binaryUrl)} failed: HTTP ${status}.`
  )
  try {
    const actual = await sha256File(downloaded)
    const checksums = await fetchChecksums(checksumUrl, binaryUrl, options.dirs, log)
    if (checksums) {
      const names = [
        decodeURIComponent(path.posix.basename(new URL(binaryUrl).pathname)),
        releaseAssetName(version, platform)
      ]
      verifyChecksum({ actual, checksums, names, checksumUrl, binaryUrl })
      log.info(`sha256 ${actual} matches ${displayUrl(checksumUrl)}`)
    } else {
      log.info(`sha256 of the unverified download: ${actual}`)
    }
    const dir = await (
      await toolCache()
    ).cacheFile(downloaded, cachedBinaryName(platform), TOOL_NAME, version, platform.arch)
    const binary = path.join(dir, cachedBinaryName(platform))
    log.info(`cached buildx ${version} in the tool cache: ${binary}`)
    return binary
  } finally {
    fs.rmSync(downloaded, { force: true })
  }
}

/** The checksum file's entries, or undefined (with a warning) when the source publishes none. */
async function fetchChecksums(
  checksumUrl: string,
  binaryUrl: string,
  dirs: RunnerDirs,
  log: InstallLog
): Promise<Map<string, string> | undefined> {
  let file: string
  try {
    file = await downloadWithLimit(checksumUrl, path.join(dirs.temp, randomUUID()))
  } catch (error) {
    const status = httpStatus(error)
    if (status === 404 || status === 410 || status === 403) {
      log.warning(
        `No checksum file at ${displayUrl(checksumUrl)} (HTTP ${status}): the buildx download from ` +
          `${displayUrl(binaryUrl)} is unverified.`
      )
      return undefined
    }
    throw new BuildxInstallError(
      `Could not fetch the checksum file ${displayUrl(checksumUrl)} to verify buildx: ${downloadFailure(error)}.`,
      { cause: error }
    )
  }
  try {
    return parseChecksums(fs.readFileSync(file, 'utf8'))
  } finally {
    fs.rmSync(file, { force: true })
  }
}

async function downloadTo(
  url: string,
  dest: string,
  httpMessage: (status: number | undefined) => string
): Promise<string> {
  try {
    return await downloadWithLimit(url, dest)
  } catch (error) {
    if (isHttpError(error)) throw new BuildxInstallError(httpMessage(httpStatus(error)), { cause: error })
    throw new BuildxInstallError(
      `Downloading buildx from ${displayUrl(url)} failed: ${downloadFailure(error)}.`,
      {
        cause: error
      }
    )
  }
}

/** How long a download may go without receiving a byte. */
export const DOWNLOAD_STALL_MS = 60_000

/** tc.downloadTool, failing when the file it writes stops growing for DOWNLOAD_STALL_MS. */
export async function downloadWithLimit(url: string, dest: string): Promise<string> {
  const tc = await toolCache()
  return withStallLimit(tc.downloadTool(url, dest), {
    progress: () => fs.statSync(dest, { throwIfNoEntry: false })?.size ?? -1,
    stallMs: DOWNLOAD_STALL_MS,
    message: () =>
      `${new URL(url).host} stalled: no data for ${DOWNLOAD_STALL_MS / 1000} s while downloading ${displayUrl(url)}`
  })
}

function downloadFailure(error: unknown): string {
  if (isHttpError(error)) return `HTTP ${httpStatus(error) ?? 'error'}`
  return messageOf(error)
}
