/** Builder nodes: the `nodes` input, the `buildx create --append` argv, placement, and failures naming the node. */
import { describe, expect, it } from '@jest/globals'
import type { BuilderOptions } from '../../src/buildx/builder.js'
import {
  appendNodeArgs,
  appendNodes,
  nodeName,
  nodePlacement,
  runnerPlatforms,
  type BuilderNode
} from '../../src/buildx/nodes.js'
import { parseNodes } from '../../src/inputs/node-lines.js'
import { BUILDER_OPTIONS } from './defaults.js'
import { FakeRunner, docker } from './fake-runner.js'

describe('parseNodes: valid lines', () => {
  it.each<[string, string, BuilderNode[]]>([
    ['empty', '', []],
    ['blank lines only', '\n  \n', []],
    ['docker context name', 'linux/arm64=arm-box', [{ platforms: ['linux/arm64'], endpoint: 'arm-box' }]],
    [
      'ssh with user, several platforms, spaces around',
      ' linux/arm64 , linux/arm/v7 = ssh://ci@arm-box.internal:2222 ',
      [{ platforms: ['linux/arm64', 'linux/arm/v7'], endpoint: 'ssh://ci@arm-box.internal:2222' }]
    ],
    [
      'unix socket and tcp, platforms normalised',
      'linux/aarch64=unix:///run/arm/docker.sock\nlinux/arm=tcp://10.0.0.7:2376',
      [
        { platforms: ['linux/arm64'], endpoint: 'unix:///run/arm/docker.sock' },
        { platforms: ['linux/arm/v7'], endpoint: 'tcp://10.0.0.7:2376' }
      ]
    ],
    [
      'Windows named pipe',
      'linux/amd64=npipe:////./pipe/docker_engine',
      [{ platforms: ['linux/amd64'], endpoint: 'npipe:////./pipe/docker_engine' }]
    ]
  ])('%s', (_name, value, expected) => {
    expect(parseNodes(value)).toEqual(expected)
  })
})

describe('parseNodes: malformed lines are refused, naming the line', () => {
  it.each<[string, string, RegExp]>([
    ['no =', 'linux/arm64 ssh://a', /"linux\/arm64 ssh:\/\/a" is not PLATFORMS=ENDPOINT/],
    ['no endpoint', 'linux/arm64=', /has no endpoint/],
    ['no platform', '=ssh://a', /needs platforms before '='/],
    ['empty platform item', 'linux/arm64,,linux/arm/v7=ssh://a', /needs platforms/],
    ['unknown platform', 'linux/sparc=ssh://a', /unknown architecture "sparc"/],
    ['not linux', 'windows/amd64=ssh://a', /only linux platforms/],
    ['http URL', 'linux/arm64=http://a:2375', /"http:\/\/a:2375" is not a node endpoint/],
    ['URL without host', 'linux/arm64=tcp://', /not a node endpoint/],
    ['space in context', 'linux/arm64=my box', /"my box" is not a node endpoint/],
    ['same endpoint twice', 'linux/arm64=ssh://a\nlinux/arm/v7=ssh://a', /ssh:\/\/a is listed twice/],
    [
      'one platform on two nodes',
      'linux/arm64=ssh://a\nlinux/arm64/v8=ssh://b',
      /linux\/arm64 is given to two nodes \(ssh:\/\/a and ssh:\/\/b\)/
    ],
    ['one platform twice on a line', 'linux/arm64,linux/aarch64=ssh://a', /linux\/arm64 is listed twice/]
  ])('%s', (_name, value, message) => {
    expect(() => parseNodes(value)).toThrow(message)
  })
})

const options: BuilderOptions = {
  ...BUILDER_OPTIONS,
  name: 'mb',
  hostNetwork: true,
  configFile: '/t/buildkitd.toml',
  proxyEnv: { NO_PROXY: 'a,b' },
  driverOpts: ['memory=2g'],
  buildkitdFlags: '--allow-insecure-entitlement network.host'
}

describe('appendNodeArgs', () => {
  it('appends with the first node’s driver settings, its platforms and endpoint', () => {
    expect(
      appendNodeArgs(options, { platforms: ['linux/arm64', 'linux/arm/v7'], endpoint: 'ssh://ci@a' }, 2)
    ).toEqual([
      'buildx',
      'create',
      '--append',
      '--name',
      'mb',
      '--node',
      'mb2',
      '--driver',
      'docker-container',
      '--driver-opt',
      'image=moby/buildkit:buildx-stable-1',
      '--driver-opt',
      'network=host',
      '--driver-opt',
      '"env.NO_PROXY=a,b"',
      '--driver-opt',
      'memory=2g',
      '--config',
      '/t/buildkitd.toml',
      '--buildkitd-flags',
      '--allow-insecure-entitlement network.host',
      '--platform',
      'linux/arm64,linux/arm/v7',
      '--bootstrap',
      'ssh://ci@a'
    ])
  })

  it('uses no setting of the first node’s own platforms', () => {
    const args = appendNodeArgs(
      { ...options, platforms: ['linux/amd64'] },
      { platforms: ['linux/arm64'], endpoint: 'x' },
      1
    )
    expect(args.filter(a => a.includes('amd64'))).toEqual([])
  })
})

describe('placement', () => {
  const nodes: BuilderNode[] = [
    { platforms: ['linux/arm64'], endpoint: 'unix:///arm.sock' },
    { platforms: ['linux/s390x', 'linux/ppc64le'], endpoint: 'z' }
  ]
  const platforms = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le']

  it.each<[string, readonly BuilderNode[], string[]]>([
    ['no nodes: the runner builds all', [], platforms],
    ['nodes take theirs', nodes, ['linux/amd64', 'linux/arm/v7']],
    ['a node for every platform', [{ platforms, endpoint: 'x' }], []]
  ])('runnerPlatforms: %s', (_name, given, expected) => {
    expect(runnerPlatforms(platforms, given)).toEqual(expected)
  })

  it('names the node of each platform: node 0 is the runner, then the nodes in their order', () => {
    expect(nodePlacement('mb', platforms, nodes)).toEqual({
      'linux/amd64': { node: 'mb0', endpoint: '' },
      'linux/arm64': { node: 'mb1', endpoint: 'unix:///arm.sock' },
      'linux/arm/v7': { node: 'mb0', endpoint: '' },
      'linux/ppc64le': { node: 'mb2', endpoint: 'z' }
    })
    expect(nodeName('b', 3)).toBe('b3')
  })
})

describe('appendNodes', () => {
  const nodes: BuilderNode[] = [
    { platforms: ['linux/arm64'], endpoint: 'ssh://ci@arm' },
    { platforms: ['linux/s390x'], endpoint: 'tcp://z:2376' }
  ]

  it('appends node 1, 2, … in order', async () => {
    const runner = new FakeRunner()
    await appendNodes(runner, BUILDER_OPTIONS, nodes)
    expect(runner.lines().map(l => l.replace(/ --driver .* --platform /, ' … --platform '))).toEqual([
      'docker buildx create --append --name b1 --node b11 … --platform linux/arm64 --bootstrap ssh://ci@arm',
      'docker buildx create --append --name b1 --node b12 … --platform linux/s390x --bootstrap tcp://z:2376'
    ])
  })

  it.each([
    'ERROR: Cannot connect to the Docker daemon at unix:///nope.sock. Is the docker daemon running?',
    'ERROR: error during connect: Get "http://docker.example/v1.24/info": dial tcp: lookup z: no such host',
    'ERROR: failed to initialize builder b1 (b12): ssh: connect to host z port 22: Connection refused'
  ])('an unreachable node fails naming its endpoint and platforms, not retried: %s', async stderr => {
    const runner = new FakeRunner().on(
      c => docker('buildx', 'create')(c) && c.args.includes('tcp://z:2376'),
      {
        exitCode: 1,
        stderr
      }
    )
    const run = appendNodes(runner, BUILDER_OPTIONS, nodes)
    await expect(run).rejects.toThrow(
      /^Builder node tcp:\/\/z:2376 \(nodes input, for linux\/s390x\) is not reachable/
    )
    await expect(run).rejects.not.toHaveProperty('stderr') // a plain Error: the retry loop leaves it alone
    expect(runner.calls).toHaveLength(2)
  })

  it('another failure stays a command error, naming the node', async () => {
    const runner = new FakeRunner().on(docker('buildx', 'create'), {
      exitCode: 1,
      stderr: 'ERROR: failed to bootstrap: timeout waiting for buildkitd'
    })
    await expect(appendNodes(runner, BUILDER_OPTIONS, nodes)).rejects.toMatchObject({
      name: 'CommandError',
      message: expect.stringMatching(/^Adding builder node b11 \(ssh:\/\/ci@arm\) for linux\/arm64 failed/)
    })
  })
})
