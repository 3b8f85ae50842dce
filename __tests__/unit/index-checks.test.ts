import { describe, expect, it } from '@jest/globals'
import {
  checkIndex,
  checkSingleManifest,
  type IndexProblem,
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
  config: { os, architecture, variant },
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

describe('checkIndex', () => {
  it.each<[string, unknown[], Map<string, ListedManifest>, IndexProblem[]]>([
    ['a good index (arm64 config with variant v8 is arm64)', GOOD_ENTRIES, GOOD_MANIFESTS, []],
    [
      'a platform missing',
      GOOD_ENTRIES.filter(e => e['digest'] !== d(3) && e['digest'] !== d(6)),
      GOOD_MANIFESTS,
      [{ platform: 'linux/arm/v7', message: 'missing from the index' }]
    ],
    [
      'a platform twice',
      [...GOOD_ENTRIES, image(7, 'linux', 'arm64')],
      new Map([...GOOD_MANIFESTS, [d(7), listed('linux', 'arm64')]]),
      [{ platform: 'linux/arm64', message: `listed 2 times (${d(2)}, ${d(7)})` }]
    ],
    [
      'a platform not requested',
      [...GOOD_ENTRIES, image(7, 'linux', 's390x')],
      new Map([...GOOD_MANIFESTS, [d(7), listed('linux', 's390x')]]),
      [{ platform: 'linux/s390x', message: 'in the index but not requested' }]
    ],
    [
      'a config that says another architecture',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(2), listed('linux', 'amd64')]]),
      [
        {
          platform: 'linux/arm64',
          message: `the image config of ${d(2)} says linux/amd64, not linux/arm64 as its index entry does`
        }
      ]
    ],
    [
      'a config with another arm variant',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(3), listed('linux', 'arm', 'v6')]]),
      [
        {
          platform: 'linux/arm/v7',
          message: `the image config of ${d(3)} says linux/arm/v6, not linux/arm/v7 as its index entry does`
        }
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
        { platform: 'linux/arm/v7', message: `${d(3)} is an index nested in the index` },
        {
          platform: '',
          message: `attestation manifest ${d(6)} refers to ${d(3)}, which is no image of the index`
        },
        { platform: 'linux/arm/v7', message: 'missing from the index' }
      ]
    ],
    [
      'an entry whose manifest is an index (declared as a manifest)',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(1), { kind: 'index' as const, attestation: false }]]),
      [{ platform: 'linux/amd64', message: `${d(1)} is an index nested in the index` }]
    ],
    [
      'an attestation manifest listed as a platform image',
      GOOD_ENTRIES,
      new Map([...GOOD_MANIFESTS, [d(2), listed('linux', 'arm64', undefined, { attestation: true })]]),
      [
        {
          platform: 'linux/arm64',
          message: `${d(2)} is an attestation manifest (application/vnd.in-toto+json layers), not an image`
        }
      ]
    ],
    [
      'unknown/unknown without the attestation annotation',
      [...GOOD_ENTRIES, image(7, 'unknown', 'unknown')],
      GOOD_MANIFESTS,
      [
        {
          platform: '',
          message: `entry ${d(7)} has platform unknown/unknown but is not marked as an attestation manifest (vnd.docker.reference.type)`
        }
      ]
    ],
    [
      'an attestation entry with a real platform',
      [...GOOD_ENTRIES.slice(0, 5), attestation(6, d(3), { os: 'linux', architecture: 'arm' })],
      GOOD_MANIFESTS,
      [
        {
          platform: 'linux/arm/v7',
          message: `attestation manifest ${d(6)} is listed with platform linux/arm/v7, not unknown/unknown`
        }
      ]
    ],
    [
      'an attestation for an image not in the index',
      [...GOOD_ENTRIES, attestation(8, d(9))],
      GOOD_MANIFESTS,
      [
        {
          platform: '',
          message: `attestation manifest ${d(8)} refers to ${d(9)}, which is no image of the index`
        }
      ]
    ],
    [
      'an entry without a digest',
      [...GOOD_ENTRIES, { platform: {} }],
      GOOD_MANIFESTS,
      [{ platform: '', message: 'the index has an entry without a digest' }]
    ]
  ])('%s', (_name, manifests, fetched, expected) => {
    expect(
      checkIndex({ index: { schemaVersion: 2, manifests }, requested: REQUESTED, manifests: fetched })
    ).toEqual(expected)
  })

  it('accepts requested platforms as users write them', () => {
    expect(
      checkIndex({
        index: { manifests: GOOD_ENTRIES },
        requested: ['linux/x86_64', 'linux/arm64/v8', 'linux/arm'],
        manifests: GOOD_MANIFESTS
      })
    ).toEqual([])
  })
})

describe('checkSingleManifest', () => {
  it.each<[string, string[], ListedManifest, IndexProblem[]]>([
    ['matching', ['linux/arm64'], listed('linux', 'arm64'), []],
    [
      'another architecture',
      ['linux/arm64'],
      listed('linux', 'amd64'),
      [
        {
          platform: 'linux/arm64',
          message:
            'the image config of the pushed manifest says linux/amd64, not linux/arm64 as its index entry does'
        }
      ]
    ],
    [
      'several platforms requested',
      ['linux/amd64', 'linux/arm64'],
      listed('linux', 'amd64'),
      [{ platform: '', message: 'a single image manifest was pushed for 2 platforms' }]
    ]
  ])('%s', (_name, requested, manifest, expected) => {
    expect(checkSingleManifest(requested, manifest)).toEqual(expected)
  })
})
