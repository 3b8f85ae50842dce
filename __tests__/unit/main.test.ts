/**
 * Orchestration of one run with a fake command runner: the order of the commands, the outputs, and that
 * invalid inputs stop everything before any command runs.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FALLBACK_BUILDX_VERSION, releaseAssetName, releasePlatform } from '../../src/buildx/release.js'
import { InputError } from '../../src/inputs/table.js'
import { githubReporter } from '../../src/github/reporter.js'
import type { MainDeps } from '../../src/run/deps.js'
import { runMain } from '../../src/run/main.js'
import { maskSecrets } from '../../src/run/secrets.js'
import { reportFailure, RunError } from '../../src/run/outputs.js'
import { captureStdout, commands } from '../stdout.js'
import { TestHttpServer, send } from '../http-server.js'
import { BAD_INPUTS } from './bad-inputs.js'
import { FakeRunner, docker, type Call } from './fake-runner.js'
import { ELF, buildHistory, buildImage, serveImage, tarLayer, type BuiltImage } from './image-fixtures.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
const INDEX = fs.readFileSync(path.join(FIXTURES, 'buildx-0.13/index-3-platforms.json'))
const METADATA = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'buildx-0.13/metadata-3-platforms.json'), 'utf8')
) as Record<string, unknown>
const DIGEST = METADATA['containerimage.digest'] as string

let work = ''
// @actions/core remembers the summary file it first wrote to, so the command files stay put across tests.
const commandDir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-test-files-'))
const files = (): Record<string, string> => ({
  GITHUB_OUTPUT: path.join(commandDir, 'output'),
  GITHUB_STATE: path.join(commandDir, 'state'),
  GITHUB_STEP_SUMMARY: path.join(commandDir, 'summary')
})
const saved = { ...process.env }
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'main-test-'))
  for (const [k, v] of Object.entries(files())) {
    fs.writeFileSync(v, '')
    process.env[k] = v
  }
})
afterAll(() => {
  process.env = saved
})

function outputs(): string {
  return fs.readFileSync(files().GITHUB_OUTPUT ?? '', 'utf8')
}

/** A binfmt_misc directory where aarch64 and arm are registered with F. */
function binfmt(): string {
  const dir = path.join(work, 'binfmt')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'register'), '')
  for (const h of ['aarch64', 'arm']) {
    fs.copyFileSync(path.join(FIXTURES, `binfmt/qemu-${h}.enabled-F`), path.join(dir, `qemu-${h}`))
  }
  return dir
}

const HOST = { platform: 'linux', arch: 'x64', armVersion: '7' }

function deps(runner: FakeRunner, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): MainDeps {
  return {
    reporter: githubReporter(),
    runner,
    getInput: (name: string) => inputs[name] ?? '',
    env: { RUNNER_TEMP: work, DOCKER_CONFIG: path.join(work, 'docker-config'), GITHUB_RUN_ID: '42', ...env },
    cwd: process.cwd(),
    tmpDir: os.tmpdir(),
    host: HOST,
    hostArch: 'amd64',
    isRoot: true,
    binfmtDir: binfmt(),
    retryDelayMs: 1,
    sleep: () => Promise.resolve(),
    now: Date.now
  }
}

/** Answers the buildx version check and writes buildx's metadata file the way a real build does. */
function dockerRunner(imageName: string, digest = DIGEST): FakeRunner {
  return new FakeRunner()
    .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
    .on(docker('buildx', 'build'), (call: Call) => {
      const file = call.args[call.args.indexOf('--metadata-file') + 1] ?? ''
      const metadata = { ...METADATA, 'image.name': imageName, 'containerimage.digest': digest }
      fs.writeFileSync(file, JSON.stringify(metadata))
      return {}
    })
}

const ARCHES = { amd64: ELF.amd64, arm64: ELF.arm64, arm: ELF.arm } as const

/**
 * A 3-platform image as a build of now makes it: each platform's own base (busybox of its architecture,
 * no history) and one layer this build added with /app/tool of `toolOf(arch)`, the entrypoint.
 */
async function threePlatformImage(toolOf: (arch: keyof typeof ARCHES) => Buffer): Promise<BuiltImage> {
  const platforms = [
    { os: 'linux', architecture: 'amd64' as const },
    { os: 'linux', architecture: 'arm64' as const },
    { os: 'linux', architecture: 'arm' as const, variant: 'v7' }
  ]
  const specs = await Promise.all(
    platforms.map(async platform => ({
      platform,
      layers: [
        await tarLayer([{ name: 'bin/busybox', content: ARCHES[platform.architecture], mode: 0o755 }]),
        await tarLayer([{ name: 'app/tool', content: toolOf(platform.architecture), mode: 0o755 }])
      ],
      config: {
        history: buildHistory(new Date().toISOString(), 1),
        config: { Entrypoint: ['/app/tool'], Env: ['PATH=/bin'] }
      }
    }))
  )
  return buildImage(specs)
}

describe('runMain', () => {
  it.each(BAD_INPUTS)('%s %j: fails before running any command', async (input, values) => {
    const runner = new FakeRunner()
    const run = runMain(deps(runner, { tags: 'r.example.com/a:1', ...values }))
    await expect(run).rejects.toBeInstanceOf(InputError)
    await expect(run).rejects.toThrow(new RegExp(`- ${input}: `))
    expect(runner.calls).toEqual([])
  })

  it.each<[string, Record<string, string>]>([
    ['push without tags', {}],
    // the fixture's binfmt_misc has aarch64 and arm, not riscv64
    [
      'qemu: false with a platform whose emulator is missing',
      { tags: 'r.example.com/a:1', qemu: 'false', platforms: 'linux/amd64,linux/riscv64' }
    ]
  ])('%s: fails before running any command', async (_name, inputs) => {
    const runner = new FakeRunner()
    await expect(runMain(deps(runner, inputs))).rejects.toBeInstanceOf(InputError)
    expect(runner.calls).toEqual([])
  })

  it('checks buildx, creates the builder, builds; push false reports the metadata digest without a registry', async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    await runMain(
      deps(runner, {
        platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
        push: 'false',
        tags: 'r.example.com/team/app:1',
        'buildkit-image': 'moby/buildkit:v0.13.2',
        'host-network': 'true',
        proxy: 'false'
      })
    )
    const lines = runner.lines()
    expect(lines[0]).toBe('docker buildx version')
    expect(lines[1]).toMatch(
      /^docker buildx create --name multiarch-42-[0-9a-f]{8} --driver docker-container --driver-opt image=moby\/buildkit:v0\.13\.2 --driver-opt network=host --buildkitd-flags --allow-insecure-entitlement network.host --bootstrap$/
    )
    expect(lines[2]).toMatch(
      /^docker buildx build --builder multiarch-42-[0-9a-f]{8} --platform linux\/amd64,linux\/arm64,linux\/arm\/v7 --progress=rawjson --tag r.example.com\/team\/app:1 --metadata-file .*metadata.json \.$/
    )
    expect(lines).toHaveLength(3) // one version check; no emulator install: binfmt has both handlers
    expect(outputs()).toContain(DIGEST)
    expect(outputs()).toContain('emulated-platforms<<')
  })

  it('load with two platforms on the classic image store: fails naming load, before the builder', async () => {
    const runner = dockerRunner('r.example.com/team/app:1').on(docker('info'), {
      stdout: 'overlay2|[["Backing Filesystem","extfs"]]\n'
    })
    const run = runMain(deps(runner, { push: 'false', load: 'true', tags: 'r.example.com/team/app:1' }))
    await expect(run).rejects.toThrow(
      /^load: .*classic store \(storage driver overlay2\).*containerd image store/
    )
    expect(runner.lines()).toEqual(['docker info --format {{.Driver}}|{{json .DriverStatus}}'])
  })

  it('load with two platforms on the containerd image store; secrets go to buildx in its environment', async () => {
    const runner = dockerRunner('r.example.com/team/app:1').on(docker('info'), {
      stdout: 'overlayfs|[["driver-type","io.containerd.snapshotter.v1"]]\n'
    })
    await runMain(
      deps(runner, { push: 'false', load: 'true', tags: 'r.example.com/team/app:1', secrets: 'NPM=s3cr3t' })
    )
    const build = runner.calls.find(c => c.args[1] === 'build')
    expect(build?.args).toContain('--load')
    expect(build?.args.join(' ')).not.toContain('s3cr3t')
    // The secret is in buildx's environment, under the one name its --secret argument refers to.
    const secretVars = Object.entries(build?.options.env ?? {}).filter(([, value]) => value === 's3cr3t')
    expect(secretVars.map(([name]) => name)).toEqual(['MULTIARCH_BUILD_SECRET_0'])
    expect(build?.args).toContain('id=NPM,env=MULTIARCH_BUILD_SECRET_0')
    expect(outputs()).toContain(`imageid<<`)
  })

  it('call: check runs no registry check and sets no digest', async () => {
    const runner = new FakeRunner().on(docker('buildx', 'version'), {
      stdout: 'github.com/docker/buildx v0.29.1\n'
    })
    await runMain(deps(runner, { call: 'check' }))
    const build = runner.calls.find(c => c.args[1] === 'build')
    expect(build?.args).toContain('--call=check')
    expect(build?.args).not.toContain('--push')
    expect(outputs()).not.toContain('digest')
  })

  it("call: check with the runner's buildx 0.13.1 installs the pinned buildx (0.15 or newer needed)", async () => {
    const runner = new FakeRunner().on(docker('buildx', 'version'), {
      stdout: 'github.com/docker/buildx 0.13.1 abc\n'
    })
    const run = runMain({
      ...deps(runner, { call: 'check' }),
      env: { RUNNER_TEMP: work, GITHUB_RUN_ID: '1' }
    })
    // No tool cache on this fake runner: the install is refused, after saying why it was needed.
    await expect(run).rejects.toThrow(/RUNNER_TOOL_CACHE|tool cache/i)
  })

  it('push true: pushes by digest, checks the image in the registry, then PUTs the index under each tag', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    const server = serveImage(await TestHttpServer.start(), 'team/app', image)
    const registry = server.host
    try {
      const runner = dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest)
      await runMain(
        deps(runner, {
          platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
          tags: `${registry}/team/app:1,${registry}/team/app:latest`
        })
      )
      const build = runner.lines().find(l => l.includes('buildx build')) ?? ''
      expect(build).toContain(
        `--output type=image,name=${registry}/team/app,push-by-digest=true,name-canonical=true,push=true`
      )
      expect(build).not.toContain('--tag')
      const log = server.log()
      expect(log.filter(l => l === `GET /v2/team/app/manifests/${image.indexDigest}`)).toHaveLength(1)
      // The tags come last, one PUT each, with the bytes the registry serves by digest; then a look-up of
      // what each tag serves (another run may have pushed it meanwhile).
      expect(log.slice(-4)).toEqual([
        'PUT /v2/team/app/manifests/1',
        'PUT /v2/team/app/manifests/latest',
        'HEAD /v2/team/app/manifests/1',
        'HEAD /v2/team/app/manifests/latest'
      ])
      expect(fs.readFileSync(files().GITHUB_STEP_SUMMARY ?? '', 'utf8')).not.toContain('no longer serves')
      const puts = server.requests.filter(r => r.method === 'PUT')
      expect(puts.map(r => r.body.equals(image.index))).toEqual([true, true])
      expect(puts.map(r => r.headers['content-type'])).toEqual([
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.index.v1+json'
      ])
      // Each platform's two layers are read: the added one for ELF files, the base one only for nothing
      // (the entrypoint is in the added layer).
      expect(log.filter(l => l.includes('/blobs/'))).toHaveLength(3 /* configs */ + 3 /* added layers */)
      const out = outputs()
      expect(out).toContain(`digest<<`)
      expect(out).toContain(image.indexDigest)
      expect(out).toContain('"linux/arm/v7":"sha256:')
      expect(out).not.toContain('unknown/unknown')
      expect(fs.readFileSync(files().GITHUB_STEP_SUMMARY ?? '', 'utf8')).toContain('linux/arm64')
    } finally {
      await server.stop()
    }
  })

  it('a binaries check failure names the platforms and the file, and puts no tag', async () => {
    const image = await threePlatformImage(() => ELF.amd64)
    const server = serveImage(await TestHttpServer.start(), 'team/app', image)
    const registry = server.host
    try {
      const runner = dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest)
      const run = runMain(
        deps(runner, { platforms: 'linux/amd64,linux/arm64,linux/arm/v7', tags: `${registry}/team/app:1` })
      )
      await expect(run).rejects.toThrow(
        /no tag was moved:\n {2}- linux\/arm64: \/app\/tool is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64 \(added by this build, layer sha256:[0-9a-f]{64}\)\n {2}- linux\/arm\/v7: \/app\/tool is ELF 64-bit LSB x86-64, not ELF 32-bit LSB ARM/
      )
      await expect(run).rejects.not.toThrow(/linux\/amd64:/)
      expect(server.log().filter(l => l.startsWith('PUT'))).toEqual([])
    } finally {
      await server.stop()
    }
  })

  it.each([
    ['warning', 4],
    ['false', 3]
  ])('check-binaries: %s tags the same image (%d blobs read)', async (mode, blobs) => {
    const image = await threePlatformImage(() => ELF.amd64)
    const server = serveImage(await TestHttpServer.start(), 'team/app', image)
    try {
      const runner = dockerRunner(`${server.host}/team/app@${image.indexDigest}`, image.indexDigest)
      await runMain(
        deps(runner, {
          platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
          tags: `${server.host}/team/app:1`,
          'check-binaries': mode
        })
      )
      expect(server.log().filter(l => l.startsWith('PUT'))).toEqual(['PUT /v2/team/app/manifests/1'])
      // 3 configs; with the check on, the added layer (the same blob for every platform here) once.
      expect(server.log().filter(l => l.includes('/blobs/'))).toHaveLength(blobs)
    } finally {
      await server.stop()
    }
  })

  it('a budget smaller than any layer reads none and does not fail the step', async () => {
    const image = await threePlatformImage(() => ELF.amd64)
    const server = serveImage(await TestHttpServer.start(), 'team/app', image)
    try {
      const runner = dockerRunner(`${server.host}/team/app@${image.indexDigest}`, image.indexDigest)
      await runMain(
        deps(runner, {
          platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
          tags: `${server.host}/team/app:1`,
          'check-binaries-budget': '10'
        })
      )
      expect(server.log().filter(l => l.startsWith('PUT'))).toEqual(['PUT /v2/team/app/manifests/1'])
    } finally {
      await server.stop()
    }
  })

  it('fails when the registry serves another digest than buildx reported', async () => {
    const server = await TestHttpServer.start({
      fallback: (_request, response) => {
        send(response, {
          status: 200,
          headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
          body: Buffer.concat([INDEX, Buffer.from(' ')])
        })
      }
    })
    const registry = server.host
    try {
      const runner = dockerRunner(`${registry}/team/app:1`)
      await expect(
        runMain(deps(runner, { platforms: 'linux/amd64', tags: `${registry}/team/app:1` }))
      ).rejects.toThrow(
        /served content whose sha256 is sha256:[0-9a-f]{64}, not the requested sha256:e2c70c61/
      )
    } finally {
      await server.stop()
    }
  })

  it('retries a build that failed on a transient network error, but not a failing RUN', async () => {
    let builds = 0
    const flaky = new FakeRunner()
      .on(docker('buildx', 'build'), () => {
        builds++
        if (builds === 1)
          return {
            exitCode: 1,
            stderr: 'failed to push: dial tcp 127.0.0.1:5999: connect: connection refused'
          }
        return {
          exitCode: 1,
          stderr: 'ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1'
        }
      })
      .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc' })
    await expect(
      runMain(deps(flaky, { platforms: 'linux/amd64', push: 'false', retries: '3' }))
    ).rejects.toThrow(/did not complete successfully/)
    expect(builds).toBe(2) // one retry for the refused connection, none for the failing RUN
  })

  it('replaces a too old runner buildx: the optimistic builder is removed and created again with the download', async () => {
    const version = FALLBACK_BUILDX_VERSION
    const name = releaseAssetName(version, releasePlatform(HOST.platform, HOST.arch, HOST.armVersion))
    const binary = `#!/bin/sh\necho "github.com/docker/buildx v${version} 0"\n`
    const server = (await TestHttpServer.start())
      .route('GET', `/v${version}/${name}`, { status: 200, body: binary })
      .route('GET', `/v${version}/checksums.txt`, {
        status: 200,
        body: `${createHash('sha256').update(binary).digest('hex')} *${name}\n`
      })
    const runnerDirs = {
      RUNNER_TOOL_CACHE: path.join(work, 'tool-cache'),
      RUNNER_TEMP: path.join(work, 'runner-temp')
    }
    // @actions/tool-cache reads the tool cache directory from the process environment itself.
    process.env.RUNNER_TOOL_CACHE = runnerDirs.RUNNER_TOOL_CACHE
    try {
      const runner = new FakeRunner()
        .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx v0.9.1 abc' })
        .on(c => c.command.endsWith('docker-buildx') && c.args[0] === 'version', {
          stdout: `github.com/docker/buildx v${version} 0`
        })
        .on(
          c => c.command.endsWith('docker-buildx') && c.args[0] === 'build',
          c => {
            const file = c.args[c.args.indexOf('--metadata-file') + 1] ?? ''
            fs.writeFileSync(file, JSON.stringify({ ...METADATA, 'image.name': 'r.example.com/team/app:1' }))
            return {}
          }
        )
      await runMain(
        deps(
          runner,
          {
            platforms: 'linux/amd64',
            push: 'false',
            'buildx-download-url': server.url('/v{version}/buildx-v{version}.{os}-{arch}{ext}')
          },
          runnerDirs
        )
      )
      const lines = runner.lines().map(l => l.replace(/^\S*\/docker-buildx /, 'BIN '))
      expect(lines[0]).toBe('docker buildx version')
      expect(lines[1]).toMatch(/^docker buildx create --name multiarch-42-\w+ /) // started at once, optimistically
      expect(lines.slice(2)).toEqual([
        'BIN version',
        expect.stringMatching(/^docker buildx rm --force multiarch-42-\w+$/),
        expect.stringMatching(/^BIN create --name multiarch-42-\w+ /),
        expect.stringMatching(/^BIN build --builder multiarch-42-\w+ /)
      ])
      expect(server.log()).toEqual([`GET /v${version}/${name}`, `GET /v${version}/checksums.txt`])
    } finally {
      await server.stop()
    }
  })

  it('every command gets the run’s own docker config with the login; the user’s config.json is never written', async () => {
    const userDir = path.join(work, 'docker-config')
    fs.mkdirSync(userDir)
    const userConfig = JSON.stringify({ auths: { 'other.example.com': { auth: 'eDp5' } } })
    fs.writeFileSync(path.join(userDir, 'config.json'), userConfig)
    const runner = dockerRunner('r.example.com/team/app:1')
    await runMain(
      deps(runner, {
        platforms: 'linux/amd64',
        push: 'false',
        registry: 'r.example.com',
        username: 'me',
        password: 's3cret'
      })
    )
    const configs = new Set(runner.calls.map(c => c.options.env?.DOCKER_CONFIG))
    expect(configs.size).toBe(1)
    const runConfig = [...configs][0] ?? ''
    expect(runConfig).toMatch(new RegExp(`^${work}/multiarch-\\w+/docker-config$`))
    expect(JSON.parse(fs.readFileSync(path.join(runConfig, 'config.json'), 'utf8'))).toEqual({
      auths: {
        'other.example.com': { auth: 'eDp5' },
        'r.example.com': { auth: Buffer.from('me:s3cret').toString('base64') }
      }
    })
    expect(fs.readlinkSync(path.join(runConfig, 'buildx'))).toBe(path.join(userDir, 'buildx'))
    expect(fs.readFileSync(path.join(userDir, 'config.json'), 'utf8')).toBe(userConfig)
  })

  it('a docker config.json that is not JSON: a warning, and the run succeeds', async () => {
    const userDir = path.join(work, 'docker-config')
    fs.mkdirSync(userDir)
    fs.writeFileSync(path.join(userDir, 'config.json'), '{"auths": {')
    const runner = dockerRunner('r.example.com/team/app:1')
    const log = await captureStdout(() =>
      runMain(deps(runner, { platforms: 'linux/amd64', push: 'false', tags: 'r.example.com/team/app:1' }))
    )
    expect(commands(log, 'warning').join('\n')).toMatch(/not valid JSON.*buildx ignores it/)
    expect(outputs()).toContain(DIGEST)
  })

  it('qemu: false with a missing emulator names the input and the platform, before any command', async () => {
    const runner = new FakeRunner()
    await expect(
      runMain(
        deps(runner, { tags: 'r.example.com/a:1', qemu: 'false', platforms: 'linux/amd64,linux/riscv64' })
      )
    ).rejects.toThrow(/- qemu: linux\/riscv64 needs QEMU emulation.*qemu-riscv64/)
    expect(runner.calls).toEqual([])
  })

  it('a failure after the inputs were read carries them, for hints worded by what was set', async () => {
    const runner = new FakeRunner()
      .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
      .on(docker('buildx', 'build'), {
        exitCode: 1,
        stderr: 'ERROR: failed to solve: failed to authorize: 401 Unauthorized'
      })
    const run = runMain(
      deps(runner, {
        platforms: 'linux/amd64',
        tags: 'r.example.com/team/app:1',
        registry: 'r.example.com',
        username: 'me',
        password: 'wrong',
        retries: '0'
      })
    )
    await expect(run).rejects.toBeInstanceOf(RunError)
    const log = await captureStdout(() =>
      run.catch((error: unknown) => {
        reportFailure(githubReporter(), error)
      })
    )
    expect(commands(log, 'error')[0]).toMatch(
      /check the password \(or token\) and username for r\.example\.com/
    )
  })

  it('a taken builder name fails and is not handed to the post step for removal', async () => {
    const runner = dockerRunner('r.example.com/team/app:1').on(docker('buildx', 'create'), {
      exitCode: 1,
      stderr:
        'ERROR: existing instance for "team-builder" but no append mode, specify the node name to make changes for existing instances'
    })
    await expect(
      runMain(deps(runner, { platforms: 'linux/amd64', push: 'false', 'builder-name': 'team-builder' }))
    ).rejects.toThrow(/A builder named "team-builder" already exists/)
    const state = fs.readFileSync(files().GITHUB_STATE ?? '', 'utf8')
    const saved = [...state.matchAll(/^builder<<(\S+)\n(.*)\n\1$/gm)].map(m => m[2])
    expect(saved).toEqual(['team-builder', '']) // set before create, cleared when the name was someone else's
    expect(runner.lines().some(l => l.includes('buildx build'))).toBe(false)
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'PEM that does not parse',
      { 'ca-certs': 'r.example.com=-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----' },
      /ca-certs/
    ],
    [
      'a CA file that is missing',
      { 'ca-certs': 'r.example.com=/no/such/ca.crt' },
      /ca-certs.*\/no\/such\/ca\.crt/
    ],
    [
      'buildkitd-config-inline that is not TOML',
      { 'buildkitd-config-inline': '[registry."x"\nhttp = ' },
      /buildkitd-config-inline/
    ],
    [
      'a setting given twice',
      {
        'insecure-registries': 'r.example.com:5000',
        'buildkitd-config-inline': '[registry."r.example.com:5000"]\ninsecure = false'
      },
      /buildkitd-config-inline.*generated from inputs|generated from inputs.*buildkitd-config-inline/
    ]
  ])('%s fails before any command runs', async (_name, inputs, message) => {
    const runner = new FakeRunner()
    await expect(runMain(deps(runner, { tags: 'r.example.com/a:1', ...inputs }))).rejects.toThrow(message)
    expect(runner.calls).toEqual([])
  })

  it('retries reading the index back when the registry answers 503, then reports the digests', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    let answered = 0
    const server = serveImage(await TestHttpServer.start(), 'team/app', image).route(
      'GET',
      `/v2/team/app/manifests/${image.indexDigest}`,
      (_request, response) => {
        if (answered++ === 0) send(response, { status: 503 })
        else {
          send(response, {
            status: 200,
            headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
            body: image.index
          })
        }
      }
    )
    const registry = server.host
    try {
      const runner = dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest)
      await runMain(
        deps(runner, { platforms: 'linux/amd64,linux/arm64,linux/arm/v7', tags: `${registry}/team/app:1` })
      )
      expect(answered).toBe(2)
      expect(outputs()).toContain(image.indexDigest)
    } finally {
      await server.stop()
    }
  })

  it('nodes: the runner node takes the other platforms, each node is appended, and only the runner’s foreign platforms count as emulated', async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    await runMain(
      deps(runner, {
        platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
        push: 'false',
        'buildkit-image': 'moby/buildkit:v0.13.2',
        'host-network': 'true',
        proxy: 'false',
        nodes: 'linux/arm64=unix:///run/arm.sock\nlinux/s390x=z-context'
      })
    )
    const lines = runner.lines()
    const settings =
      '--driver docker-container --driver-opt image=moby/buildkit:v0.13.2 --driver-opt network=host ' +
      '--buildkitd-flags --allow-insecure-entitlement network.host'
    const name = /--name (multiarch-42-[0-9a-f]{8}) /.exec(lines[1] ?? '')?.[1] ?? '(none)'
    expect(lines.slice(1, 3)).toEqual([
      `docker buildx create --name ${name} ${settings} --platform linux/amd64,linux/arm/v7 --bootstrap`,
      `docker buildx create --append --name ${name} --node ${name}1 ${settings} --platform linux/arm64 --bootstrap unix:///run/arm.sock`
    ]) // z-context builds none of the platforms: not joined
    expect(lines[3]).toMatch(/^docker buildx build /)
    expect(lines).toHaveLength(4)
    const emulated = /^emulated-platforms<<(\S+)\n(.*)\n\1$/m.exec(outputs())?.[2]?.split(',') ?? []
    expect(emulated).toContain('linux/arm/v7')
    expect(emulated).not.toContain('linux/arm64')
    const summary = fs.readFileSync(files().GITHUB_STEP_SUMMARY ?? '', 'utf8')
    expect(summary).toMatch(
      /<code>linux\/arm64<\/code><\/td><td><code>multiarch-42-[0-9a-f]{8}1<\/code> \(unix:\/\/\/run\/arm\.sock\)/
    )
    expect(summary).toMatch(
      /<code>linux\/amd64<\/code><\/td><td><code>multiarch-42-[0-9a-f]{8}0<\/code> \(this runner\)/
    )
  })

  it('nodes: an unreachable node fails naming it, before the build, and the builder is still left for the post step', async () => {
    const runner = dockerRunner('r.example.com/team/app:1').on(docker('buildx', 'create', '--append'), {
      exitCode: 1,
      stderr:
        'ERROR: Cannot connect to the Docker daemon at unix:///run/arm.sock. Is the docker daemon running?'
    })
    await expect(
      runMain(
        deps(runner, {
          platforms: 'linux/amd64,linux/arm64',
          push: 'false',
          nodes: 'linux/arm64=unix:///run/arm.sock'
        })
      )
    ).rejects.toThrow(
      /^Builder node unix:\/\/\/run\/arm\.sock \(nodes input, for linux\/arm64\) is not reachable/
    )
    expect(runner.lines().filter(l => l.includes('buildx create --append'))).toHaveLength(1) // not retried
    expect(runner.lines().some(l => l.includes('buildx build'))).toBe(false)
    const state = fs.readFileSync(files().GITHUB_STATE ?? '', 'utf8')
    expect(state).toMatch(/^builder<<(\S+)\nmultiarch-42-[0-9a-f]{8}\n\1$/m)
  })

  it('push-by-digest: pushes with the untagged image output, reads the index back by digest, checks it, and tags nothing', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    const server = serveImage(await TestHttpServer.start(), 'team/app', image)
    const registry = server.host
    try {
      // A build spread over nodes reports no image.name: the repository comes from the inputs.
      const runner = new FakeRunner()
        .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
        .on(docker('buildx', 'build'), (call: Call) => {
          const file = call.args[call.args.indexOf('--metadata-file') + 1] ?? ''
          fs.writeFileSync(file, JSON.stringify({ 'containerimage.digest': image.indexDigest }))
          return {}
        })
      await runMain(
        deps(runner, {
          platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
          tags: `${registry}/team/app`,
          'push-by-digest': 'true'
        })
      )
      const build = runner.calls.find(c => c.args[1] === 'build')?.args ?? []
      expect(build).not.toContain('--tag')
      expect(build).not.toContain('--push')
      expect(build[build.indexOf('--output') + 1]).toBe(
        `type=image,name=${registry}/team/app,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true`
      )
      expect(server.log()[0]).toBe(`GET /v2/team/app/manifests/${image.indexDigest}`)
      expect(server.log().filter(l => l.includes('/manifests/'))).toHaveLength(1 + 3) // index, 3 images
      expect(server.log().filter(l => l.startsWith('PUT'))).toEqual([])
      expect(outputs()).toContain('"linux/arm/v7":"sha256:')
    } finally {
      await server.stop()
    }
  })

  it('masks a proxy password as written in the URL and decoded', () => {
    const lines: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = (chunk: string) => {
      lines.push(chunk)
      return true
    }
    try {
      maskSecrets(githubReporter(), () => '', {
        HTTPS_PROXY: 'http://bob:p%40ss@proxy:3128',
        HTTP_PROXY: 'http://amy:50%off@proxy:3128'
      })
    } finally {
      process.stdout.write = write
    }
    // Workflow commands escape '%' as %25; the runner reads them back unescaped.
    const masked = lines
      .filter(l => l.startsWith('::add-mask::'))
      .map(l => l.trim().slice('::add-mask::'.length).replace(/%25/g, '%'))
    expect(masked.sort()).toEqual(['50%off', 'p%40ss', 'p@ss'])
  })
})

describe('runMain: smoke test, cache budget, media types', () => {
  /** A registry that serves a whole image (index, manifests, configs, layers) by digest, and takes tag PUTs. */
  async function registryServer(
    image: BuiltImage
  ): Promise<{ registry: string; server: TestHttpServer; close: () => Promise<void> }> {
    const server = serveImage(await TestHttpServer.start(), 'team/app', image)
    return { registry: server.host, server, close: () => server.stop() }
  }

  /** The digest of each platform's manifest in the image's index. */
  function platformDigests(image: BuiltImage): Record<string, string> {
    const index = JSON.parse(image.index.toString('utf8')) as {
      manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[]
    }
    const digests: Record<string, string> = {}
    for (const m of index.manifests) {
      const p = m.platform
      digests[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = m.digest
    }
    return digests
  }

  it('runs the smoke test on every platform by digest; a failure names the platform after the summary, and no tag moves', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    const digests = platformDigests(image)
    const { registry, server, close } = await registryServer(image)
    try {
      const runner = dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest)
        .on(docker('run'), (call: Call) =>
          call.args.includes('linux/arm/v7')
            ? { exitCode: 1, stdout: 'starting\n', stderr: 'broken on arm/v7\n' }
            : { stdout: `ok ${call.args[call.args.indexOf('--platform') + 1] ?? ''}\n` }
        )
        .on(docker('buildx', 'du'), {
          stdout: 'ID\tRECLAIMABLE\tSIZE\nabc\ttrue\t1.2MB\nReclaimable:\t1.2MB\nTotal:\t\t3.4MB\n'
        })
      const run = runMain(
        deps(runner, {
          platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
          tags: `${registry}/team/app:1`,
          'smoke-test': `sh -c 'echo "$0"' x`,
          'cache-max-size': '2GB'
        })
      )
      await expect(run).rejects.toThrow(/smoke-test failed on linux\/arm\/v7:\n[^]*broken on arm\/v7/)
      const runs = runner.calls.filter(c => c.args[0] === 'run')
      expect(runs.map(c => c.args.slice(0, 8).join(' ')).sort()).toEqual([
        expect.stringMatching(
          /^run --rm --name multiarch-42-\w+-smoke-linux-amd64 --platform linux\/amd64 --network host$/
        ),
        expect.stringMatching(
          /^run --rm --name multiarch-42-\w+-smoke-linux-arm-v7 --platform linux\/arm\/v7 --network host$/
        ),
        expect.stringMatching(
          /^run --rm --name multiarch-42-\w+-smoke-linux-arm64 --platform linux\/arm64 --network host$/
        )
      ])
      expect(
        runner
          .lines()
          .filter(l => l.startsWith('docker pull'))
          .sort()
      ).toEqual([
        `docker pull --quiet --platform linux/amd64 ${registry}/team/app@${digests['linux/amd64'] ?? ''}`,
        `docker pull --quiet --platform linux/arm/v7 ${registry}/team/app@${digests['linux/arm/v7'] ?? ''}`,
        `docker pull --quiet --platform linux/arm64 ${registry}/team/app@${digests['linux/arm64'] ?? ''}`
      ])
      // The smoke test runs before the tags: a failing one leaves them where they were.
      expect(server.log().filter(l => l.startsWith('PUT'))).toEqual([])
      const armv7 = runs.find(c => c.args.includes('linux/arm/v7'))
      expect(armv7?.args.slice(8)).toEqual([
        `${registry}/team/app@${digests['linux/arm/v7'] ?? ''}`,
        'sh',
        '-c',
        'echo "$0"',
        'x'
      ])
      const results = JSON.parse(/smoke-results<<(\S+)\n([^]*?)\n\1/.exec(outputs())?.[2] ?? '{}') as Record<
        string,
        { passed: boolean; exitCode: number; output: string }
      >
      expect(results['linux/arm/v7']).toMatchObject({
        passed: false,
        exitCode: 1,
        output: 'starting\nbroken on arm/v7'
      })
      expect(results['linux/arm64']).toMatchObject({ passed: true, exitCode: 0, output: 'ok linux/arm64' })
      const summary = fs.readFileSync(files().GITHUB_STEP_SUMMARY ?? '', 'utf8')
      expect(summary).toContain('Smoke test')
      expect(summary).toMatch(/linux\/arm\/v7<\/code><\/td><td><strong>failed<\/strong> \(exit code 1\)/)
      expect(summary).toContain('disk use 3.4MB (1.2MB reclaimable), cache budget 2.00 GB')
      expect(summary).toContain('Build time per platform')
      const toml = fs.readFileSync(
        path.join(work, fs.readdirSync(work).find(d => d.startsWith('multiarch-')) ?? '', 'buildkitd.toml'),
        'utf8'
      )
      expect(toml).toMatch(
        /\[worker\.oci\]\ngc = true\ngckeepstorage = 2000000000\nmaxUsedSpace = 2000000000/
      )
    } finally {
      await close()
    }
  })

  it('stops the platforms that exceed the time limit and names them', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    const { registry, close } = await registryServer(image)
    try {
      // linux/arm/v7 never finishes on its own: only removing its container (docker rm) ends its docker run.
      const hanging = new Map<string, () => void>()
      const runner = dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest).on(
        docker('rm', '--force'),
        (call: Call) => {
          hanging.get(call.args[2] ?? '')?.()
          return {}
        }
      )
      const answer = runner.run.bind(runner)
      runner.run = (command, args, options) => {
        if (command !== 'docker' || args[0] !== 'run' || !args.includes('linux/arm/v7'))
          return answer(command, args, options)
        return new Promise(resolve => {
          hanging.set(args[3] ?? '', () => {
            resolve({ exitCode: 137, stdout: 'partial output', stderr: '' })
          })
        })
      }
      await expect(
        runMain(
          deps(runner, {
            platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
            tags: `${registry}/team/app:1`,
            'smoke-test': '--version',
            'smoke-test-timeout': '1'
          })
        )
      ).rejects.toThrow(
        /^smoke-test failed on linux\/arm\/v7:\nlinux\/arm\/v7: `--version` did not finish within the time limit .*\n {4}partial output/
      )
      expect(runner.lines().filter(l => l.startsWith('docker rm'))).toEqual([
        expect.stringMatching(/^docker rm --force multiarch-42-\w+-smoke-linux-arm-v7$/)
      ])
    } finally {
      await close()
    }
  })

  it('media-types docker: attestations off and Docker media types asked for', async () => {
    const amd64 = {
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [await tarLayer([{ name: 'app/tool', content: ELF.amd64, mode: 0o755 }])],
      config: { history: buildHistory(new Date().toISOString(), 1), config: { Entrypoint: ['/app/tool'] } }
    }
    const image = buildImage([amd64], false)
    const { registry, close } = await registryServer(image)
    try {
      const runner = dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest)
      await runMain(
        deps(runner, { platforms: 'linux/amd64', tags: `${registry}/team/app:1`, 'media-types': 'docker' })
      )
      const build = runner.lines().find(l => l.startsWith('docker buildx build')) ?? ''
      expect(build).toContain(' --provenance=false ')
      expect(build).toContain(
        ` --output type=image,name=${registry}/team/app,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=false `
      )
      expect(runner.lines().some(l => l.startsWith('docker buildx du'))).toBe(false) // no budget: no du
    } finally {
      await close()
    }
  })
})
