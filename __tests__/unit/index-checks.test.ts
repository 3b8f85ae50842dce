import { describe, expect, it } from '@jest/globals'
import {
  pushedIndexProblems,
  singleManifestProblems,
  type ListedManifest
} from '../../src/oci/index-checks.js'

const d = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const image = (n: number, os: string, architecture: string, variant?: string): Record<string, unknown> => ({
  mediaType: OCI_MANIFEST,
  digest: d(n),
  platform: variant ? { os, architecture, variant } : { os, architecture }
})
const attestation = (
  n: number,
  refersTo: string,
  platform = { os: 'unknown', architecture: 'unknown' }
): Record<string, unknown> => ({
  mediaType: OCI_MANIFEST,
  digest: d(n),
  platform,
  annotations: {
    'vnd.docker.reference.type': 'attestation-manifest',
    'vnd.docker.reference.digest': refersTo
  }
})
const listed = (
  os: string,
  architecture: string,
  variant?: string,
  extra: Partial<ListedManifest> = {}
): ListedManifest => ({
  kind: 'manifest',
  attestation: false,
  config: Buffer.from(JSON.stringify({ os, architecture, ...(variant ? { variant } : {}) })),
  ...extra
})

const REQUESTED = ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
const GOOD_ENTRIES = [
  image(1, 'linux', 'amd64'),
  image(2, 'linux', 'arm64'),
  image(3, 'linux', 'arm', 'v7'),
  attestation(4, d(1)),
  attestation(5, d(2)),
  attestation(6, d(3))
]
const GOOD_MANIFESTS = new Map<string, ListedManifest>([
  [d(1), listed('linux', 'amd64')],
  [d(2), listed('linux', 'arm64', 'v8')],
  [d(3), listed('linux', 'arm', 'v7')]
])

describe('pushedIndexProblems', () => {
  it.each<[string, unknown[], Map<string, ListedManifest>, string[]]>([
    ['a good index (an arm64 config with variant v8 is arm64)', GOOD_ENTRIES, GOOD_MANIFESTS, []],
    [
      'a platform missing',
      GOOD_ENTRIES.filter(e => e['digest'] !== d(3) && e['digest'] !== d(6)),
      GOOD_MANIFESTS,
      ['linux/arm/v7 is in platforms but in none of the sources (they hold linux/amd64, linux/arm64)']
    ],
    [
      'a platform twice',
      [...GOOD_ENTRIES, image(7, 'linux', 'arm64')],
      new Map([...GOOD_MANIFESTS, [d(7), listed('linux', 'arm64')]]),
      [`linux/arm64 is in more than one source: entry 1 (${d(2)}), entry 6 (${d(7)})`]
    ],
    [
      'a platform not requested',
      [...GOOD_ENTRIES, image(7, 'linux', 's390x')],
      new Map([...GOOD_MANIFESTS, [d(7), listed('linux', 's390x')]]),
      [`linux/s390x (from entry 6 (${d(7)})) is not in platforms (linux/amd64, linux/arm64, linux/arm/v7)`]
    ],
    [
      'a config that says another architecture',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(2), listed('linux', 'amd64')]]),
      [
        `linux/arm64: entry 1 (${d(2)}) is listed as linux/arm64, but its image config says linux/amd64 (os/architecture/variant)`
      ]
    ],
    [
      'a config with another arm variant',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(3), listed('linux', 'arm', 'v6')]]),
      [
        `linux/arm/v7: entry 2 (${d(3)}) is listed as linux/arm/v7, but its image config says linux/arm/v6 (os/architecture/variant)`
      ]
    ],
    [
      'an index nested in the index',
      [
        ...GOOD_ENTRIES.slice(0, 2),
        { ...image(3, 'linux', 'arm', 'v7'), mediaType: 'application/vnd.oci.image.index.v1+json' },
        ...GOOD_ENTRIES.slice(3)
      ],
      GOOD_MANIFESTS,
      [
        `linux/arm/v7: entry 2 (${d(3)}) is an index nested in the index`,
        `entry 5 (${d(6)}) is an attestation manifest for ${d(3)}, which is no image of the index`,
        'linux/arm/v7 is in platforms but in none of the sources (they hold linux/amd64, linux/arm64)'
      ]
    ],
    [
      'an entry whose manifest turns out to be an index',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(1), { kind: 'index' as const, attestation: false }]]),
      [`linux/amd64: entry 0 (${d(1)}) is an index nested in the index`]
    ],
    [
      'an attestation manifest listed as a platform image',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(2), listed('linux', 'arm64', undefined, { attestation: true })]]),
      [
        `linux/arm64: entry 1 (${d(2)}) is an attestation manifest (application/vnd.in-toto+json layers), not an image`
      ]
    ],
    [
      'unknown/unknown without the attestation annotation',
      [...GOOD_ENTRIES, image(7, 'unknown', 'unknown')],
      GOOD_MANIFESTS,
      [
        `entry 6 (${d(7)}) has platform unknown/unknown but is not marked as an attestation manifest (vnd.docker.reference.type)`
      ]
    ],
    [
      'an attestation entry with a real platform',
      [...GOOD_ENTRIES.slice(0, 5), attestation(6, d(3), { os: 'linux', architecture: 'arm' })],
      GOOD_MANIFESTS,
      [
        `linux/arm/v7: entry 5 (${d(6)}) is an attestation manifest listed with that platform, not unknown/unknown`
      ]
    ],
    [
      'an attestation for an image not in the index',
      [...GOOD_ENTRIES, attestation(8, d(9))],
      GOOD_MANIFESTS,
      [`entry 6 (${d(8)}) is an attestation manifest for ${d(9)}, which is no image of the index`]
    ],
    [
      'an entry without a digest',
      [...GOOD_ENTRIES, { platform: {} }],
      GOOD_MANIFESTS,
      ['entry 6 of the index has no digest']
    ],
    [
      'a platform image that was not read',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS].filter(([digest]) => digest !== d(1))),
      [`linux/amd64: entry 0 (${d(1)}) was not read`]
    ]
  ])('%s', (_name, manifests, fetched, expected) => {
    expect(
      pushedIndexProblems({
        index: { schemaVersion: 2, manifests },
        requested: REQUESTED,
        manifests: fetched
      })
    ).toEqual(expected)
  })

  it('accepts requested platforms as users write them', () => {
    expect(
      pushedIndexProblems({
        index: { manifests: GOOD_ENTRIES },
        requested: ['linux/x86_64', 'linux/arm64/v8', 'linux/arm'],
        manifests: GOOD_MANIFESTS
      })
    ).toEqual([])
  })
})

describe('singleManifestProblems', () => {
  it.each<[string, string[], ListedManifest, string[]]>([
    ['matching', ['linux/arm64'], listed('linux', 'arm64'), []],
    [
      'another architecture',
      ['linux/arm64'],
      listed('linux', 'amd64'),
      [
        'linux/arm64: the pushed manifest is listed as linux/arm64, but its image config says linux/amd64 (os/architecture/variant)'
      ]
    ],
    [
      'several platforms requested',
      ['linux/amd64', 'linux/arm64'],
      listed('linux', 'amd64'),
      ['a single image manifest was pushed for 2 platforms']
    ]
  ])('%s', (_name, requested, manifest, expected) => {
    expect(singleManifestProblems(requested, manifest)).toEqual(expected)
  })
})
