import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  digestsFromManifest,
  parseBuildMetadata,
  verifyDigests,
  type ServedDigests
} from '../../src/oci/digests.js'
import { MEDIA_TYPES, sha256Digest } from '../../src/oci/oci.js'
import { formatPlatform, normalizePlatform, type Platform } from '../../src/oci/platforms.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name))

// Digests written out from the fixture files (sha256sum), so a wrong hash computation fails.
const INDEX_3 = 'sha256:e2c70c61673b73dbe8833b3df0b0e684c41f076307fde4fb913ed532d38a1812'
const AMD64 = 'sha256:29f05d9d365ebd802feac369244ea42042ec4a6ad1c9727980e17f3adc159cc0'
const ARM64 = 'sha256:0ea8ce4a7825e3624865f710df6bdd6738aa4524a1dafd6fe3300efad88c1f3f'
const ARMV7 = 'sha256:5b649f360be53933d2dcb5a293ea72bd7d294851e76c347b0d533c1910aabd85'
const SINGLE = 'sha256:9f35758f2dd5403f185ce3a814293e3f83a02a378cab9b4afdb9f0ee68071077'
const DOCKER_LIST = 'sha256:45845faa29727cc374be6fed0006951e8890c2caf0e7b17be6ada3f8a82c048a'
const h = (c: string): string => `sha256:${c.repeat(64)}`

describe('parseBuildMetadata', () => {
  it('reads the 3-platform buildx 0.13 metadata', () => {
    const m = parseBuildMetadata(fixture('buildx-0.13/metadata-3-platforms.json').toString())
    expect({ ...m, raw: undefined }).toStrictEqual({
      digest: INDEX_3,
      mediaType: MEDIA_TYPES.ociIndex,
      imageNames: ['127.0.0.1:5443/fx/img:v1'],
      raw: undefined
    })
    expect(m.raw['buildx.build.ref']).toBe('fx/fx0/e6lzgb2vz3yaeuk79qj90arlg')
  })

  it('reads the single-platform metadata with its platform', () => {
    const m = parseBuildMetadata(fixture('buildx-0.13/metadata-1-platform-no-provenance.json').toString())
    expect(m.digest).toBe(SINGLE)
    expect(m.mediaType).toBe(MEDIA_TYPES.dockerManifest)
    expect(m.platform).toBe('linux/arm64')
    expect(m.imageNames).toStrictEqual(['127.0.0.1:5000/fx/single:v1'])
  })

  it('splits comma-separated image names', () => {
    const m = parseBuildMetadata(fixture('digests/metadata-several-names.json').toString())
    expect(m.imageNames).toStrictEqual([
      'ghcr.io/owner/app:v1',
      'ghcr.io/owner/app:latest',
      'docker.io/owner/app:v1'
    ])
    expect(m.digest).toBe(DOCKER_LIST)
    expect(m.mediaType).toBe(MEDIA_TYPES.dockerManifestList)
    expect(m.platform).toBeUndefined()
  })

  it.each<[string, object, Partial<Record<'digest' | 'platform', string>> & { imageNames: string[] }]>([
    ['no image.name (local build)', { 'containerimage.digest': h('a') }, { digest: h('a'), imageNames: [] }],
    [
      'digest only in the descriptor',
      { 'containerimage.descriptor': { digest: h('b') } },
      { digest: h('b'), imageNames: [] }
    ],
    [
      'arm platform with variant',
      { 'containerimage.descriptor': { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } } },
      { platform: 'linux/arm/v7', imageNames: [] }
    ],
    [
      'arm64/v8 normalised',
      { 'containerimage.descriptor': { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } } },
      { platform: 'linux/arm64', imageNames: [] }
    ],
    ['empty names dropped', { 'image.name': 'a,, ,b' }, { imageNames: ['a', 'b'] }]
  ])('%s', (_name, json, expected) => {
    const m = parseBuildMetadata(JSON.stringify(json))
    expect({ digest: m.digest, platform: m.platform, imageNames: m.imageNames }).toStrictEqual({
      digest: undefined,
      platform: undefined,
      ...expected
    })
  })

  it.each<[string, RegExp]>([
    ['not json', /not valid JSON/],
    ['[]', /does not hold a JSON object/],
    ['{"containerimage.digest":"sha256:abc"}', /invalid containerimage.digest: "sha256:abc"/],
    ['{"containerimage.digest":5}', /invalid containerimage.digest: 5/]
  ])('rejects %s', (json, message) => {
    expect(() => parseBuildMetadata(json)).toThrow(message)
  })
})

describe('formatPlatform and normalizePlatform', () => {
  it.each<[Platform, string]>([
    [{ os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'amd64', variant: 'v1' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'amd64', variant: 'v3' }, 'linux/amd64/v3'],
    [{ os: 'linux', architecture: 'arm64' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'arm', variant: 'v7' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'arm', variant: 'v6' }, 'linux/arm/v6'],
    [{ os: 'linux', architecture: 'arm' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'arm', variant: '5' }, 'linux/arm/v5'],
    [{ os: 'linux', architecture: 'aarch64' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'x86_64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'armhf' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'i386' }, 'linux/386'],
    [{ os: 'Linux', architecture: 'S390X' }, 'linux/s390x'],
    [{ os: 'windows', architecture: 'amd64', variant: '' }, 'windows/amd64']
  ])('formatPlatform(%j) = %s', (p, expected) => {
    expect(formatPlatform(p)).toBe(expected)
  })

  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    [' linux/arm/v7 ', 'linux/arm/v7'],
    ['linux/riscv64', 'linux/riscv64']
  ])('normalizePlatform(%j) = %s', (input, expected) => {
    expect(normalizePlatform(input)).toBe(expected)
  })

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/', 'linux/arm/v7/x'])(
    'normalizePlatform rejects %j',
    input => {
      expect(() => normalizePlatform(input)).toThrow(`Invalid platform "${input}"`)
    }
  )
})

describe('digestsFromManifest', () => {
  it('reads the real 3-platform index without its attestation manifests', () => {
    const raw = fixture('buildx-0.13/index-3-platforms.json')
    expect(digestsFromManifest(raw, MEDIA_TYPES.ociIndex)).toStrictEqual({
      digest: INDEX_3,
      platforms: { 'linux/amd64': AMD64, 'linux/arm64': ARM64, 'linux/arm/v7': ARMV7 }
    })
  })

  it('reads the real single-platform manifest with the metadata platform', () => {
    const raw = fixture('buildx-0.13/manifest-1-platform.json')
    expect(digestsFromManifest(raw, MEDIA_TYPES.dockerManifest, 'linux/arm64/v8')).toStrictEqual({
      digest: SINGLE,
      platforms: { 'linux/arm64': SINGLE }
    })
  })

  it.each([undefined, ''])('fails on a single manifest without a platform (%j)', fallback => {
    const raw = fixture('buildx-0.13/manifest-1-platform.json')
    expect(() => digestsFromManifest(raw, MEDIA_TYPES.dockerManifest, fallback)).toThrow(
      `single-platform image manifest (${SINGLE}), and the build metadata does not say which platform`
    )
  })

  it('reads a docker manifest list, normalising arm64/v8', () => {
    const raw = fixture('digests/manifest-list-docker.json')
    expect(digestsFromManifest(raw, `${MEDIA_TYPES.dockerManifestList}; charset=utf-8`)).toStrictEqual({
      digest: DOCKER_LIST,
      platforms: {
        'linux/amd64': h('1'),
        'linux/arm64': h('2'),
        'linux/arm/v6': h('3'),
        'linux/s390x': h('4')
      }
    })
  })

  it.each<[string, unknown[], Record<string, string>]>([
    [
      'unknown/unknown without an annotation',
      [
        { digest: h('1'), platform: { os: 'linux', architecture: 'amd64' } },
        { digest: h('2'), platform: { os: 'unknown', architecture: 'unknown' } }
      ],
      { 'linux/amd64': h('1') }
    ],
    [
      'attestation annotation with a real platform',
      [
        { digest: h('1'), platform: { os: 'linux', architecture: 'amd64' } },
        {
          digest: h('2'),
          platform: { os: 'linux', architecture: 'arm64' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        }
      ],
      { 'linux/amd64': h('1') }
    ],
    [
      'entries without a platform or digest',
      [{ digest: h('1') }, { platform: { os: 'linux', architecture: 'amd64' } }, 'junk', null],
      {}
    ],
    [
      'first entry wins for a repeated platform',
      [
        { digest: h('1'), platform: { os: 'linux', architecture: 'arm64' } },
        { digest: h('2'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }
      ],
      { 'linux/arm64': h('1') }
    ]
  ])('index: %s', (_name, manifests, expected) => {
    const raw = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }))
    expect(digestsFromManifest(raw, MEDIA_TYPES.ociIndex)).toStrictEqual({
      digest: sha256Digest(raw),
      platforms: expected
    })
  })

  it.each<[string, string, object, string | undefined, Record<string, string> | 'self']>([
    [
      'generic Content-Type, index by mediaType field',
      'application/json',
      { mediaType: MEDIA_TYPES.ociIndex, manifests: [] },
      undefined,
      {}
    ],
    [
      'empty Content-Type, OCI index without mediaType field',
      '',
      { manifests: [{ digest: h('1'), platform: { os: 'linux', architecture: 'amd64' } }] },
      undefined,
      { 'linux/amd64': h('1') }
    ],
    [
      'generic Content-Type, OCI manifest by shape',
      'application/octet-stream',
      { config: {}, layers: [] },
      'linux/amd64',
      'self'
    ]
  ])('%s', (_name, mediaType, doc, fallback, expected) => {
    const raw = Buffer.from(JSON.stringify(doc))
    const d = sha256Digest(raw)
    expect(digestsFromManifest(raw, mediaType, fallback)).toStrictEqual({
      digest: d,
      platforms: expected === 'self' ? { [fallback ?? '']: d } : expected
    })
  })

  it.each<[string, string, string | Buffer, RegExp]>([
    [
      'schema1',
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      '{"fsLayers":[]}',
      /neither an image index nor an image manifest/
    ],
    ['not JSON', MEDIA_TYPES.ociIndex, '<html>', /is not valid JSON/],
    ['an array', MEDIA_TYPES.ociIndex, '[]', /is not a JSON object/],
    ['index without manifests', MEDIA_TYPES.ociIndex, '{}', /has no "manifests" list/]
  ])('rejects %s', (_name, mediaType, body, message) => {
    expect(() => digestsFromManifest(Buffer.from(body), mediaType, 'linux/amd64')).toThrow(message)
  })

  it('hashes the exact bytes, not re-serialised JSON', () => {
    const compact = Buffer.from(
      JSON.stringify(JSON.parse(fixture('buildx-0.13/index-3-platforms.json').toString()))
    )
    expect(digestsFromManifest(compact, MEDIA_TYPES.ociIndex).digest).not.toBe(INDEX_3)
  })
})

describe('verifyDigests', () => {
  const served: ServedDigests = {
    digest: INDEX_3,
    platforms: { 'linux/amd64': AMD64, 'linux/arm64': ARM64, 'linux/arm/v7': ARMV7 }
  }
  const image = '127.0.0.1:5443/fx/img:v1'

  it.each<[string, readonly string[]]>([
    ['all platforms', ['linux/amd64', 'linux/arm64', 'linux/arm/v7']],
    ['as users write them', ['linux/arm64/v8', 'linux/arm', 'linux/amd64']],
    ['a subset', ['linux/amd64']],
    ['none expected', []]
  ])('accepts %s', (_name, expectedPlatforms) => {
    expect(() => {
      verifyDigests({ image, expectedDigest: INDEX_3, served, expectedPlatforms })
    }).not.toThrow()
  })

  it('accepts an upper-case expected digest', () => {
    expect(() => {
      verifyDigests({ image, expectedDigest: INDEX_3.toUpperCase(), served, expectedPlatforms: [] })
    }).not.toThrow()
  })

  it('names the image and both digests when they differ', () => {
    expect(() => {
      verifyDigests({ image, expectedDigest: h('f'), served, expectedPlatforms: [] })
    }).toThrow(`The registry serves ${INDEX_3} for ${image}, but buildx reported pushing ${h('f')}`)
  })

  it('names missing platforms and what is there', () => {
    expect(() => {
      verifyDigests({
        image,
        expectedDigest: INDEX_3,
        served,
        expectedPlatforms: ['linux/amd64', 'linux/s390x', 'linux/arm/v6']
      })
    }).toThrow(
      `The registry serves ${INDEX_3} for ${image} without linux/s390x, linux/arm/v6; it has linux/amd64, linux/arm64, linux/arm/v7`
    )
  })

  it('fails when nothing served has a platform', () => {
    expect(() => {
      verifyDigests({
        image,
        expectedDigest: INDEX_3,
        served: { digest: INDEX_3, platforms: {} },
        expectedPlatforms: []
      })
    }).toThrow('lists no platform images')
  })

  it('works end to end on the real fixtures', () => {
    const metadata = parseBuildMetadata(
      fixture('buildx-0.13/metadata-1-platform-no-provenance.json').toString()
    )
    const servedSingle = digestsFromManifest(
      fixture('buildx-0.13/manifest-1-platform.json'),
      MEDIA_TYPES.dockerManifest,
      metadata.platform
    )
    expect(() => {
      verifyDigests({
        image: metadata.imageNames[0] ?? '',
        expectedDigest: metadata.digest ?? '',
        served: servedSingle,
        expectedPlatforms: ['linux/arm64']
      })
    }).not.toThrow()
    expect(() => {
      verifyDigests({
        image: metadata.imageNames[0] ?? '',
        expectedDigest: metadata.digest ?? '',
        served: servedSingle,
        expectedPlatforms: ['linux/amd64']
      })
    }).toThrow('without linux/amd64')
  })
})
