import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  builderExists,
  buildxConfigDir,
  csvField,
  createBuilderArgs,
  proxyEnvironment,
  removeBuilderArgs,
  uniqueBuilderName,
  type BuilderOptions
} from '../../src/buildx/builder.js'
import { BUILDER_OPTIONS } from './defaults.js'
import { FakeRunner, docker } from './fake-runner.js'

const base = BUILDER_OPTIONS
const head = ['buildx', 'create', '--name', 'b1', '--driver', 'docker-container']

describe('createBuilderArgs', () => {
  it.each<[string, Partial<BuilderOptions>, string[]]>([
    ['defaults', {}, [...head, '--driver-opt', 'image=moby/buildkit:buildx-stable-1', '--bootstrap']],
    [
      'host network, config, proxy, extra opts and flags',
      {
        hostNetwork: true,
        configFile: '/t/buildkitd.toml',
        proxyEnv: { HTTP_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' },
        driverOpts: ['memory=2g'],
        buildkitdFlags: '--debug --allow-insecure-entitlement network.host'
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
    ]
  ])('%s', (_name, options, expected) => {
    expect(createBuilderArgs({ ...base, ...options })).toEqual(expected)
  })

  it('quotes a driver option with commas as one CSV field (buildx splits them otherwise)', () => {
    const args = createBuilderArgs({
      ...base,
      proxyEnv: { NO_PROXY: 'localhost,127.0.0.1,.corp', HTTP_PROXY: 'http://p:1' }
    })
    expect(args).toContain('"env.NO_PROXY=localhost,127.0.0.1,.corp"')
    expect(args).toContain('env.HTTP_PROXY=http://p:1')
    expect(csvField('a"b,c')).toBe('"a""b,c"')
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

describe('builderExists', () => {
  it('reads buildx instance files when the store is there, spawning nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-config-'))
    fs.mkdirSync(path.join(dir, 'instances'))
    fs.writeFileSync(path.join(dir, 'instances', 'team-builder'), '{}')
    const runner = new FakeRunner()
    expect(await builderExists(runner, 'team-builder', dir)).toBe(true)
    expect(await builderExists(runner, 'other', dir)).toBe(false)
    expect(runner.calls).toEqual([])
  })

  it.each([
    [0, true],
    [1, false]
  ])('asks docker buildx inspect when the store is unknown (exit %i -> %s)', async (exitCode, exists) => {
    const runner = new FakeRunner().on(docker('buildx', 'inspect'), { exitCode })
    expect(await builderExists(runner, 'b', path.join(os.tmpdir(), 'no-such-buildx-dir'))).toBe(exists)
    expect(runner.lines()).toEqual(['docker buildx inspect b'])
  })

  it('finds the store through BUILDX_CONFIG, else in the docker config', () => {
    expect(buildxConfigDir({ BUILDX_CONFIG: '/b' }, '/d')).toBe('/b')
    expect(buildxConfigDir({}, '/d')).toBe('/d/buildx')
  })
})
