/**
 * The merge against in-memory registries on the suite's test HTTP server: reading sources, the checks
 * before anything is written, mounts within a registry (copies when the registry will not mount),
 * copies between registries, the index under every tag, and its digest.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { RegistryInputs } from '../../src/inputs/registry-inputs.js'
import { mergeImages, type MergeOptions } from '../../src/merge/merge-images.js'
import { registriesConfig } from '../../src/buildkitd/config.js'
import { loginOf } from '../../src/inputs/registry-inputs.js'
import { openRegistries, type Registries } from '../../src/step/registries.js'
import { sha256Digest } from '../../src/oci/oci.js'
import { copyManifest, emptyCounts } from '../../src/registry/copy.js'
import { FakeRunner } from './fake-runner.js'
import { FakeReporter } from './fake-reporter.js'
import { basicOf } from './registry-helpers.js'
import {
  DOCKER_LIST,
  DOCKER_MANIFEST,
  fakeRegistry,
  OCI_INDEX,
  seedImage,
  seedIndex,
  type FakeRegistry
} from './fake-registry.js'

const NO_LOGIN: RegistryInputs = {
  insecureRegistries: [],
  caCerts: [],
  registry: '',
  username: '',
  password: ''
}

async function registries(inputs: RegistryInputs = NO_LOGIN): Promise<Registries> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'))
  const login = loginOf(inputs)
  const opened = openRegistries({
    config: await registriesConfig(inputs, dir),
    dockerConfigDir: dir,
    ...(login ? { login } : {}),
    runner: new FakeRunner(),
    reporter: new FakeReporter(),
    env: {},
    proxyFor: () => undefined,
    now: () => 1_000_000
  })
  return opened
}

async function merge(
  options: Omit<MergeOptions, 'registries' | 'retry' | 'log' | 'annotations'> & {
    registries?: Registries
  }
) {
  const lines: string[] = []
  const result = await mergeImages({
    ...options,
    annotations: {},
    registries: options.registries ?? (await registries()),
    retry: (_what, operation) => operation(),
    log: line => lines.push(line)
  })
  return { result, lines }
}

/** Three per-platform pushes as a distributed build makes them: one index (image + attestation) each. */
function threePlatformSources(
  registry: FakeRegistry,
  repository = 'ci/app'
): { sources: string[]; images: Record<string, string> } {
  const platforms: ({ os: string; architecture: string } & Record<string, string>)[] = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
    { os: 'linux', architecture: 'arm', variant: 'v7' }
  ]
  const images: Record<string, string> = {}
  const sources = platforms.map(platform => {
    const image = seedImage(registry, repository, platform)
    const { digest } = seedIndex(registry, repository, `t-${Object.values(platform).join('-')}`, [
      { image, platform, attest: true }
    ])
    images[Object.values(platform).join('/')] = image.digest
    return `${registry.server.host}/${repository}@${digest}`
  })
  return { sources, images }
}

describe('mergeImages', () => {
  it('mounts every blob into another repository of the same registry, then pushes the index under each tag', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const { sources, images } = threePlatformSources(registry)
    const host = registry.server.host
    const { result, lines } = await merge({
      sources,
      tags: [`${host}/release/app:1.0`, `${host}/release/app:latest`],
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
    })
    expect(result.platforms).toEqual(images)
    // 10 blobs: 3 configs, 3 layers, the attestations' one config and their 3 layers
    expect(result.counts).toEqual({ mounted: 10, copied: 0, present: 0, manifests: 6 })
    const pushed = registry.manifests.get('release/app:1.0')
    expect(pushed?.type).toBe(OCI_INDEX)
    expect(sha256Digest(pushed?.raw ?? '')).toBe(result.digest)
    expect(registry.manifests.get('release/app:latest')?.raw).toEqual(pushed?.raw)
    const index = JSON.parse(pushed?.raw.toString() ?? '{}') as { manifests: { digest: string }[] }
    expect(index.manifests).toHaveLength(6) // 3 images + 3 attestations
    for (const { digest } of index.manifests)
      expect(registry.manifests.has(`release/app:${digest}`)).toBe(true)
    expect(registry.writes().filter(w => w.startsWith('PUT /v2/release/app/blobs'))).toEqual([])
    expect(lines).toContainEqual(
      expect.stringMatching(/release\/app: 10 blobs mounted, 0 copied, 0 already there; 6 manifests pushed/)
    )
  })

  it('with beforeTags (the signature): every target holds the index by digest before it runs, and no tag before it ends', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const { sources, images } = threePlatformSources(registry)
    const host = registry.server.host
    const seen: string[] = []
    const { result } = await merge({
      sources,
      tags: [`${host}/release/app:1.0`, `${host}/mirror/app:1.0`],
      beforeTags: index => {
        seen.push(index.digest)
        expect(index.platforms).toEqual(images)
        for (const repository of ['release/app', 'mirror/app']) {
          expect(registry.manifests.has(`${repository}:${index.digest}`)).toBe(true)
          expect(registry.manifests.has(`${repository}:1.0`)).toBe(false)
        }
        return Promise.resolve()
      }
    })
    expect(seen).toEqual([result.digest])
    expect(sha256Digest(registry.manifests.get('mirror/app:1.0')?.raw ?? '')).toBe(result.digest)
  })

  it('a beforeTags that fails (a signature that does not verify) moves no tag', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const { sources } = threePlatformSources(registry)
    await expect(
      merge({
        sources,
        tags: [`${registry.server.host}/release/app:1.0`],
        beforeTags: () => Promise.reject(new Error('cosign verify failed'))
      })
    ).rejects.toThrow('cosign verify failed')
    expect(registry.manifests.has('release/app:1.0')).toBe(false)
  })

  it('copies the blobs when the registry will not mount them', async () => {
    const registry = await fakeRegistry({ mounts: false })
    const { sources } = threePlatformSources(registry)
    const { result } = await merge({ sources, tags: [`${registry.server.host}/release/app:1`] })
    expect(result.counts).toEqual({ mounted: 0, copied: 10, present: 0, manifests: 6 })
    expect(registry.manifests.get('release/app:1')).toBeDefined()
  })

  it('pushes only the index when the tag is in the sources’ repository', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const { sources } = threePlatformSources(registry)
    const { result } = await merge({ sources, tags: [`${registry.server.host}/ci/app:merged`] })
    expect(result.counts).toEqual({ mounted: 0, copied: 0, present: 0, manifests: 0 })
    expect(registry.writes()).toEqual(['PUT /v2/ci/app/manifests/merged'])
  })

  it('copies blobs and manifests into another registry, skipping blobs it already has', async () => {
    const source = await fakeRegistry({ mounts: true })
    const target = await fakeRegistry({ mounts: true })
    const { sources } = threePlatformSources(source)
    const amd64Layer = [...source.blobs.keys()][1]?.split('@')[1] ?? ''
    target.blobs.set(`mirror/app@${amd64Layer}`, source.blobs.get(`ci/app@${amd64Layer}`) ?? Buffer.alloc(0))
    const { result } = await merge({ sources, tags: [`${target.server.host}/mirror/app:2`] })
    expect(result.counts).toEqual({ mounted: 0, copied: 9, present: 1, manifests: 6 })
    expect(source.writes()).toEqual([])
    for (const [key, bytes] of source.blobs) {
      expect(target.blobs.get(`mirror/app@${key.split('@')[1] ?? ''}`)).toEqual(bytes)
    }
    expect(sha256Digest(target.manifests.get('mirror/app:2')?.raw ?? '')).toBe(result.digest)
  })

  it('writes a Docker manifest list when every source is a Docker manifest (by tag, no attestations)', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const amd = seedImage(
      registry,
      'old/amd64',
      { os: 'linux', architecture: 'amd64' },
      { mediaType: DOCKER_MANIFEST }
    )
    const arm = seedImage(
      registry,
      'old/arm64',
      { os: 'linux', architecture: 'arm64' },
      { mediaType: DOCKER_MANIFEST }
    )
    registry.manifests.set('old/amd64:1', { raw: amd.raw, type: DOCKER_MANIFEST })
    registry.manifests.set('old/arm64:1', { raw: arm.raw, type: DOCKER_MANIFEST })
    const host = registry.server.host
    const { result } = await merge({
      sources: [`${host}/old/amd64:1`, `${host}/old/arm64:1`],
      tags: [`${host}/new/app:1`]
    })
    expect(result.mediaType).toBe(DOCKER_LIST)
    expect(registry.manifests.get('new/app:1')?.type).toBe(DOCKER_LIST)
    expect(result.platforms).toEqual({ 'linux/amd64': amd.digest, 'linux/arm64': arm.digest })
  })

  it.each<[string, (registry: FakeRegistry) => string[], string[] | undefined, RegExp]>([
    [
      'a duplicate platform',
      registry => {
        const { sources } = threePlatformSources(registry)
        const again = seedImage(
          registry,
          'other/app',
          { os: 'linux', architecture: 'amd64' },
          { layer: 'other' }
        )
        registry.manifests.set('other/app:1', { raw: again.raw, type: again.mediaType })
        return [...sources, `${registry.server.host}/other/app:1`]
      },
      undefined,
      /linux\/amd64 is in more than one source: .*ci\/app@sha256:[0-9a-f]+, .*other\/app:1/
    ],
    [
      'a platform missing from platforms',
      registry => threePlatformSources(registry).sources,
      ['linux/amd64', 'linux/arm64'],
      /linux\/arm\/v7 \(from .*\) is not in platforms/
    ],
    [
      'a platform missing from the sources',
      registry => threePlatformSources(registry).sources.slice(0, 2),
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      /linux\/arm\/v7 is in platforms but in none of the sources/
    ],
    [
      'a config that is another platform',
      registry => {
        const image = seedImage(registry, 'ci/app', { os: 'linux', architecture: 'amd64' })
        seedIndex(registry, 'ci/app', 'liar', [{ image, platform: { os: 'linux', architecture: 'arm64' } }])
        return [`${registry.server.host}/ci/app:liar`]
      },
      undefined,
      /listed as linux\/arm64, but its image config says linux\/amd64/
    ]
  ])('refuses %s and writes nothing', async (_name, seed, platforms, message) => {
    const registry = await fakeRegistry({ mounts: true })
    const sources = seed(registry)
    await expect(
      merge({ sources, tags: [`${registry.server.host}/release/app:1`], ...(platforms ? { platforms } : {}) })
    ).rejects.toThrow(message)
    expect(registry.writes()).toEqual([])
  })

  it('names the source that is not there', async () => {
    const registry = await fakeRegistry({ mounts: true })
    await expect(
      merge({ sources: [`${registry.server.host}/ci/app:nope`], tags: [`${registry.server.host}/x/y:1`] })
    ).rejects.toThrow(/Manifest nope not found in 127\.0\.0\.1:\d+\/ci\/app/)
  })

  it('sends the login inputs to their registry only', async () => {
    const source = await fakeRegistry({ mounts: true })
    const target = await fakeRegistry({ mounts: true, authorization: basicOf('u', 'p') })
    const { sources } = threePlatformSources(source)
    const tags = [`${target.server.host}/release/app:1`]
    const login = { ...NO_LOGIN, registry: target.server.host, username: 'u', password: 'p' }
    await merge({ sources, tags, registries: await registries(login) })
    expect(target.manifests.get('release/app:1')).toBeDefined()
    expect(source.server.requests.filter(r => r.headers.authorization !== undefined)).toEqual([])

    const elsewhere = { ...login, registry: source.server.host }
    await expect(merge({ sources, tags, registries: await registries(elsewhere) })).rejects.toThrow(/401/)
  })
})

describe('copyManifest', () => {
  it('does nothing when source and target are one repository', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const image = seedImage(registry, 'ci/app', { os: 'linux', architecture: 'amd64' })
    const client = await (await registries()).client(registry.server.host)
    const at = { client, registry: registry.server.host, repository: 'ci/app' }
    const counts = emptyCounts()
    const blobs = image.blobs.map(digest => ({
      digest,
      size: registry.blobs.get(`ci/app@${digest}`)?.length ?? 0
    }))
    await copyManifest({ from: at, to: at, manifest: { ...image, blobs }, counts, retry: (_w, op) => op() })
    expect(counts).toEqual(emptyCounts())
    expect(registry.server.log()).toEqual([])
  })
})
