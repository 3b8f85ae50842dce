import { describe, expect, it } from '@jest/globals'
import {
  buildxBuildArgv,
  progressFormat,
  pushByDigestOutput,
  type BuildSettings
} from '../../src/buildx/build.js'
import { BUILD_SETTINGS } from './defaults.js'

const base = BUILD_SETTINGS
const head = [
  'buildx',
  'build',
  '--builder',
  'b1',
  '--platform',
  'linux/amd64,linux/arm64',
  '--progress=rawjson'
]
/** A push goes untagged to the repository of the tags (the tags are put after the checks). */
const push = (oci: boolean, repository = 'registry.example.com/team/app'): string[] => [
  '--output',
  `type=image,name=${repository},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=${oci}`
]
const tail = ['--metadata-file', '/tmp/m.json']

/** The argv of a push-by-digest build of linux/arm64 to the repository `name` (docker or OCI media types). */
const byDigest = (name: string, mediaTypes: 'docker' | 'oci'): string[] => [
  'buildx',
  'build',
  '--builder',
  'b1',
  '--platform',
  'linux/arm64',
  '--progress=rawjson',
  ...(mediaTypes === 'docker' ? ['--provenance=false'] : []),
  ...tail,
  '--output',
  `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=${mediaTypes === 'oci'}`,
  '.'
]

describe('buildArgs', () => {
  it.each<[string, Partial<BuildSettings>, string[]]>([
    ['defaults', {}, [...head, ...tail, ...push(true), '.']],
    [
      'docker media types: attestations off, Docker types stated',
      { mediaTypes: 'docker' },
      [...head, '--provenance=false', ...tail, ...push(false), '.']
    ],
    [
      'docker media types with provenance: false',
      { mediaTypes: 'docker', provenance: 'false' },
      [...head, '--provenance=false', ...tail, ...push(false), '.']
    ],
    [
      'oci media types stated even without attestations',
      { provenance: 'false' },
      [...head, '--provenance=false', ...tail, ...push(true), '.']
    ],
    ['no push', { push: false, tags: [] }, [...head, ...tail, '.']],
    [
      'every option',
      {
        file: 'docker/Dockerfile',
        tags: ['r.io/a:1', 'r.io/a:latest'],
        buildArgs: ['A=1', 'B'],
        labels: ['org.opencontainers.image.title=app'],
        target: 'runtime',
        cacheFrom: ['type=registry,ref=r.io/a:cache'],
        cacheTo: ['type=inline'],
        noCache: true,
        pull: true,
        provenance: 'mode=max',
        network: 'none',
        context: 'app'
      },
      [
        ...head,
        '--file',
        'docker/Dockerfile',
        '--build-arg',
        'A=1',
        '--build-arg',
        'B',
        '--label',
        'org.opencontainers.image.title=app',
        '--target',
        'runtime',
        '--cache-from',
        'type=registry,ref=r.io/a:cache',
        '--cache-to',
        'type=inline',
        '--no-cache',
        '--pull',
        '--provenance=mode=max',
        '--network',
        'none',
        ...tail,
        ...push(true, 'r.io/a'),
        'app'
      ]
    ],
    [
      'push-by-digest with docker media types',
      { pushByDigest: true, mediaTypes: 'docker', platforms: ['linux/arm64'], tags: ['r.io/team/app'] },
      byDigest('r.io/team/app', 'docker')
    ],
    [
      'host network asks for the entitlement',
      { network: 'host', push: false, tags: [] },
      [...head, '--network', 'host', '--allow', 'network.host', ...tail, '.']
    ],
    [
      'push-by-digest: no tag, the untagged image output instead of --push',
      { pushByDigest: true, platforms: ['linux/arm64'], tags: ['127.0.0.1:5000/team/app'] },
      byDigest('127.0.0.1:5000/team/app', 'oci')
    ]
  ])('%s', (_name, settings, expected) => {
    expect(
      buildxBuildArgv({
        builder: 'b1',
        metadataFile: '/tmp/m.json',
        settings: { ...base, ...settings },
        progress: 'rawjson'
      })
    ).toEqual(expected)
  })

  it('keeps shell metacharacters as single literal arguments', () => {
    const hostile = 'X=$(touch /tmp/pwned); echo "quoted" `id`'
    const args = buildxBuildArgv({
      builder: 'b1',
      metadataFile: '/tmp/m.json',
      settings: { ...base, buildArgs: [hostile], labels: [`l=${hostile}`] },
      progress: 'plain'
    })
    expect(args).toContain(hostile)
    expect(args).toContain(`l=${hostile}`)
  })
})

describe('progressFormat', () => {
  it.each([
    ['0.29.1', 'rawjson'],
    ['0.13.1', 'rawjson'],
    ['0.13.0', 'rawjson'],
    ['0.12.1', 'plain'],
    ['0.10.0', 'plain'],
    ['', 'plain']
  ])('buildx %s -> %s', (version, format) => {
    expect(progressFormat(version)).toBe(format)
  })
})

describe('pushByDigestOutput', () => {
  it.each<[string, string[], string]>([
    [
      'one repository',
      ['r.io/a'],
      'type=image,name=r.io/a,push-by-digest=true,name-canonical=true,push=true'
    ],
    [
      "several repositories: the name field quoted for buildx's CSV parser",
      ['r.io/a', 'docker.io/team/a'],
      'type=image,"name=r.io/a,docker.io/team/a",push-by-digest=true,name-canonical=true,push=true'
    ]
  ])('%s', (_name, repositories, expected) => {
    expect(pushByDigestOutput(repositories)).toBe(expected)
  })

  it('one output per distinct repository of the tags, Docker Hub names made canonical; no --tag', () => {
    const args = buildxBuildArgv({
      builder: 'b1',
      metadataFile: '/m.json',
      progress: 'rawjson',
      settings: { ...base, tags: ['r.io/a:1', 'r.io/a:2', 'team/app:1', 'docker.io/team/app:2'] }
    })
    expect(args).toContain(
      'type=image,"name=r.io/a,docker.io/team/app",push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true'
    )
    expect(args).not.toContain('--tag')
  })

  it('keeps the tags as names when nothing is pushed', () => {
    const args = buildxBuildArgv({
      builder: 'b1',
      metadataFile: '/m.json',
      progress: 'rawjson',
      settings: { ...base, push: false, tags: ['r.io/a:1'] }
    })
    expect(args).toEqual(expect.arrayContaining(['--tag', 'r.io/a:1']))
  })
})
