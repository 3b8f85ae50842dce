/**
 * One run with a fake command runner, the build side: the order of the commands, the builder and its
 * nodes, the buildx that runs the build (and its replacement), load and call, retries of the build.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { FALLBACK_BUILDX_VERSION, releaseAssetName, releasePlatform } from '../../src/buildx/release.js'
import { runMain } from '../../src/run/main.js'
import { TestHttpServer } from '../http-server.js'
import { FakeRunner, docker } from './fake-runner.js'
import { TestCerts } from '../tls-certs.js'
import {
  DIGEST,
  HOST,
  METADATA,
  THREE_PLATFORMS,
  deps,
  dockerRunner,
  freshWorkDir,
  workDir
} from './main-fixtures.js'

beforeEach(freshWorkDir)

/** Builder settings whose flags the command lines below spell out. */
const BUILDER_INPUTS = { 'buildkit-image': 'moby/buildkit:v0.13.2', 'host-network': 'true', proxy: 'false' }

describe('runMain: commands, builder, buildx', () => {
  it('checks buildx, creates the builder, builds; push false reports the metadata digest without a registry', async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    const run = deps(runner, {
      platforms: THREE_PLATFORMS,
      push: 'false',
      tags: 'r.example.com/team/app:1',
      ...BUILDER_INPUTS
    })
    await runMain(run)
    const lines = runner.lines()
    expect(lines[0]).toBe('docker buildx version')
    expect(lines[1]).toMatch(
      /^docker buildx create --name multiarch-42-[0-9a-f]{8} --driver docker-container --driver-opt image=moby\/buildkit:v0\.13\.2 --driver-opt network=host --buildkitd-flags --allow-insecure-entitlement network.host --bootstrap$/
    )
    expect(lines[2]).toMatch(
      /^docker buildx build --builder multiarch-42-[0-9a-f]{8} --platform linux\/amd64,linux\/arm64,linux\/arm\/v7 --progress=rawjson --tag r.example.com\/team\/app:1 --metadata-file .*metadata.json \.$/
    )
    expect(lines).toHaveLength(3) // one version check; no emulator install: binfmt has both handlers
    expect(run.reporter.outputs.digest).toBe(DIGEST)
    expect(run.reporter.outputs).toHaveProperty('emulated-platforms')
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
    const runner = dockerRunner('r.example.com/team/app:1')
      .on(docker('info'), { stdout: 'overlayfs|[["driver-type","io.containerd.snapshotter.v1"]]\n' })
      .on(docker('image', 'inspect'), { stdout: 'sha256:index-in-the-engine\n' })
    const run = deps(runner, {
      push: 'false',
      load: 'true',
      tags: 'r.example.com/team/app:1',
      secrets: 'NPM=s3cr3t'
    })
    await runMain(run)
    const build = runner.calls.find(c => c.args[1] === 'build')
    expect(build?.args).toContain('--load')
    expect(build?.args.join(' ')).not.toContain('s3cr3t')
    // The secret is in buildx's environment, under the one name its --secret argument refers to.
    const secretVars = Object.entries(build?.options.env ?? {}).filter(([, value]) => value === 's3cr3t')
    expect(secretVars.map(([name]) => name)).toEqual(['MULTIARCH_BUILD_SECRET_0'])
    expect(build?.args).toContain('id=NPM,env=MULTIARCH_BUILD_SECRET_0')
    // imageid: what the engine shows for the loaded tag, not a digest of buildx's metadata.
    expect(runner.lines()).toContain('docker image inspect --format {{.Id}} r.example.com/team/app:1')
    expect(run.reporter.outputs.imageid).toBe('sha256:index-in-the-engine')
  })

  it('load without a tag: imageid is the first digest buildx reported that the engine knows', async () => {
    const config = `sha256:${'c'.repeat(64)}`
    const runner = new FakeRunner()
      .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
      .on(docker('buildx', 'build'), call => {
        const file = call.args[call.args.indexOf('--metadata-file') + 1] ?? ''
        const metadata = { 'containerimage.digest': DIGEST, 'containerimage.config.digest': config }
        fs.writeFileSync(file, JSON.stringify(metadata))
        return {}
      })
      .on(docker('image', 'inspect'), call =>
        call.args.at(-1) === config
          ? { stdout: `${config}\n` }
          : { exitCode: 1, stderr: 'Error: No such image' }
      )
    const run = deps(runner, { push: 'false', load: 'true', platforms: 'linux/amd64' })
    await runMain(run)
    expect(runner.lines().filter(l => l.startsWith('docker image inspect'))).toEqual([
      `docker image inspect --format {{.Id}} ${DIGEST}`,
      `docker image inspect --format {{.Id}} ${config}`
    ])
    expect(run.reporter.outputs.imageid).toBe(config)
  })

  it('call: check runs no registry check and sets no digest', async () => {
    const runner = new FakeRunner().on(docker('buildx', 'version'), {
      stdout: 'github.com/docker/buildx v0.29.1\n'
    })
    const run = deps(runner, { call: 'check' })
    await runMain(run)
    const build = runner.calls.find(c => c.args[1] === 'build')
    expect(build?.args).toContain('--call=check')
    expect(build?.args).not.toContain('--push')
    const said = Object.entries(run.reporter.outputs).flat()
    expect(said.filter(text => text.includes('digest'))).toEqual([])
  })

  it("call: check with the runner's buildx 0.13.1 installs the pinned buildx (0.15 or newer needed)", async () => {
    const runner = new FakeRunner().on(docker('buildx', 'version'), {
      stdout: 'github.com/docker/buildx 0.13.1 abc\n'
    })
    const run = runMain({
      ...deps(runner, { call: 'check' }),
      env: { RUNNER_TEMP: workDir(), GITHUB_RUN_ID: '1' }
    })
    // No tool cache on this fake runner: the install is refused, after saying why it was needed.
    await expect(run).rejects.toThrow(/RUNNER_TOOL_CACHE|tool cache/i)
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
      RUNNER_TOOL_CACHE: path.join(workDir(), 'tool-cache'),
      RUNNER_TEMP: path.join(workDir(), 'runner-temp')
    }
    // @actions/tool-cache reads the tool cache directory from the process environment itself: the one
    // variable this test sets there, and puts back after.
    const toolCache = process.env.RUNNER_TOOL_CACHE
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
      if (toolCache === undefined) delete process.env.RUNNER_TOOL_CACHE
      else process.env.RUNNER_TOOL_CACHE = toolCache
      await server.stop()
    }
  })

  it('a taken builder name fails and is not handed to the post step for removal', async () => {
    const runner = dockerRunner('r.example.com/team/app:1').on(docker('buildx', 'create'), {
      exitCode: 1,
      stderr:
        'ERROR: existing instance for "team-builder" but no append mode, specify the node name to make changes for existing instances'
    })
    const run = deps(runner, { platforms: 'linux/amd64', push: 'false', 'builder-name': 'team-builder' })
    await expect(runMain(run)).rejects.toThrow(/A builder named "team-builder" already exists/)
    const saved = run.reporter.saves.filter(s => s.key === 'builder').map(s => s.value)
    expect(saved).toEqual(['team-builder', '']) // set before create, cleared when the name was someone else's
    expect(runner.lines().some(l => l.includes('buildx build'))).toBe(false)
  })
})

describe('runMain: builder nodes', () => {
  it('nodes: the runner node takes the other platforms, each node is appended, and only the runner’s foreign platforms count as emulated', async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    const run = deps(runner, {
      platforms: THREE_PLATFORMS,
      push: 'false',
      ...BUILDER_INPUTS,
      nodes: 'linux/arm64=unix:///run/arm.sock\nlinux/s390x=z-context'
    })
    await runMain(run)
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
    const emulated = run.reporter.outputs['emulated-platforms']?.split(',') ?? []
    expect(emulated).toContain('linux/arm/v7')
    expect(emulated).not.toContain('linux/arm64')
    const summary = run.reporter.summary
    expect(summary).toMatch(
      /<code>linux\/arm64<\/code><\/td><td><code>multiarch-42-[0-9a-f]{8}1<\/code> \(unix:\/\/\/run\/arm\.sock\)/
    )
    expect(summary).toMatch(
      /<code>linux\/amd64<\/code><\/td><td><code>multiarch-42-[0-9a-f]{8}0<\/code> \(this runner\)/
    )
  })

  it("nodes: a remote+tcp:// daemon: the runner's builder, then a remote-driver builder over it and the daemon; both saved for post", async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    const ca = new TestCerts(path.join(workDir(), 'ca')).ca('farm').pem('farm')
    const run = deps(runner, {
      platforms: THREE_PLATFORMS,
      push: 'false',
      ...BUILDER_INPUTS,
      nodes: 'linux/arm64=remote+tcp://10.0.0.7:1234',
      'remote-tls-ca': ca
    })
    await runMain(run)
    const lines = runner.lines()
    const name = /--name (multiarch-42-[0-9a-f]{8})-runner /.exec(lines[1] ?? '')?.[1] ?? '(none)'
    expect(lines[1]).toMatch(
      new RegExp(
        `^docker buildx create --name ${name}-runner --driver docker-container .* --platform linux/amd64,linux/arm/v7 --bootstrap$`
      )
    )
    const caFile = /cacert=(\S+)/.exec(lines[3] ?? '')?.[1] ?? ''
    expect(lines.slice(2, 4)).toEqual([
      `docker buildx create --name ${name} --node ${name}0 --driver remote --platform linux/amd64,linux/arm/v7 --bootstrap docker-container://buildx_buildkit_${name}-runner0`,
      `docker buildx create --append --name ${name} --node ${name}1 --driver remote --driver-opt cacert=${caFile} --platform linux/arm64 --bootstrap tcp://10.0.0.7:1234`
    ])
    expect(fs.readFileSync(caFile, 'utf8')).toBe(ca)
    expect(lines[4]).toMatch(new RegExp(`^docker buildx build --builder ${name} `))
    expect(run.reporter.outputs['builder-name']).toBe(name)
    expect(run.reporter.outputs['emulated-platforms']).toBe('linux/arm/v7')
    expect(run.reporter.saved.builder).toBe(name)
    expect(run.reporter.saved['runner-builder']).toBe(`${name}-runner`)
    expect(run.reporter.lines.join('\n')).toContain(
      'remote+tcp://10.0.0.7:1234 builds linux/arm64 with its own buildkitd settings'
    )
  })

  it('nodes: a remote+kube-pod:// pod: buildx gets the kubeconfig as KUBECONFIG (a private file), its token masked', async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    const kubeconfig =
      'apiVersion: v1\nclusters: [{ name: f, cluster: { server: "https://k:6443" } }]\n' +
      'contexts: [{ name: f, context: { cluster: f, user: ci } }]\nusers: [{ name: ci, user: { token: tok-123 } }]\n'
    const run = deps(runner, {
      platforms: 'linux/amd64,linux/arm64',
      push: 'false',
      ...BUILDER_INPUTS,
      nodes: 'linux/arm64=remote+kube-pod://buildkitd-0?namespace=ci',
      kubeconfig
    })
    await runMain(run)
    const append = runner.calls.find(c => c.args.includes('--append'))
    expect(append?.args.slice(-5)).toEqual([
      'remote',
      '--platform',
      'linux/arm64',
      '--bootstrap',
      'kube-pod://buildkitd-0?namespace=ci'
    ])
    const file = append?.options.env?.KUBECONFIG ?? ''
    expect(fs.readFileSync(file, 'utf8')).toBe(kubeconfig)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(runner.calls.find(c => c.args[1] === 'build')?.options.env?.KUBECONFIG).toBe(file)
    expect(run.reporter.masked).toContain('tok-123')
  })

  it('nodes: an unreachable node fails naming it, before the build, and the builder is still left for the post step', async () => {
    const runner = dockerRunner('r.example.com/team/app:1').on(docker('buildx', 'create', '--append'), {
      exitCode: 1,
      stderr:
        'ERROR: Cannot connect to the Docker daemon at unix:///run/arm.sock. Is the docker daemon running?'
    })
    const run = deps(runner, {
      platforms: 'linux/amd64,linux/arm64',
      push: 'false',
      nodes: 'linux/arm64=unix:///run/arm.sock'
    })
    await expect(runMain(run)).rejects.toThrow(
      /^Builder node unix:\/\/\/run\/arm\.sock \(nodes input, for linux\/arm64\) is not reachable/
    )
    expect(runner.lines().filter(l => l.includes('buildx create --append'))).toHaveLength(1) // not retried
    expect(runner.lines().some(l => l.includes('buildx build'))).toBe(false)
    expect(run.reporter.saved.builder).toMatch(/^multiarch-42-[0-9a-f]{8}$/)
  })
})
