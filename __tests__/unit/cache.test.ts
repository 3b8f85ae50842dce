import { describe, expect, it } from '@jest/globals'
import { buildxBuildArgv } from '../../src/buildx/build.js'
import { cacheEntries, failedCacheExports, platformSlug, type CacheSettings } from '../../src/buildx/cache.js'
import type { Step } from '../../src/buildx/progress.js'
import { parseCacheMode } from '../../src/inputs/cache-inputs.js'
import { readInputs } from '../../src/inputs/inputs.js'
import { InputError } from '../../src/inputs/table.js'
import { BUILD_SETTINGS, WORKSPACE } from './defaults.js'

const PLATFORMS = ['linux/amd64', 'linux/arm/v7']
const TAGS = ['registry.example.com:5000/team/app:1.0', 'other.example.com/app:1.0']
const SETTINGS: CacheSettings = { cache: '', platforms: PLATFORMS, tags: TAGS, cacheFrom: [], cacheTo: [] }
const REF = 'type=registry,ref=registry.example.com:5000/team/app'
const TO = ',mode=max,ignore-error=true'

describe('cacheEntries', () => {
  it.each<[string, Partial<CacheSettings>, { from: string[]; to: string[] }]>([
    [
      'no cache input: the explicit entries only',
      { cacheFrom: ['type=gha'] },
      { from: ['type=gha'], to: [] }
    ],
    [
      'registry: one ref per platform next to the first tag',
      { cache: 'registry' },
      {
        from: [`${REF}:buildcache-linux-amd64`, `${REF}:buildcache-linux-arm-v7`],
        to: [`${REF}:buildcache-linux-amd64${TO}`, `${REF}:buildcache-linux-arm-v7${TO}`]
      }
    ],
    [
      'registry: a one-platform job reads and writes its own platform only',
      { cache: 'registry', platforms: ['linux/arm64'], tags: ['docker.io/me/app'] },
      {
        from: ['type=registry,ref=docker.io/me/app:buildcache-linux-arm64'],
        to: [`type=registry,ref=docker.io/me/app:buildcache-linux-arm64${TO}`]
      }
    ],
    [
      'gha: one scope per platform, named after the image',
      { cache: 'gha', platforms: ['linux/arm64'] },
      {
        from: ['type=gha,scope=buildcache-team-app-linux-arm64'],
        to: [`type=gha,scope=buildcache-team-app-linux-arm64${TO}`]
      }
    ],
    [
      'gha without a tag: the platform alone',
      { cache: 'gha', platforms: ['linux/s390x'], tags: [] },
      { from: ['type=gha,scope=buildcache-linux-s390x'], to: [`type=gha,scope=buildcache-linux-s390x${TO}`] }
    ],
    [
      'explicit cache-to wins over the export, the import stays',
      { cache: 'registry', platforms: ['linux/amd64'], cacheTo: ['type=inline'] },
      { from: [`${REF}:buildcache-linux-amd64`], to: ['type=inline'] }
    ],
    [
      'explicit cache-from wins over the import, the export stays',
      { cache: 'gha', platforms: ['linux/amd64'], tags: [], cacheFrom: ['type=local,src=/c'] },
      { from: ['type=local,src=/c'], to: [`type=gha,scope=buildcache-linux-amd64${TO}`] }
    ]
  ])('%s', (_, change, expected) => {
    expect(cacheEntries({ ...SETTINGS, ...change })).toEqual(expected)
  })

  it('registry without a tag is refused', () => {
    expect(() => cacheEntries({ ...SETTINGS, cache: 'registry', tags: [] })).toThrow(/needs a tag/)
  })

  it.each([
    ['linux/arm/v7', 'linux-arm-v7'],
    ['linux/amd64', 'linux-amd64'],
    ['team/app', 'team-app']
  ])('platformSlug(%s) = %s', (platform, slug) => {
    expect(platformSlug(platform)).toBe(slug)
  })

  it('reaches the build argv, token-free', () => {
    const args = buildxBuildArgv({
      builder: 'b',
      metadataFile: '/m.json',
      progress: 'rawjson',
      settings: { ...BUILD_SETTINGS, cache: 'gha', platforms: ['linux/arm64'] }
    })
    expect(args.filter((_, i) => args[i - 1] === '--cache-from')).toEqual([
      'type=gha,scope=buildcache-team-app-linux-arm64'
    ])
    expect(args.filter((_, i) => args[i - 1] === '--cache-to')).toEqual([
      `type=gha,scope=buildcache-team-app-linux-arm64${TO}`
    ])
    expect(args.join(' ')).not.toMatch(/token|url/)
  })
})

describe('parseCacheMode', () => {
  const GHA_V2 = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results.example/' }
  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['', {}, ''],
    ['registry', {}, 'registry'],
    ['Registry', {}, 'registry'],
    ['gha', GHA_V2, 'gha'],
    ['gha', { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_CACHE_URL: 'https://cache.example/' }, 'gha']
  ])('%s with %j', (value, env, mode) => {
    expect(parseCacheMode(value, { env })).toBe(mode)
  })

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['local', {}, /use registry, gha or leave it empty/],
    ['gha', {}, /ACTIONS_RUNTIME_TOKEN.*outside GitHub Actions use cache: registry/],
    ['gha', { ACTIONS_RESULTS_URL: 'https://results.example/' }, /ACTIONS_RUNTIME_TOKEN/],
    ['gha', { ACTIONS_RUNTIME_TOKEN: 't' }, /ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL/]
  ])('refuses %s with %j', (value, env, message) => {
    expect(() => parseCacheMode(value, { env })).toThrow(message)
  })

  it('reaches Inputs, and registry without a tag is named under cache', () => {
    const values: Record<string, string> = { cache: 'registry', tags: 'r.example.com/app:1' }
    expect(readInputs(name => values[name] ?? '', WORKSPACE).cache).toBe('registry')
    const untagged: Record<string, string> = { cache: 'registry', push: 'false' }
    let problems: readonly string[] = []
    try {
      readInputs(name => untagged[name] ?? '', WORKSPACE)
    } catch (error) {
      if (error instanceof InputError) problems = error.problems
    }
    expect(problems).toEqual([
      expect.stringMatching(/^cache: registry keeps the cache next to the first tag/)
    ])
  })
})

describe('failedCacheExports', () => {
  const step = (name: string, error: string): Step => ({ id: name, name, cached: false, error, logs: [] })
  it('warns for a failed cache export only', () => {
    const steps = [
      step('exporting cache to registry', 'failed to push r/app:buildcache-linux-amd64: 403 Forbidden'),
      step('exporting to GitHub Actions Cache', ''),
      step('[linux/amd64 2/2] RUN false', 'exit code 1'),
      step('exporting to image', '')
    ]
    expect(failedCacheExports(steps)).toEqual([
      'exporting cache to registry failed: failed to push r/app:buildcache-linux-amd64: 403 Forbidden. ' +
        'The image was built and pushed; the next run starts without this cache'
    ])
  })
})
