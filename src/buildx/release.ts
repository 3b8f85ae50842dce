/**
 * buildx releases, as pure facts: the version grammar, the OS/arch names of the release assets, URL
 * templates (`buildx-download-url`) and the release's `checksums.txt`. No I/O: input validation uses this
 * module without pulling in the download code.
 *
 * URL templates: placeholders `{version}` (without `v`: 0.13.1), `{os}` (linux, darwin, windows, freebsd),
 * `{arch}` (amd64, arm64, arm-v7, arm-v6, ppc64le, s390x, riscv64) and `{ext}` (`.exe` on Windows, else
 * empty), the names buildx's GitHub releases use. `{version}` is required (the tool cache is keyed by
 * version). The checksum file is `checksums.txt` in the same directory as the binary, unless a separate
 * checksum URL template (same placeholders) is given.
 */
import { displayUrl } from '../registry/registry-errors.js'

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
export const FALLBACK_BUILDX_VERSION = '0.38.0'

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
export function coreVersion(version: string): string {
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

/** The host as Node names it: `process.platform`, `process.arch`, and the ARM version (6 or 7) on arm. */
export interface NodeHost {
  platform: string
  arch: string
  armVersion: string
}

/** Node's platform / arch -> the OS and arch in buildx's release asset names. */
export function releasePlatform(platform: string, arch: string, armVersion: string): ReleasePlatform {
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

/** A URL for messages: a password in it is replaced by `***` (one helper, the registry client's). */
export { displayUrl }

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
  /** What was downloaded, for the message (default buildx). */
  tool?: string
}): string {
  const { actual, checksums, names, checksumUrl, binaryUrl, tool = 'buildx' } = options
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
      `Checksum mismatch for ${tool} downloaded from ${displayUrl(binaryUrl)}: expected sha256 ${expected}` +
        ` (${name ?? ''} in ${displayUrl(checksumUrl)}), got sha256 ${actual}. The download is corrupt or` +
        ' not the release file; nothing was installed.'
    )
  }
  return expected
}
