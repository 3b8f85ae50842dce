/**
 * buildx from a release mirror (issue: "buildx itself"), against the stack's real buildx binary. A loopback
 * HTTP server in this test plays the mirror: the stack's own docker-buildx under the release file name
 * (buildx-v0.13.1.<os>-<arch>) next to a checksums.txt, as a GitHub release lays them out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { installBuildx, runnerDirs, type InstallLog } from '../../src/buildx/install.js'
import { BuildxInstallError, releaseAssetName, releasePlatform } from '../../src/buildx/release.js'
import { execRunner } from '../../src/core/runner.js'
import { githubReporter } from '../../src/github/github-reporter.js'
import {
  FIXTURES,
  STACK_DOCKER_CONFIG,
  env,
  expectCleanedUp,
  pushInputs,
  rawManifest,
  sha256,
  stackInputs,
  uniqueTag,
  useJobs,
  type Job
} from './harness.js'
import { FileServer } from '../file-server.js'
import { recordingLog } from '../install-log.js'

const VERSION = '0.13.1'
// This host as buildx's releases name it (the ARM version matters only on 32-bit ARM hosts).
const { arm_version: armVersion } = process.config.variables as unknown as { arm_version?: string | number }
const platform = releasePlatform(process.platform, process.arch, String(armVersion ?? '7'))
const asset = releaseAssetName(VERSION, platform)

/** The stack's docker-buildx (a symlink in $DOCKER_CONFIG/cli-plugins), resolved to the real file. */
const realBinary = fs.realpathSync(path.join(STACK_DOCKER_CONFIG, 'cli-plugins', 'docker-buildx'))
const hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/**
 * The mirror: `/good/v0.13.1/<asset>` is the real binary, `/corrupt/v0.13.1/<asset>` the same with one byte
 * changed; both directories have a checksums.txt with the real binary's sha256.
 */
class Mirror extends FileServer {
  readonly binary = fs.readFileSync(realBinary)
  readonly corrupt = Buffer.from(this.binary)

  constructor() {
    super()
    const middle = Math.floor(this.corrupt.length / 2)
    this.corrupt[middle] = (this.corrupt[middle] ?? 0) ^ 0xff
    const checksums = `${hex(Buffer.from('other'))} *buildx-v${VERSION}.darwin-arm64\n${hex(this.binary)} *${asset}\n`
    for (const dir of ['good', 'corrupt'] as const) {
      this.files.set(`/${dir}/v${VERSION}/${asset}`, {
        status: 200,
        body: dir === 'good' ? this.binary : this.corrupt
      })
      this.files.set(`/${dir}/v${VERSION}/checksums.txt`, { status: 200, body: checksums })
    }
  }

  template(dir: 'good' | 'corrupt'): string {
    return this.url(`/${dir}/v{version}/buildx-v{version}.{os}-{arch}{ext}`)
  }
}

const jobs = useJobs()
const mirror = new Mirror()
const savedEnv = { TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, TEMP: process.env.RUNNER_TEMP }
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-install-e2e-'))

/** Points @actions/tool-cache (it reads these at call time) at fresh directories. */
function freshToolCache(name: string): string {
  const dir = path.join(work, name)
  fs.mkdirSync(path.join(dir, 'temp'), { recursive: true })
  process.env.RUNNER_TOOL_CACHE = path.join(dir, 'tool-cache')
  process.env.RUNNER_TEMP = path.join(dir, 'temp')
  return process.env.RUNNER_TOOL_CACHE
}

beforeAll(() => mirror.start())
afterAll(async () => {
  await mirror.stop()
  if (savedEnv.TOOL_CACHE === undefined) delete process.env.RUNNER_TOOL_CACHE
  else process.env.RUNNER_TOOL_CACHE = savedEnv.TOOL_CACHE
  if (savedEnv.TEMP === undefined) delete process.env.RUNNER_TEMP
  else process.env.RUNNER_TEMP = savedEnv.TEMP
  fs.rmSync(work, { recursive: true, force: true })
})

/** The install module on this host, from one of the mirror's directories, with the real runner. */
const install = (dir: 'good' | 'corrupt', log: InstallLog): ReturnType<typeof installBuildx> =>
  installBuildx({
    version: VERSION,
    urlTemplate: mirror.template(dir),
    runner: execRunner(githubReporter()),
    platform,
    dirs: runnerDirs(process.env),
    log
  })

describe('buildx install module: the real buildx binary from a loopback mirror', () => {
  let toolCache = ''
  let cachedBinary = ''

  it('downloads, verifies against checksums.txt and caches; the cached binary runs as buildx 0.13.1', async () => {
    toolCache = freshToolCache('good')
    mirror.requests.length = 0
    const log = recordingLog()
    const result = await install('good', log)
    cachedBinary = path.join(toolCache, 'buildx', VERSION, platform.arch, `docker-buildx${platform.ext}`)
    expect(result).toMatchObject({ source: 'download', version: VERSION, path: cachedBinary })
    expect(result.cli).toEqual({ command: cachedBinary, prefix: [] })
    expect(mirror.requests).toEqual([`/good/v${VERSION}/${asset}`, `/good/v${VERSION}/checksums.txt`])
    expect(log.lines.join('\n')).toContain(`sha256 ${hex(mirror.binary)} matches`)
    expect(hex(fs.readFileSync(cachedBinary))).toBe(hex(mirror.binary))
    expect(fs.statSync(cachedBinary).mode & 0o777).toBe(0o755)
    expect(execFileSync(cachedBinary, ['version'], { encoding: 'utf8' })).toMatch(
      /github\.com\/docker\/buildx v?0\.13\.1/
    )
  }, 120_000)

  it('runs standalone against the stack (buildx ls sees the engine)', () => {
    expect(execFileSync(cachedBinary, ['ls'], { encoding: 'utf8' })).toMatch(/default.*docker/)
  })

  it('a second run takes it from the tool cache without any request', async () => {
    mirror.requests.length = 0
    const log = recordingLog()
    const result = await install('good', log)
    expect(result).toMatchObject({ source: 'tool-cache', path: cachedBinary })
    expect(mirror.requests).toEqual([])
    expect(log.lines[0]).toBe(`found buildx ${VERSION} in the tool cache: ${cachedBinary}`)
  })

  it('a corrupted download fails the checksum with expected and actual sha256, and caches nothing', async () => {
    const corruptCache = freshToolCache('corrupt')
    const error = await install('corrupt', recordingLog()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BuildxInstallError)
    const base = `http://127.0.0.1:${mirror.port}/corrupt/v${VERSION}`
    expect((error as Error).message).toBe(
      `Checksum mismatch for buildx downloaded from ${base}/${asset}: expected sha256 ${hex(mirror.binary)} ` +
        `(${asset} in ${base}/checksums.txt), got sha256 ${hex(mirror.corrupt)}. ` +
        'The download is corrupt or not the release file; nothing was installed.'
    )
    expect(fs.existsSync(path.join(corruptCache, 'buildx'))).toBe(false)
    expect(fs.readdirSync(process.env.RUNNER_TEMP ?? '')).toEqual([])
  }, 120_000)
})

/** The whole action (dist/, as the runner runs it) with buildx-version and buildx-download-url. */
describe('the action with buildx-version and buildx-download-url', () => {
  const registry = env('E2E_HTTP_REGISTRY')
  const toolCache = path.join(work, 'action-tool-cache')
  const cachedBinary = path.join(toolCache, 'buildx', VERSION, platform.arch, `docker-buildx${platform.ext}`)
  const escaped = cachedBinary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

  const runJob = (): { job: Job; tag: string } => {
    const platforms = 'linux/amd64,linux/arm64'
    const inputs = pushInputs({ registry, name: 'buildx-install', platforms, insecure: true })
    const tag = inputs.tags
    const job = jobs.start(
      {
        ...inputs,
        'buildx-version': VERSION,
        'buildx-download-url': mirror.template('good')
      },
      { RUNNER_TOOL_CACHE: toolCache }
    )
    return { job, tag }
  }

  it('first job: downloads into the tool cache, builds and pushes with that binary, post removes the builder with it', async () => {
    mirror.requests.length = 0
    const { job, tag } = runJob()
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    expect(mirror.requests).toEqual([`/good/v${VERSION}/${asset}`, `/good/v${VERSION}/checksums.txt`])
    expect(main.log).toContain(`downloading buildx ${VERSION} for ${platform.os}-${platform.arch}`)
    expect(main.log).toContain(`using buildx ${VERSION} (github.com/docker/buildx`)
    // @actions/exec echoes each command it runs: create and build ran the cached binary, not docker buildx
    expect(main.log).toMatch(new RegExp(`\\[command\\]${escaped} create --name multiarch-`))
    expect(main.log).toMatch(new RegExp(`\\[command\\]${escaped} build --builder multiarch-`))
    expect(main.log).not.toMatch(/\[command\]\S*docker buildx (create|build)/)
    expect(fs.existsSync(cachedBinary)).toBe(true)
    expect(sha256(rawManifest(tag))).toBe(main.outputs.digest)

    const builder = main.outputs['builder-name'] ?? ''
    const post = await job.post()
    expect(post.log).not.toMatch(/::warning/)
    expect(post.log).toMatch(new RegExp(`\\[command\\]${escaped} rm --force ${builder}`))
    expectCleanedUp(post, builder)
  }, 300_000)

  it('second job on the same runner: found in the tool cache, no download', async () => {
    mirror.requests.length = 0
    const { job } = runJob()
    const main = await job.main()
    expect(main.exitCode).toBe(0)
    expect(mirror.requests).toEqual([])
    expect(main.log).toContain(`found buildx ${VERSION} in the tool cache: ${cachedBinary}`)
    expect(main.log).toMatch(new RegExp(`\\[command\\]${escaped} build --builder multiarch-`))
    expect((await job.post()).exitCode).toBe(0)
  }, 300_000)

  it('a corrupted mirror fails the job with the checksum error', async () => {
    const job = jobs.start(
      {
        ...stackInputs(),
        platforms: 'linux/amd64',
        context: path.join(FIXTURES, 'uname'),
        tags: uniqueTag(registry, 'buildx-install'),
        'buildx-version': VERSION,
        'buildx-download-url': mirror.template('corrupt')
      },
      { RUNNER_TOOL_CACHE: path.join(work, 'action-corrupt-tool-cache') }
    )
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(
      new RegExp(
        `::error::Checksum mismatch for buildx downloaded from .*: expected sha256 ${hex(mirror.binary)}`
      )
    )
    expect((await job.post()).exitCode).toBe(0)
  }, 120_000)
})
