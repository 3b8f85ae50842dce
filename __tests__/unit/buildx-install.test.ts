/** Downloading buildx into the tool cache, and the choice of buildx, against a loopback release server. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { chooseBuildx } from '../../src/buildx/choose.js'
import { installBuildx, runnerDirs } from '../../src/buildx/install.js'
import {
  BuildxInstallError,
  FALLBACK_BUILDX_VERSION,
  releaseAssetName,
  type NodeHost,
  type ReleasePlatform
} from '../../src/buildx/release.js'
import { DOCKER_BUILDX, standaloneBuildx } from '../../src/buildx/buildx-cli.js'
import { FileServer } from '../file-server.js'
import { recordingLog } from '../install-log.js'
import { FakeRunner, docker, type Call } from './fake-runner.js'

const LINUX_AMD64: ReleasePlatform = { os: 'linux', arch: 'amd64', ext: '' }
const LINUX_X64: NodeHost = { platform: 'linux', arch: 'x64', armVersion: '7' }
const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

class ReleaseServer extends FileServer {
  /** A release directory like GitHub's: the binary and checksums.txt listing it. */
  release(version: string, body: string, checksumBody = body): void {
    const name = releaseAssetName(version, LINUX_AMD64)
    this.files.set(`/v${version}/${name}`, { status: 200, body })
    this.files.set(`/v${version}/checksums.txt`, {
      status: 200,
      body: `${sha256('other')} *buildx-v${version}.linux-arm64\n${sha256(checksumBody)} *${name}\n`
    })
  }
}

const fakeBinary = (version: string): string =>
  `#!/bin/sh\necho "github.com/docker/buildx v${version} 0000000"\n`

/** A runner that answers `<something>/docker-buildx version` like the release binary of `version`. */
function binaryRunner(version: string, installed?: string): FakeRunner {
  const runner = new FakeRunner()
  runner.on((call: Call) => call.command.endsWith('docker-buildx') && call.args[0] === 'version', {
    stdout: `github.com/docker/buildx v${version} 0000000\n`
  })
  if (installed === undefined)
    runner.on(docker('buildx', 'version'), {
      exitCode: 1,
      stderr: "docker: 'buildx' is not a docker command."
    })
  else runner.on(docker('buildx', 'version'), { stdout: `github.com/docker/buildx v${installed} abc\n` })
  return runner
}

describe('installBuildx / chooseBuildx (HTTP server + tool cache)', () => {
  const server = new ReleaseServer()
  const savedEnv = { ...process.env }
  let toolCache = ''
  let template = ''

  beforeAll(() => server.start())
  afterAll(() => server.stop())
  beforeEach(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-install-'))
    toolCache = path.join(dir, 'tool-cache')
    process.env.RUNNER_TOOL_CACHE = toolCache
    process.env.RUNNER_TEMP = path.join(dir, 'temp')
    server.files.clear()
    server.requests.length = 0
    template = server.url('/v{version}/buildx-v{version}.{os}-{arch}{ext}')
  })
  afterEach(() => {
    process.env = { ...savedEnv }
  })

  const install = (version: string, runner: FakeRunner, log = recordingLog(), urlTemplate = template) =>
    installBuildx({ version, urlTemplate, runner, platform: LINUX_AMD64, dirs: runnerDirs(process.env), log })

  it('downloads, verifies and caches once; the second run takes it from the cache without HTTP', async () => {
    server.release('0.13.1', fakeBinary('0.13.1'))
    const runner = binaryRunner('0.13.1')
    const log = recordingLog()
    const first = await install('0.13.1', runner, log)
    const expectedPath = path.join(toolCache, 'buildx', '0.13.1', 'amd64', 'docker-buildx')
    expect(first).toEqual({
      cli: standaloneBuildx(expectedPath),
      version: '0.13.1',
      source: 'download',
      path: expectedPath
    })
    expect(fs.readFileSync(expectedPath, 'utf8')).toBe(fakeBinary('0.13.1'))
    expect(fs.statSync(expectedPath).mode & 0o777).toBe(0o755)
    expect(fs.existsSync(`${path.dirname(expectedPath)}.complete`)).toBe(true)
    expect(server.requests).toEqual(['/v0.13.1/buildx-v0.13.1.linux-amd64', '/v0.13.1/checksums.txt'])
    expect(log.lines.join('\n')).toContain(
      `downloading buildx 0.13.1 for linux-amd64 from ${server.url('/v0.13.1/buildx-v0.13.1.linux-amd64')}`
    )
    expect(log.lines.join('\n')).toContain(
      `sha256 ${sha256(fakeBinary('0.13.1'))} matches ${server.url('/v0.13.1/checksums.txt')}`
    )
    expect(runner.lines()).toEqual([`${expectedPath} version`])
    // nothing left behind in RUNNER_TEMP
    expect(fs.readdirSync(process.env.RUNNER_TEMP ?? '')).toEqual([])

    server.requests.length = 0
    const log2 = recordingLog()
    const second = await install('0.13.1', runner, log2)
    expect(second).toEqual({ ...first, source: 'tool-cache' })
    expect(server.requests).toEqual([])
    expect(log2.lines[0]).toBe(`found buildx 0.13.1 in the tool cache: ${expectedPath}`)
  })

  it('a corrupted download fails the checksum, naming both sha256 values, and installs nothing', async () => {
    server.release('0.13.1', 'corrupted bytes', fakeBinary('0.13.1'))
    const error = await install('0.13.1', binaryRunner('0.13.1')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BuildxInstallError)
    expect((error as Error).message).toBe(
      `Checksum mismatch for buildx downloaded from ${server.url('/v0.13.1/buildx-v0.13.1.linux-amd64')}: ` +
        `expected sha256 ${sha256(fakeBinary('0.13.1'))} (buildx-v0.13.1.linux-amd64 in ` +
        `${server.url('/v0.13.1/checksums.txt')}), got sha256 ${sha256('corrupted bytes')}. ` +
        'The download is corrupt or not the release file; nothing was installed.'
    )
    expect(fs.existsSync(path.join(toolCache, 'buildx'))).toBe(false)
    expect(fs.readdirSync(process.env.RUNNER_TEMP ?? '')).toEqual([])
  })

  it('a checksum file without the binary fails', async () => {
    server.release('0.13.1', fakeBinary('0.13.1'))
    server.files.set('/v0.13.1/checksums.txt', {
      status: 200,
      body: `${sha256('x')}  buildx-v0.13.1.darwin-arm64\n`
    })
    await expect(install('0.13.1', binaryRunner('0.13.1'))).rejects.toThrow(
      /checksums.txt has no entry for buildx-v0.13.1.linux-amd64 \(it lists buildx-v0.13.1.darwin-arm64\).*Nothing was installed/
    )
    expect(fs.existsSync(path.join(toolCache, 'buildx'))).toBe(false)
  })

  it('no checksum file (404): installs with an "unverified" warning', async () => {
    server.release('0.13.1', fakeBinary('0.13.1'))
    server.files.delete('/v0.13.1/checksums.txt')
    const log = recordingLog()
    const result = await install('0.13.1', binaryRunner('0.13.1'), log)
    expect(result.source).toBe('download')
    expect(log.lines).toContain(
      `WARNING No checksum file at ${server.url('/v0.13.1/checksums.txt')} (HTTP 404): the buildx download from ` +
        `${server.url('/v0.13.1/buildx-v0.13.1.linux-amd64')} is unverified.`
    )
  })

  it('a checksum file that fails otherwise (HTTP 500) is an error, not "unverified"', async () => {
    const globals = globalThis as unknown as Record<string, unknown>
    globals.TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS = 0
    globals.TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS = 0
    try {
      server.release('0.13.1', fakeBinary('0.13.1'))
      server.files.set('/v0.13.1/checksums.txt', { status: 500, body: 'oops' })
      await expect(install('0.13.1', binaryRunner('0.13.1'))).rejects.toThrow(
        `Could not fetch the checksum file ${server.url('/v0.13.1/checksums.txt')} to verify buildx: HTTP 500.`
      )
    } finally {
      delete globals.TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS
      delete globals.TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS
    }
  })

  it('a version the source does not have: HTTP 404 with what to check (password hidden)', async () => {
    const withPassword = template.replace('http://', 'http://bot:s3cret@')
    const error = (await install('0.99.0', binaryRunner('0.99.0'), recordingLog(), withPassword).catch(
      (e: unknown) => e
    )) as Error
    expect(error.message).toBe(
      `buildx 0.99.0 for linux-amd64 is not at http://bot:***@127.0.0.1:${server.port}/v0.99.0/buildx-v0.99.0.linux-amd64 ` +
        '(HTTP 404). Check that buildx-version is a released version and that buildx-download-url serves it.'
    )
  })

  it('an unreachable source says so', async () => {
    const closed = http.createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>(resolve =>
      closed.close(() => {
        resolve()
      })
    )
    const globals = globalThis as unknown as Record<string, unknown>
    globals.TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS = 0
    globals.TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS = 0
    try {
      await expect(
        install('0.13.1', binaryRunner('0.13.1'), recordingLog(), `http://127.0.0.1:${port}/{version}`)
      ).rejects.toThrow(
        new RegExp(`Downloading buildx from http://127.0.0.1:${port}/0.13.1 failed: .*ECONNREFUSED`)
      )
    } finally {
      delete globals.TEST_DOWNLOAD_TOOL_RETRY_MIN_SECONDS
      delete globals.TEST_DOWNLOAD_TOOL_RETRY_MAX_SECONDS
    }
  })

  it('a flat mirror with its own file names and a checksum URL template', async () => {
    server.files.set('/mirror/docker-buildx-0.13.1-linux-amd64', { status: 200, body: fakeBinary('0.13.1') })
    server.files.set('/mirror/sums/0.13.1.txt', {
      status: 200,
      body: `${sha256(fakeBinary('0.13.1'))}  docker-buildx-0.13.1-linux-amd64\n`
    })
    const result = await installBuildx({
      version: '0.13.1',
      urlTemplate: server.url('/mirror/docker-buildx-{version}-{os}-{arch}'),
      checksumUrlTemplate: server.url('/mirror/sums/{version}.txt'),
      runner: binaryRunner('0.13.1'),
      platform: LINUX_AMD64,
      dirs: runnerDirs(process.env),
      log: recordingLog()
    })
    expect(result.source).toBe('download')
    expect(server.requests).toEqual(['/mirror/docker-buildx-0.13.1-linux-amd64', '/mirror/sums/0.13.1.txt'])
  })

  it('a binary that reports another version is refused', async () => {
    server.release('0.13.1', fakeBinary('0.12.0'))
    await expect(install('0.13.1', binaryRunner('0.12.0'))).rejects.toThrow(
      /reports version 0.12.0, not 0.13.1: check that buildx-download-url puts \{version\}.*removed from the tool cache/
    )
    expect(fs.readdirSync(path.join(toolCache, 'buildx', '0.13.1'))).toEqual([])
  })

  it('a binary that does not run here is refused with its error', async () => {
    server.release('0.13.1', fakeBinary('0.13.1'))
    const runner = new FakeRunner().on(call => call.args[0] === 'version', {
      exitCode: 126,
      stderr: 'cannot execute binary file: Exec format error'
    })
    await expect(install('0.13.1', runner)).rejects.toThrow(
      /docker-buildx does not run on this runner \(`version` exit code 126; removed from the tool cache\):\ncannot execute binary file: Exec format error/
    )
  })

  it('without RUNNER_TOOL_CACHE it says what is missing', async () => {
    delete process.env.RUNNER_TOOL_CACHE
    await expect(install('0.13.1', binaryRunner('0.13.1'))).rejects.toThrow(/RUNNER_TOOL_CACHE is not set/)
  })

  describe('chooseBuildx', () => {
    const setup = (version: string, runner: FakeRunner, log = recordingLog()) =>
      chooseBuildx({
        version,
        urlTemplate: template,
        runner,
        host: LINUX_X64,
        dirs: runnerDirs(process.env),
        log
      })

    it("uses the runner's docker buildx when it is recent enough", async () => {
      const log = recordingLog()
      const result = await setup('', binaryRunner('0.13.1', '0.13.1'), log)
      expect(result).toEqual({ cli: DOCKER_BUILDX, version: '0.13.1', source: 'installed', path: '' })
      expect(log.lines).toEqual(["using the runner's docker buildx 0.13.1"])
      expect(server.requests).toEqual([])
    })

    it.each([
      [undefined, 'docker buildx is not installed'],
      ['0.9.1', 'docker buildx 0.9.1 is older than 0.10.0']
    ])('installed %s: installs the pinned fallback version', async (installed, reason) => {
      server.release(FALLBACK_BUILDX_VERSION, fakeBinary(FALLBACK_BUILDX_VERSION))
      const log = recordingLog()
      const result = await setup('', binaryRunner(FALLBACK_BUILDX_VERSION, installed), log)
      expect(result.source).toBe('download')
      expect(result.version).toBe(FALLBACK_BUILDX_VERSION)
      expect(log.lines[0]).toBe(
        `${reason}: using buildx ${FALLBACK_BUILDX_VERSION} for this job (set buildx-version to choose another)`
      )
    })

    it('a minimum from the inputs counts', async () => {
      server.release(FALLBACK_BUILDX_VERSION, fakeBinary(FALLBACK_BUILDX_VERSION))
      const result = await chooseBuildx({
        version: '',
        urlTemplate: template,
        minimum: '0.13.2',
        runner: binaryRunner(FALLBACK_BUILDX_VERSION, '0.13.1'),
        host: LINUX_X64,
        dirs: runnerDirs(process.env),
        log: recordingLog()
      })
      expect(result.version).toBe(FALLBACK_BUILDX_VERSION)
    })

    it('a fallback download that fails says why buildx was to be installed (the input that needs it)', async () => {
      const run = chooseBuildx({
        version: '',
        urlTemplate: template,
        minimum: '0.13.2',
        minimumFor: 'call',
        runner: binaryRunner(FALLBACK_BUILDX_VERSION, '0.13.1'),
        host: LINUX_X64,
        dirs: runnerDirs(process.env),
        log: recordingLog()
      })
      await expect(run).rejects.toThrow(
        new RegExp(
          `^docker buildx 0\\.13\\.1 is older than 0\\.13\\.2 \\(call needs it\\), so buildx ${FALLBACK_BUILDX_VERSION.replace(/\./g, '\\.')} was to be installed for this job, and that failed: `
        )
      )
    })

    it('no docker CLI at all: says so, downloads nothing', async () => {
      const runner = new FakeRunner().on(docker('buildx', 'version'), { exitCode: 127, stderr: 'not found' })
      await expect(setup('', runner)).rejects.toThrow(/docker is not installed on this runner/)
      expect(server.requests).toEqual([])
    })

    it('an explicit buildx-version is installed even when the runner has that version', async () => {
      server.release('0.13.1', fakeBinary('0.13.1'))
      const runner = binaryRunner('0.13.1', '0.13.1')
      const result = await setup('v0.13.1', runner)
      expect(result.source).toBe('download')
      expect(runner.calls.some(c => c.command === 'docker')).toBe(false)
    })

    it.each([
      ['0.9.0', /buildx-version 0.9.0 is too old; this action needs 0.10.0 or newer/],
      ['latest', /"latest" is not a buildx release version/]
    ])('refuses buildx-version %s before any download', async (version, message) => {
      await expect(setup(version, binaryRunner('0.13.1'))).rejects.toThrow(message)
      expect(server.requests).toEqual([])
    })
  })
})
