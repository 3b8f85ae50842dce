import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  BuildError,
  buildxBuildArgv,
  closingError,
  runBuild,
  progressFormat,
  pushByDigestOutput,
  type BuildSettings
} from '../../src/buildx/build.js'
import { BUILD_SETTINGS } from './defaults.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner, docker } from './fake-runner.js'

const PROGRESS_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/progress')

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

describe('a failed build', () => {
  it.each([
    [
      'the excerpt and the final error after the last progress line',
      '#5 [2/2] RUN false\n#5 ERROR: exit code: 1\nWARNING: No output specified\nDockerfile:3\n>>> RUN false\nERROR: failed to solve: exit code: 1\n',
      'Dockerfile:3\n>>> RUN false\nERROR: failed to solve: exit code: 1'
    ],
    [
      'plain progress lines with timestamps',
      '#7 0.512 out\n#7 ERROR: x\nERROR: failed to solve: x',
      'ERROR: failed to solve: x'
    ],
    ['no progress at all (buildx refused the command)', 'ERROR: invalid tag "A"', 'ERROR: invalid tag "A"'],
    ['nothing after the progress: its last line', '#3 [1/1] FROM x\n#3 ERROR: denied', '#3 ERROR: denied']
  ])('closingError keeps %s', (_, stderr, closing) => {
    expect(closingError(stderr)).toBe(closing)
  })

  it('carries buildx’s closing error in its message, its progress (already in the log) only in stderr', async () => {
    const stream = fs.readFileSync(path.join(PROGRESS_FIXTURES, 'crash-raw-0.29.txt'), 'utf8')
    const runner = new FakeRunner().on(docker('buildx', 'build'), { exitCode: 1, stderr: stream })
    const log = new FakeReporter()
    const failure = await runBuild(runner, {
      builder: 'b1',
      metadataFile: '/tmp/m.json',
      settings: { ...BUILD_SETTINGS, platforms: ['linux/amd64', 'linux/arm/v7'] },
      progress: 'rawjson',
      log
    }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(BuildError)
    const { message, stderr } = failure as BuildError
    expect(message).toMatch(/^docker buildx build failed \(exit code 1\):\nDockerfile:\d+\n/)
    expect(message.split('\n').at(-1)).toMatch(
      /^ERROR: failed to (build: failed to )?solve: process .* exit code: 139$/
    )
    expect(message).not.toMatch(/^#\d+ /m)
    expect(stderr).toMatch(/^#\d+ qemu: uncaught target signal 11/m)
    expect(log.lines.filter(l => /^#\d+ ERROR: process .* exit code: 139$/.test(l))).toHaveLength(1)
  })
})
