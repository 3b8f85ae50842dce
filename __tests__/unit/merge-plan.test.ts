/**
 * Planning a merge (src/oci/merge-plan.ts) and the index checks it shares (src/oci/index-checks.ts):
 * what each source contributes, the refusals (duplicates, missing or unlisted platforms, a config that
 * is another platform), attestations staying with their image, and the media type of the new index.
 */
import { describe, expect, it } from '@jest/globals'
import {
  configPlatformProblems,
  indexProblems,
  platformSetProblems,
  throwProblems
} from '../../src/oci/index-checks.js'
import {
  manifestBlobs,
  planIndex,
  sourceParts,
  type Descriptor,
  type PlatformImage
} from '../../src/oci/merge-plan.js'
import { sha256Digest } from '../../src/oci/oci.js'
import type { Platform } from '../../src/oci/platforms.js'
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from './fake-registry.js'

const digestOf = (text: string): string => sha256Digest(text)
const config = (p: Platform): Buffer => Buffer.from(JSON.stringify({ ...p, rootfs: { type: 'layers' } }))

/** A platform image as resolveSources hands it over: its entry, its platform, its config. */
function image(
  source: string,
  platform: Platform | undefined,
  options: { config?: Platform; mediaType?: string; attestations?: number } = {}
): PlatformImage {
  const digest = digestOf(`${source} ${JSON.stringify(platform ?? options.config)}`)
  const mediaType = options.mediaType ?? OCI_MANIFEST
  const descriptor: Descriptor = { mediaType, digest, size: 500, ...(platform ? { platform } : {}) }
  const attestations: Descriptor[] = Array.from({ length: options.attestations ?? 0 }, (_, n) => ({
    mediaType: OCI_MANIFEST,
    digest: digestOf(`attestation ${n} of ${digest}`),
    size: 300,
    annotations: {
      'vnd.docker.reference.digest': digest,
      'vnd.docker.reference.type': 'attestation-manifest'
    },
    platform: { architecture: 'unknown', os: 'unknown' }
  }))
  const configPlatform = options.config ?? platform
  if (!configPlatform) throw new Error('a test image needs a platform or a config')
  return { source, descriptor, platform, attestations, config: config(configPlatform) }
}

const AMD64 = { os: 'linux', architecture: 'amd64' }
const ARM64 = { os: 'linux', architecture: 'arm64' }
const ARMV7 = { os: 'linux', architecture: 'arm', variant: 'v7' }

describe('planIndex', () => {
  it.each<[string, PlatformImage[], string[] | undefined, RegExp]>([
    [
      'a platform in two sources',
      [image('r/a:1', AMD64), image('r/b:1', AMD64)],
      undefined,
      /linux\/amd64 is in more than one source: r\/a:1, r\/b:1/
    ],
    [
      'arm64 and arm64/v8 are one platform',
      [image('r/a:1', ARM64), image('r/b:1', { ...ARM64, variant: 'v8' })],
      undefined,
      /linux\/arm64 is in more than one source/
    ],
    [
      'a platform missing from the sources',
      [image('r/a:1', AMD64)],
      ['linux/amd64', 'linux/arm64'],
      /linux\/arm64 is in platforms but in none of the sources \(they hold linux\/amd64\)/
    ],
    [
      'a platform missing from platforms',
      [image('r/a:1', AMD64), image('r/b:1', ARMV7)],
      ['linux/amd64'],
      /linux\/arm\/v7 \(from r\/b:1\) is not in platforms \(linux\/amd64\)/
    ],
    [
      'a config of another architecture',
      [image('r/a:1', ARM64, { config: AMD64 })],
      undefined,
      /r\/a:1 \(sha256:[0-9a-f]+\) is listed as linux\/arm64, but its image config says linux\/amd64/
    ],
    [
      'a config of another variant',
      [image('r/a:1', ARMV7, { config: { ...ARMV7, variant: 'v6' } })],
      undefined,
      /listed as linux\/arm\/v7, but its image config says linux\/arm\/v6/
    ],
    [
      'a single manifest whose config has no platform',
      [{ ...image('r/a:1', undefined, { config: AMD64 }), config: Buffer.from('{}') }],
      undefined,
      /its platform is unknown/
    ]
  ])('refuses %s', (_name, images, platforms, message) => {
    expect(() => planIndex(images, { annotations: {}, ...(platforms ? { platforms } : {}) })).toThrow(message)
  })

  it('lists every problem at once', () => {
    const images = [image('r/a:1', AMD64), image('r/b:1', AMD64), image('r/c:1', ARM64, { config: ARMV7 })]
    let message = ''
    try {
      planIndex(images, { annotations: {}, platforms: ['linux/amd64', 'linux/s390x'] })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message.split('\n').filter(line => line.startsWith('  - '))).toHaveLength(4)
  })

  it.each<[string, PlatformImage[], Record<string, string>, string]>([
    ['OCI manifests', [image('r/a:1', AMD64), image('r/b:1', ARM64)], {}, OCI_INDEX],
    [
      'Docker manifests only',
      [
        image('r/a:1', AMD64, { mediaType: DOCKER_MANIFEST }),
        image('r/b:1', ARM64, { mediaType: DOCKER_MANIFEST })
      ],
      {},
      DOCKER_LIST
    ],
    [
      'Docker and OCI manifests',
      [image('r/a:1', AMD64, { mediaType: DOCKER_MANIFEST }), image('r/b:1', ARM64)],
      {},
      OCI_INDEX
    ],
    [
      'Docker manifests with an attestation',
      [image('r/a:1', AMD64, { mediaType: DOCKER_MANIFEST, attestations: 1 })],
      {},
      OCI_INDEX
    ],
    [
      'Docker manifests with annotations',
      [image('r/a:1', AMD64, { mediaType: DOCKER_MANIFEST })],
      { 'org.opencontainers.image.version': '1.0' },
      OCI_INDEX
    ]
  ])('%s: the index type', (_name, images, annotations, mediaType) => {
    const plan = planIndex(images, { annotations })
    expect(plan.mediaType).toBe(mediaType)
    const index = JSON.parse(plan.raw.toString()) as {
      mediaType: string
      annotations?: Record<string, string>
    }
    expect(index.mediaType).toBe(mediaType)
    expect(index.annotations).toEqual(Object.keys(annotations).length > 0 ? annotations : undefined)
  })

  it('keeps each image with its attestations, platform images first, and reports the digests', () => {
    const a = image('r/a@sha256:' + '1'.repeat(64), AMD64, { attestations: 1 })
    const b = image('r/b:1', ARMV7, { attestations: 2 })
    const plan = planIndex([a, b], { annotations: {}, platforms: ['linux/arm/v7', 'linux/amd64'] })
    const index = JSON.parse(plan.raw.toString()) as { manifests: Descriptor[] }
    expect(index.manifests.map(m => m.digest)).toEqual([
      a.descriptor.digest,
      b.descriptor.digest,
      ...a.attestations.map(x => x.digest),
      ...b.attestations.map(x => x.digest)
    ])
    expect(index.manifests[2]).toEqual(a.attestations[0])
    expect(plan.platforms).toEqual({
      'linux/amd64': a.descriptor.digest,
      'linux/arm/v7': b.descriptor.digest
    })
    expect(plan.digest).toBe(sha256Digest(plan.raw))
    expect(indexProblems(plan.raw, plan.mediaType, ['linux/amd64', 'linux/arm/v7'])).toEqual([])
  })

  it('gives a single-manifest source the platform of its config', () => {
    const single = image('r/a:1', undefined, { config: { ...ARM64, variant: 'v8' } })
    const plan = planIndex([single], { annotations: {} })
    const index = JSON.parse(plan.raw.toString()) as { manifests: Descriptor[] }
    expect(index.manifests[0]).toEqual({ ...single.descriptor, platform: { ...ARM64, variant: 'v8' } })
    expect(plan.platforms).toEqual({ 'linux/arm64': single.descriptor.digest })
  })
})

describe('sourceParts', () => {
  const platformEntry = (p: Platform, tag: string): Descriptor => ({
    mediaType: OCI_MANIFEST,
    digest: digestOf(tag),
    size: 10,
    platform: p
  })
  const attestationOf = (entry: Descriptor, tag: string): Descriptor => ({
    mediaType: OCI_MANIFEST,
    digest: digestOf(tag),
    size: 5,
    annotations: {
      'vnd.docker.reference.digest': entry.digest,
      'vnd.docker.reference.type': 'attestation-manifest'
    },
    platform: { os: 'unknown', architecture: 'unknown' }
  })
  const indexSource = (manifests: unknown[], mediaType = OCI_INDEX) => {
    const raw = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }))
    return { source: 'reg/app:1', raw, mediaType, digest: sha256Digest(raw) }
  }

  it('an index gives its platform images, each with the attestations that refer to it', () => {
    const amd = platformEntry(AMD64, 'amd')
    const arm = platformEntry(ARMV7, 'arm')
    const attestAmd = attestationOf(amd, 'att-amd')
    const orphan = attestationOf(platformEntry(ARM64, 'gone'), 'att-gone')
    const parts = sourceParts(indexSource([amd, arm, attestAmd, orphan]))
    expect(parts.map(p => [p.descriptor.digest, p.platform, p.attestations])).toEqual([
      [amd.digest, AMD64, [attestAmd]],
      [arm.digest, ARMV7, []]
    ])
  })

  it('a single manifest is one part without a platform (its config tells)', () => {
    const raw = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: {}, layers: [] })
    )
    const parts = sourceParts({
      source: 'reg/app:1',
      raw,
      mediaType: DOCKER_MANIFEST,
      digest: sha256Digest(raw)
    })
    expect(parts).toEqual([
      {
        source: 'reg/app:1',
        descriptor: { mediaType: DOCKER_MANIFEST, digest: sha256Digest(raw), size: raw.length },
        platform: undefined,
        attestations: []
      }
    ])
  })

  it.each<[string, unknown[], RegExp]>([
    [
      'a nested index',
      [{ mediaType: OCI_INDEX, digest: digestOf('i'), size: 3, platform: AMD64 }],
      /holds another index/
    ],
    ['only attestations', [attestationOf(platformEntry(AMD64, 'x'), 'y')], /without any platform image/],
    [
      'an entry without a digest',
      [{ mediaType: OCI_MANIFEST, size: 3, platform: AMD64 }],
      /without mediaType, sha256 digest and size/
    ]
  ])('refuses %s', (_name, manifests, message) => {
    expect(() => sourceParts(indexSource(manifests))).toThrow(message)
  })

  it('refuses what is neither an index nor a manifest', () => {
    const raw = Buffer.from('{"hello":"world"}')
    expect(() =>
      sourceParts({ source: 'reg/x:1', raw, mediaType: 'application/json', digest: sha256Digest(raw) })
    ).toThrow('reg/x:1 is neither an image index nor an image manifest')
  })
})

describe('index checks', () => {
  it.each<[string, { platform: string; from: string }[], string[] | undefined, string[]]>([
    [
      'all fine',
      [
        { platform: 'linux/amd64', from: 'a' },
        { platform: 'linux/arm64', from: 'b' }
      ],
      ['linux/arm64', 'linux/amd64'],
      []
    ],
    ['no expected set', [{ platform: 'linux/amd64', from: 'a' }], undefined, []],
    [
      'a duplicate',
      [
        { platform: 'linux/amd64', from: 'a' },
        { platform: 'linux/x86_64', from: 'b' }
      ],
      undefined,
      ['linux/amd64 is in more than one source: a, b']
    ],
    [
      'two missing',
      [],
      ['linux/amd64', 'linux/arm64'],
      ['linux/amd64, linux/arm64 are in platforms but in none of the sources (they hold no platform image)']
    ]
  ])('platformSetProblems: %s', (_name, placed, expected, problems) => {
    expect(platformSetProblems(placed, expected)).toEqual(problems)
  })

  it('configPlatformProblems compares normalised platforms', () => {
    expect(configPlatformProblems(ARM64, config({ ...ARM64, variant: 'v8' }), 'x')).toEqual([])
    expect(configPlatformProblems(ARMV7, Buffer.from('not json'), 'x')).toEqual([
      'x: its image config has no os/architecture, so its platform cannot be checked'
    ])
  })

  it('indexProblems reads a pushed index, leaving attestations out', () => {
    const raw = Buffer.from(
      JSON.stringify({
        manifests: [
          { digest: digestOf('a'), platform: AMD64 },
          { digest: digestOf('b'), platform: AMD64 },
          { digest: digestOf('c'), platform: { os: 'unknown', architecture: 'unknown' } }
        ]
      })
    )
    expect(indexProblems(raw, OCI_INDEX)).toEqual([
      `linux/amd64 is in more than one source: entry 0 (${digestOf('a')}), entry 1 (${digestOf('b')})`
    ])
    expect(() => indexProblems(Buffer.from('{"config":{},"layers":[]}'), OCI_MANIFEST)).toThrow(
      'Expected an image index'
    )
  })

  it('throwProblems: nothing, one line, or a list', () => {
    expect(() => {
      throwProblems('X', [])
    }).not.toThrow()
    expect(() => {
      throwProblems('X', ['a'])
    }).toThrow(/^X: a$/)
    expect(() => {
      throwProblems('X', ['a', 'b'])
    }).toThrow('X:\n  - a\n  - b')
  })
})

describe('manifestBlobs', () => {
  it('lists the config, then the layers', () => {
    const raw = Buffer.from(
      JSON.stringify({
        config: { digest: digestOf('c'), size: 2 },
        layers: [{ digest: digestOf('l'), size: 3 }]
      })
    )
    expect(manifestBlobs(raw, 'm')).toEqual([
      { digest: digestOf('c'), size: 2 },
      { digest: digestOf('l'), size: 3 }
    ])
  })

  it.each([
    ['{"layers":[]}', /has no config/],
    [JSON.stringify({ config: { digest: 'md5:x', size: 1 }, layers: [] }), /without a sha256 digest and size/]
  ])('refuses %s', (text, message) => {
    expect(() => manifestBlobs(Buffer.from(text), 'm')).toThrow(message)
  })
})
