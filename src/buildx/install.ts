/**
 * buildx itself. When the runner's `docker buildx` is missing or too old, or `buildx-version` names a
 * release, the release binary for this runner's OS/arch is downloaded (from GitHub, or from the mirror
 * that `buildx-download-url` describes), checked against the release's `checksums.txt`, kept in the
 * runner's tool cache (a later job on the same runner takes it from there without downloading) and run
 * *standalone* for this job: `<binary> create ...` instead of `docker buildx create ...`. Nothing is
 * written to the docker CLI's plugin directories, so other jobs and steps keep the runner's own buildx.
 *
 * Everything that runs buildx goes through a `BuildxCli`: `withBuildx(runner, cli)` turns the
 * `docker buildx ...` commands that builder.ts and build.ts produce into commands for the chosen binary.
 *
 * URL templates (`buildx-download-url`): placeholders `{version}` (without `v`: 0.13.1), `{os}` (linux,
 * darwin, windows, freebsd), `{arch}` (amd64, arm64, arm-v7, arm-v6, ppc64le, s390x, riscv64) and `{ext}`
 * (`.exe` on Windows, else empty), the names buildx's GitHub releases use. `{version}` is required (the
 * tool cache is keyed by version). The checksum file is `checksums.txt` in the same directory as the
 * binary, unless a separate checksum URL template (same placeholders) is given. A checksum file that is
 * not there (HTTP 404/410/403) leaves the download unverified, with a warning; a checksum file that is
 * there must list the binary with the same sha256, else nothing is installed and the error says why.
 */
import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { MIN_BUILDX, compareVersions, parseBuildxVersion } from './version.js'
import type { CommandRunner } from '../core/runner.js'
import { DOCKER_BUILDX, standaloneBuildx, type BuildxCli } from './cli.js'
import { messageOf } from '../core/errors.js'

/** The GitHub release asset of a buildx version for this runner. */
export const DEFAULT_DOWNLOAD_URL =
  'https://github.com/docker/buildx/releases/download/v{version}/buildx-v{version}.{os}-{arch}{ext}'

/** Name of the checksum file published next to the release binaries. */
export const CHECKSUMS_FILE = 'checksums.txt'

/**
 * The version installed when `buildx-version` is empty and the runner's buildx is missing or older than
 * the action needs. Pinned (not "latest"): finding the latest release needs the GitHub API, which runners
 * behind a mirror cannot reach, and a pinned version builds the same way every time.
 */
export const FALLBACK_BUILDX_VERSION = '0.26.1'

/** Tool name in the tool cache (`$RUNNER_TOOL_CACHE/buildx/<version>/<arch>/docker-buildx`). */
export const TOOL_NAME = 'buildx'

/** A buildx install that failed; the message says what failed and where. */
export class BuildxInstallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BuildxInstallError'
  }
}

// ---------------------------------------------------------------------------------------------------------
// Versions, platforms, URLs

/**
 * The `buildx-version` input: '' (use the runner's buildx when it is recent enough), or an exact release
 * such as 0.13.1, v0.13.1 or 0.14.0-rc1. Returns it without the `v`.
 */
export function normalizeBuildxVersion(value: string): string {
  const trimmed = value.trim()
  if (trimmed === '') return ''
  const match = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?)$/.exec(trimmed)
  if (!match?.[1]) {
    throw new Error(
      `"${value}" is not a buildx release version; use an exact version such as 0.13.1 ` +
        '(or leave it empty to use the runner’s buildx)'
    )
  }
  return match[1]
}

/** `0.14.0-rc1` -> `0.14.0`, for comparing with what `buildx version` prints. */
function coreVersion(version: string): string {
  return version.replace(/-.*$/, '')
}

/** The names buildx's release assets use for an OS and architecture. */
export interface ReleasePlatform {
  os: string
  arch: string
  /** '.exe' on Windows, else ''. */
  ext: string
}

const RELEASE_OS: Readonly<Record<string, string>> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows',
  freebsd: 'freebsd'
}

const RELEASE_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64'
}

/** The ARM version Node was built for (6 or 7), from its build configuration. */
export function nodeArmVersion(): string {
  const variables = process.config.variables as unknown as Record<string, unknown>
  const value = variables.arm_version
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '7'
}

/** Node's `process.platform` / `process.arch` -> the OS and arch in buildx's release asset names. */
export function releasePlatform(
  platform: string = process.platform,
  arch: string = process.arch,
  armVersion: string = nodeArmVersion()
): ReleasePlatform {
  const os = RELEASE_OS[platform]
  if (!os) throw new BuildxInstallError(`buildx has no release for this runner's OS (${platform})`)
  let releaseArch = RELEASE_ARCH[arch]
  if (arch === 'arm') releaseArch = armVersion === '6' ? 'arm-v6' : 'arm-v7'
  if (!releaseArch)
    throw new BuildxInstallError(`buildx has no release for this runner's architecture (${arch})`)
  return { os, arch: releaseArch, ext: os === 'windows' ? '.exe' : '' }
}

/** `buildx-v0.13.1.linux-amd64`: the file name GitHub releases (and their checksums.txt) use. */
export function releaseAssetName(version: string, platform: ReleasePlatform): string {
  return `buildx-v${version}.${platform.os}-${platform.arch}${platform.ext}`
}

const PLACEHOLDERS = ['version', 'os', 'arch', 'ext'] as const

/** Fills a URL template's placeholders; throws on an unknown placeholder or a result that is no http(s) URL. */
export function renderUrlTemplate(template: string, version: string, platform: ReleasePlatform): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = { version, ...platform }
  const rendered = template.trim().replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const key = PLACEHOLDERS.find(p => p === name)
    if (!key) {
      throw new Error(
        `"${template}" has an unknown placeholder ${whole}; use ${PLACEHOLDERS.map(p => `{${p}}`).join(', ')}`
      )
    }
    return values[key]
  })
  let url: URL
  try {
    url = new URL(rendered)
  } catch {
    throw new Error(`"${template}" does not make a URL (got "${rendered}")`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${template}" is not an http(s) URL`)
  }
  return url.href
}

/**
 * Checks a `buildx-download-url` value ('' is the GitHub default) and returns the template to use. For
 * inputs.ts: the message names the problem; the caller prefixes the input name.
 */
export function parseDownloadUrlTemplate(value: string): string {
  const template = value.trim()
  if (template === '') return DEFAULT_DOWNLOAD_URL
  if (!template.includes('{version}')) {
    throw new Error(
      `"${template}" has no {version} placeholder; e.g. ` +
        'https://mirror.example.com/docker/buildx/v{version}/buildx-v{version}.{os}-{arch}{ext}'
    )
  }
  renderUrlTemplate(template, '0.0.0', { os: 'linux', arch: 'amd64', ext: '' })
  return template
}

/** The checksum file for a binary URL: `checksums.txt` in the same directory. */
export function defaultChecksumUrl(binaryUrl: string): string {
  return new URL(CHECKSUMS_FILE, binaryUrl).href
}

/** A URL for messages: a password in it is replaced by `***`. */
export function displayUrl(url: string): string {
  if (!URL.canParse(url)) return url
  const parsed = new URL(url)
  if (parsed.password === '') return url
  parsed.password = '***'
  return parsed.href
}

// ---------------------------------------------------------------------------------------------------------
// Checksums

/**
 * A sha256sum-style file (`<hex>  <name>` or `<hex> *<name>` lines) -> file name -> lowercase hex. Names
 * with a directory are also listed under their base name. Lines that are not checksums are skipped.
 */
export function parseChecksums(text: string): Map<string, string> {
  const sums = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64}) [ *]?(.+)$/.exec(line.trim())
    if (!match?.[1] || !match[2]) continue
    const hex = match[1].toLowerCase()
    const name = match[2].trim()
    sums.set(name, hex)
    const base = name.replace(/^.*\//, '')
    if (!sums.has(base)) sums.set(base, hex)
  }
  return sums
}

/**
 * Compares a file's sha256 with its entry in a checksum file (looked up under each of `names`, first
 * match wins); throws a BuildxInstallError naming both values and the checksum URL.
 */
export function verifyChecksum(options: {
  actual: string
  checksums: Map<string, string>
  names: readonly string[]
  checksumUrl: string
  binaryUrl: string
}): string {
  const { actual, checksums, names, checksumUrl, binaryUrl } = options
  const name = names.find(n => checksums.has(n))
  const expected = name === undefined ? undefined : checksums.get(name)
  if (expected === undefined) {
    const listed = [...checksums.keys()].filter(k => !k.includes('/'))
    throw new BuildxInstallError(
      `The checksum file ${displayUrl(checksumUrl)} has no entry for ${[...new Set(names)].join(' or ')}` +
        ` (it lists ${listed.length > 0 ? listed.join(', ') : 'no sha256 checksums'}), so the download` +
        ` from ${displayUrl(binaryUrl)} cannot be verified. Nothing was installed.`
    )
  }
  if (expected !== actual.toLowerCase()) {
    throw new BuildxInstallError(
      `Checksum mismatch for buildx downloaded from ${displayUrl(binaryUrl)}: expected sha256 ${expected}` +
        ` (${name ?? ''} in ${displayUrl(checksumUrl)}), got sha256 ${actual}. The download is corrupt or` +
        ' not the release file; nothing was installed.'
    )
  }
  return expected
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(fs.createReadStream(file), hash)
  return hash.digest('hex')
}

// ---------------------------------------------------------------------------------------------------------
// Install

export interface InstallLog {
  info(message: string): void
  warning(message: string): void
}

const coreLog: InstallLog = {
  info: message => {
    core.info(message)
  },
  warning: message => {
    core.warning(message)
  }
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
  platform?: ReleasePlatform
  log?: InstallLog
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
  const log = options.log ?? coreLog
  const platform = options.platform ?? releasePlatform()
  const { version } = options
  requireRunnerDirs()

  const cachedDir = tc.find(TOOL_NAME, version, platform.arch)
  const cached = cachedDir ? path.join(cachedDir, cachedBinaryName(platform)) : ''
  const source: BuildxSetup['source'] = cached && fs.existsSync(cached) ? 'tool-cache' : 'download'
  if (source === 'tool-cache') log.info(`found buildx ${version} in the tool cache: ${cached}`)
  const binary = source === 'tool-cache' ? cached : await downloadAndCache({ ...options, platform, log })
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

function requireRunnerDirs(): void {
  for (const name of ['RUNNER_TOOL_CACHE', 'RUNNER_TEMP']) {
    if (!process.env[name]) {
      throw new BuildxInstallError(
        `${name} is not set, so buildx cannot be downloaded to the tool cache (the GitHub runner sets it).`
      )
    }
  }
}

async function downloadAndCache(
  options: InstallOptions & { platform: ReleasePlatform; log: InstallLog }
): Promise<string> {
  const { version, platform, log } = options
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
    const checksums = await fetchChecksums(checksumUrl, binaryUrl, log)
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
    const dir = await tc.cacheFile(downloaded, cachedBinaryName(platform), TOOL_NAME, version, platform.arch)
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
  log: InstallLog
): Promise<Map<string, string> | undefined> {
  let file: string
  try {
    file = await tc.downloadTool(checksumUrl)
  } catch (error) {
    const status = error instanceof tc.HTTPError ? error.httpStatusCode : undefined
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

async function download(url: string, httpMessage: (status: number | undefined) => string): Promise<string> {
  try {
    return await tc.downloadTool(url)
  } catch (error) {
    if (error instanceof tc.HTTPError)
      throw new BuildxInstallError(httpMessage(error.httpStatusCode), { cause: error })
    throw new BuildxInstallError(
      `Downloading buildx from ${displayUrl(url)} failed: ${downloadFailure(error)}.`,
      {
        cause: error
      }
    )
  }
}

function downloadFailure(error: unknown): string {
  if (error instanceof tc.HTTPError) return `HTTP ${error.httpStatusCode ?? 'error'}`
  return messageOf(error)
}

// ---------------------------------------------------------------------------------------------------------
// The action's choice

export interface SetupOptions {
  /** The `buildx-version` input as given ('' or an exact version). */
  version: string
  /** The `buildx-download-url` input ('' : GitHub releases). */
  urlTemplate?: string
  checksumUrlTemplate?: string
  /** The oldest buildx the action (with these inputs) works with. */
  minimum?: string
  runner: CommandRunner
  platform?: ReleasePlatform
  log?: InstallLog
}

/**
 * Which buildx this job runs. An explicit `buildx-version`: that release, from the tool cache or
 * downloaded. Otherwise the runner's `docker buildx` when it is there and at least `minimum`; when it is
 * missing or older, FALLBACK_BUILDX_VERSION is installed. When the docker CLI itself is missing, that is
 * the error.
 */
export async function setupBuildx(options: SetupOptions): Promise<BuildxSetup> {
  const log = options.log ?? coreLog
  const minimum = options.minimum ?? MIN_BUILDX
  const requested = normalizeBuildxVersion(options.version)
  const install = (version: string): Promise<BuildxSetup> => installBuildx({ ...options, version, log })

  if (requested !== '') {
    if (compareVersions(coreVersion(requested), minimum) < 0) {
      throw new BuildxInstallError(
        `buildx-version ${requested} is too old; this action needs ${minimum} or newer.`
      )
    }
    return install(requested)
  }

  const probe = await options.runner.run('docker', ['buildx', 'version'], { silent: true })
  if (probe.exitCode === 127) {
    throw new BuildxInstallError(
      'docker is not installed on this runner (the docker CLI was not found on PATH).'
    )
  }
  const installed = probe.exitCode === 0 ? parseBuildxVersion(probe.stdout) : undefined
  if (installed && compareVersions(installed, minimum) >= 0) {
    log.info(`using the runner's docker buildx ${installed}`)
    return { cli: DOCKER_BUILDX, version: installed, source: 'installed', path: '' }
  }
  log.info(
    (installed ? `docker buildx ${installed} is older than ${minimum}` : 'docker buildx is not installed') +
      `: using buildx ${FALLBACK_BUILDX_VERSION} for this job (set buildx-version to choose another)`
  )
  return install(FALLBACK_BUILDX_VERSION)
}
