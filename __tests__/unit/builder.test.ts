import { describe, expect, it } from '@jest/globals'
import {
  createBuilderArgs,
  proxyEnvironment,
  removeBuilderArgs,
  uniqueBuilderName,
  type BuilderOptions
} from '../../src/builder.js'

const base: BuilderOptions = {
  name: 'b1',
  buildkitImage: 'moby/buildkit:buildx-stable-1',
  hostNetwork: false,
  allowHostNetwork: false,
  driverOpts: [],
  proxyEnv: {},
  buildkitdFlags: '',
  configFile: ''
}
const head = ['buildx', 'create', '--name', 'b1', '--driver', 'docker-container']

describe('createBuilderArgs', () => {
  it.each<[string, Partial<BuilderOptions>, string[]]>([
    ['defaults', {}, [...head, '--driver-opt', 'image=moby/buildkit:buildx-stable-1', '--bootstrap']],
    [
      'host network, config, proxy, extra opts and flags',
      {
        hostNetwork: true,
        allowHostNetwork: true,
        configFile: '/t/buildkitd.toml',
        proxyEnv: { HTTP_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' },
        driverOpts: ['memory=2g'],
        buildkitdFlags: '--debug'
      },
      [
        ...head,
        '--driver-opt',
        'image=moby/buildkit:buildx-stable-1',
        '--driver-opt',
        'network=host',
        '--driver-opt',
        'env.HTTP_PROXY=http://proxy:3128',
        '--driver-opt',
        'env.NO_PROXY=localhost',
        '--driver-opt',
        'memory=2g',
        '--config',
        '/t/buildkitd.toml',
        '--buildkitd-flags',
        '--debug --allow-insecure-entitlement network.host',
        '--bootstrap'
      ]
    ],
    [
      'entitlement not added twice',
      { allowHostNetwork: true, buildkitdFlags: '--allow-insecure-entitlement network.host' },
      [
        ...head,
        '--driver-opt',
        'image=moby/buildkit:buildx-stable-1',
        '--buildkitd-flags',
        '--allow-insecure-entitlement network.host',
        '--bootstrap'
      ]
    ]
  ])('%s', (_name, options, expected) => {
    expect(createBuilderArgs({ ...base, ...options })).toEqual(expected)
  })

  it('removes with --force', () => {
    expect(removeBuilderArgs('b1')).toEqual(['buildx', 'rm', '--force', 'b1'])
  })
})

describe('uniqueBuilderName', () => {
  it('is a valid, distinct name each time', () => {
    const a = uniqueBuilderName('123')
    const b = uniqueBuilderName('123')
    expect(a).toMatch(/^multiarch-123-[0-9a-f]{8}$/)
    expect(a).not.toBe(b)
    expect(uniqueBuilderName('')).toMatch(/^multiarch-[0-9a-f]{8}$/)
  })
})

describe('proxyEnvironment', () => {
  it.each<[NodeJS.ProcessEnv, Record<string, string>]>([
    [{}, {}],
    [
      { https_proxy: 'http://p:1', no_proxy: 'a,b' },
      { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'a,b' }
    ],
    [{ HTTP_PROXY: 'http://UP:1', http_proxy: 'http://low:1' }, { HTTP_PROXY: 'http://UP:1' }]
  ])('%j', (env, expected) => {
    expect(proxyEnvironment(env)).toEqual(expected)
  })
})
