/**
 * Which cosign signs: the runner's own when it is cosign 3 or newer (or a build that reports no release,
 * such as a distribution's package), else the pinned release from the tool cache, downloaded once from
 * sigstore's GitHub releases and checked against the release's `cosign_checksums.txt` before it is cached.
 */
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { messageOf } from '../core/errors.js'
import type { CommandRunner } from '../core/runner.js'
import {
  downloadWithLimit,
  sha256File,
  toolCache,
  type InstallLog,
  type RunnerDirs
} from '../buildx/install.js'
import { displayUrl, parseChecksums, verifyChecksum } from '../buildx/release.js'
import { compareVersions } from '../buildx/version.js'

/** The release installed when the runner has no cosign 3. */
export const COSIGN_VERSION = '3.1.1'
/** The oldest cosign whose flags (signing config, tlog upload) this action uses. */
export const MINIMUM_COSIGN = '3.0.0'
export const COSIGN_RELEASES = 'https://github.com/sigstore/cosign/releases/download'

/** Node's architecture -> cosign's release name for Linux. */
const ARCHES: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  s390x: 's390x',
  ppc64: 'ppc64le',
  riscv64: 'riscv64'
}

/** `cosign-linux-amd64`: the release asset for this runner. */
export function cosignAsset(platform: string, arch: string): string {
  const name = ARCHES[arch]
  if (platform !== 'linux' || name === undefined)
    throw new Error(`cosign has no release for this runner (${platform}/${arch}); put a cosign 3 on PATH`)
  return `cosign-linux-${name}`
}

/**
 * The release `cosign version --json` reports ('3.1.1'), 'devel' for a build without one (a distribution's
 * package), undefined when the output is not cosign's.
 */
export function parseCosignVersion(output: string): string | undefined {
  try {
    const version = (JSON.parse(output) as { gitVersion?: unknown }).gitVersion
    if (typeof version !== 'string') return undefined
    const release = /^v?(\d+\.\d+\.\d+)/.exec(version)?.[1]
    return release ?? 'devel'
  } catch {
    return undefined
  }
}

export interface CosignOptions {
  runner: CommandRunner
  log: InstallLog
  dirs: RunnerDirs
  platform: string
  arch: string
  /** Where releases are downloaded from (default: sigstore's GitHub releases). */
  releases?: string
}

/** The cosign command to run: 'cosign' (the runner's) or the tool cache's binary. */
export async function findCosign(options: CosignOptions): Promise<string> {
  const { runner, log } = options
  const probe = await runner.run('cosign', ['version', '--json'], { silent: true })
  const version = probe.exitCode === 0 ? parseCosignVersion(probe.stdout) : undefined
  if (version === 'devel') {
    log.info("using the runner's cosign (a build that reports no release version)")
    return 'cosign'
  }
  if (version !== undefined && compareVersions(version, MINIMUM_COSIGN) >= 0) {
    log.info(`using the runner's cosign ${version}`)
    return 'cosign'
  }
  log.info(
    `${version ? `the runner's cosign ${version} is older than ${MINIMUM_COSIGN}` : 'cosign is not on PATH'}: ` +
      `using cosign ${COSIGN_VERSION}`
  )
  return installCosign(options)
}

async function installCosign(options: CosignOptions): Promise<string> {
  const { dirs, log } = options
  const asset = cosignAsset(options.platform, options.arch)
  const tc = await toolCache()
  const cached = tc.find('cosign', COSIGN_VERSION, options.arch)
  if (cached) {
    log.info(`found cosign ${COSIGN_VERSION} in the tool cache`)
    return path.join(cached, 'cosign')
  }
  if (!dirs.temp || !dirs.toolCache)
    throw new Error('RUNNER_TEMP and RUNNER_TOOL_CACHE must be set to download cosign')
  const base = `${(options.releases ?? COSIGN_RELEASES).replace(/\/+$/, '')}/v${COSIGN_VERSION}`
  const binaryUrl = `${base}/${asset}`
  const checksumUrl = `${base}/cosign_checksums.txt`
  const download = async (url: string): Promise<string> => {
    try {
      return await downloadWithLimit(url, path.join(dirs.temp, randomUUID()))
    } catch (error) {
      throw new Error(`Downloading cosign from ${displayUrl(url)} failed: ${messageOf(error)}`, {
        cause: error
      })
    }
  }
  log.info(`downloading cosign ${COSIGN_VERSION} from ${displayUrl(binaryUrl)}`)
  const binary = await download(binaryUrl)
  const sums = await download(checksumUrl)
  try {
    const actual = await sha256File(binary)
    const checksums = parseChecksums(fs.readFileSync(sums, 'utf8'))
    verifyChecksum({ actual, checksums, names: [asset], checksumUrl, binaryUrl, tool: 'cosign' })
    log.info(`sha256 ${actual} matches ${displayUrl(checksumUrl)}`)
    const dir = await tc.cacheFile(binary, 'cosign', 'cosign', COSIGN_VERSION, options.arch)
    const cosign = path.join(dir, 'cosign')
    fs.chmodSync(cosign, 0o755)
    return cosign
  } finally {
    fs.rmSync(binary, { force: true })
    fs.rmSync(sums, { force: true })
  }
}
