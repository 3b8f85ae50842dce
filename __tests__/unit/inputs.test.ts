import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readInputs } from '../../src/inputs/inputs.js'
import { InputError } from '../../src/inputs/table.js'
import { csvProblem, parseByteSize, splitList } from '../../src/inputs/parse.js'
import { BAD_INPUTS } from './bad-inputs.js'
import { WORKSPACE } from './defaults.js'

const source =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''
const TAG = { tags: 'registry.example.com/team/app:1.0' }

function problems(values: Record<string, string>): string[] {
  try {
    readInputs(source({ ...TAG, ...values }), WORKSPACE)
  } catch (error) {
    if (error instanceof InputError) return [...error.problems]
    throw error
  }
  return []
}

describe('readInputs: valid inputs', () => {
  it('applies the defaults', () => {
    const inputs = readInputs(source(TAG), WORKSPACE)
    expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(inputs.context).toBe('.')
    expect(inputs.push).toBe(true)
    expect(inputs.buildkitImage).toBe('moby/buildkit:buildx-stable-1')
    expect(inputs.qemu).toBe('auto')
    expect(inputs.hostNetwork).toBe(false)
    expect(inputs.proxy).toBe(true)
  })

  it('parses lists, booleans and registry inputs', () => {
    const inputs = readInputs(
      source({
        platforms: 'linux/amd64,\nlinux/arm64/v8\nlinux/arm/v7',
        tags: 'r.example.com/a:1, r.example.com/a:latest\nlocalhost:5000/x',
        'build-args': 'A=1\nB=has spaces, and commas\nC',
        labels: 'org.opencontainers.image.title=app',
        push: 'False',
        'host-network': 'TRUE',
        'insecure-registries': 'http://lab-registry:5000, harbor.corp:443',
        'registry-mirrors': 'docker.io=mirror.corp:5000;http://10.0.0.5:5000',
        registry: 'docker.io',
        username: 'me',
        password: 'secret',
        qemu: 'package',
        network: 'host'
      }),
      WORKSPACE
    )
    expect(inputs.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
    expect(inputs.tags).toEqual(['r.example.com/a:1', 'r.example.com/a:latest', 'localhost:5000/x'])
    expect(inputs.buildArgs).toEqual(['A=1', 'B=has spaces, and commas', 'C'])
    expect(inputs.push).toBe(false)
    expect(inputs.hostNetwork).toBe(true)
    expect(inputs.insecureRegistries).toEqual([
      { host: 'lab-registry:5000', http: true },
      { host: 'harbor.corp:443', http: false }
    ])
    expect(inputs.registryMirrors.get('docker.io')).toEqual([
      { host: 'mirror.corp:5000', http: false },
      { host: '10.0.0.5:5000', http: true }
    ])
    expect(inputs.qemu).toBe('package')
  })

  it.each(['index.docker.io', 'registry-1.docker.io', 'Docker.io'])('registry %s is Docker Hub', registry => {
    const inputs = readInputs(source({ ...TAG, registry, username: 'me', password: 'p' }), WORKSPACE)
    expect(inputs.registry).toBe('docker.io')
  })

  it.each(['https://github.com/o/r.git#main', 'git://example.com/r.git', 'ssh://git@example.com/r.git'])(
    'a remote context %s takes file as a path inside it',
    context => {
      const inputs = readInputs(source({ ...TAG, context, file: 'docker/Dockerfile.prod' }), WORKSPACE)
      expect([inputs.context, inputs.file]).toEqual([context, 'docker/Dockerfile.prod'])
    }
  )

  it('push-by-digest takes tags as the one repository', () => {
    const inputs = readInputs(
      source({ 'push-by-digest': 'true', tags: ' r.example.com:5000/team/app ' }),
      WORKSPACE
    )
    expect([inputs.pushByDigest, inputs.tags]).toEqual([true, ['r.example.com:5000/team/app']])
    expect(readInputs(source(TAG), WORKSPACE).pushByDigest).toBe(false)
  })

  it('nodes are parsed into platforms and endpoints', () => {
    const inputs = readInputs(
      source({ ...TAG, nodes: 'linux/arm64/v8, linux/arm/v7 = ssh://ci@arm-box\n\nlinux/s390x=z-context\n' }),
      WORKSPACE
    )
    expect(inputs.nodes).toEqual([
      { platforms: ['linux/arm64', 'linux/arm/v7'], endpoint: 'ssh://ci@arm-box' },
      { platforms: ['linux/s390x'], endpoint: 'z-context' }
    ])
    expect(readInputs(source(TAG), WORKSPACE).nodes).toEqual([])
  })

  it('push false needs no tag', () => {
    expect(readInputs(source({ push: 'false' }), WORKSPACE).tags).toEqual([])
  })
})

describe('readInputs: each bad input is rejected, naming the input', () => {
  it.each(BAD_INPUTS)('%s: %j', (input, values) => {
    const found = problems(values)
    expect(found.length).toBeGreaterThan(0)
    expect(found[0]).toMatch(new RegExp(`^${input}: `))
  })

  it('reports every problem at once', () => {
    const found = problems({ platforms: 'linux/sparc', push: 'x', qemu: 'y' })
    expect(found.map(p => p.split(':')[0])).toEqual(['platforms', 'push', 'qemu'])
  })
})

describe('splitList', () => {
  it.each<[string, boolean, string[]]>([
    ['a,b\nc', true, ['a', 'b', 'c']],
    ['a,b\nc', false, ['a,b', 'c']],
    ['\n  a  \n\n', true, ['a']],
    ['', true, []]
  ])('%j (commas: %s)', (value, commas, expected) => {
    expect(splitList(value, commas)).toEqual(expected)
  })
})

describe('readInputs: media types, smoke test, cache budget', () => {
  it.each<[Record<string, string>, Partial<ReturnType<typeof readInputs>>]>([
    [{}, { mediaTypes: 'oci', smokeTest: [], smokeTestTimeout: 120, cacheMaxSize: undefined }],
    [{ 'media-types': 'Docker' }, { mediaTypes: 'docker', provenance: '' }],
    [
      { 'media-types': 'docker', provenance: 'false' },
      { mediaTypes: 'docker', provenance: 'false' }
    ],
    [
      { 'smoke-test': `sh -c 'uname -m'`, 'smoke-test-timeout': '30' },
      { smokeTest: ['sh', '-c', 'uname -m'], smokeTestTimeout: 30 }
    ],
    [{ 'cache-max-size': '10GB' }, { cacheMaxSize: 10e9 }]
  ])('%j', (values, expected) => {
    expect(readInputs(source({ ...TAG, ...values }), WORKSPACE)).toMatchObject(expected)
  })

  it('says why docker media types and provenance do not go together', () => {
    expect(problems({ 'media-types': 'docker', provenance: 'mode=max' })).toEqual([
      expect.stringMatching(/^media-types: docker cannot carry the provenance attestation .*OCI media types/)
    ])
  })
})

describe('parseByteSize', () => {
  it.each<[string, number]>([
    ['256MiB', 256 * 1024 * 1024],
    ['1GiB', 1024 ** 3],
    ['1 gib', 1024 ** 3],
    ['500MB', 500_000_000],
    ['1.5KiB', 1536],
    ['64kb', 64_000],
    ['1048576', 1048576],
    ['10b', 10],
    ['1.5 GB', 1.5e9],
    ['1TB', 1e12],
    ['2TiB', 2 * 1024 ** 4],
    ['100000kB', 100e6]
  ])('%s -> %d bytes', (value, bytes) => {
    expect(parseByteSize(value)).toBe(bytes)
  })

  it.each(['', 'MiB', '-1MiB', '0', '12 potatoes', '1e9', '10 GBs', 'ten GB', '1e30', '99999999 TiB'])(
    '%j is not a size',
    value => {
      expect(() => parseByteSize(value)).toThrow(/is not a size/)
    }
  )
})

describe('csvProblem: driver options as buildx reads them', () => {
  it.each<[string, string | undefined]>([
    ['image=moby/buildkit:v0.13.2', undefined],
    ['"env.NO_PROXY=a,b"', undefined],
    ['"env.A=say ""hi"""', undefined],
    ['env.A=say "hi"', 'the field env.A=say "hi" has a quote that does not open it'],
    ['"env.NO_PROXY=a,b', 'a quoted field is not closed'],
    ['"a"b', 'a quoted field goes on after its closing quote']
  ])('%s', (value, problem) => {
    expect(csvProblem(value)).toBe(problem)
  })
})

describe('the context and its Dockerfile', () => {
  const dir = (files: Record<string, string | Buffer>): string => {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'context-test-'))
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(made, name), content)
    return made
  }

  it.each<[string, Record<string, string | Buffer>, Record<string, string>, RegExp | undefined]>([
    ['Dockerfile in the context', { Dockerfile: 'FROM scratch\n' }, {}, undefined],
    ['dockerfile (lower case, which buildx also reads)', { dockerfile: 'FROM scratch\n' }, {}, undefined],
    [
      'no Dockerfile, but the file input names one',
      { 'app.Dockerfile': 'FROM scratch\n' },
      { file: 'app.Dockerfile' },
      undefined
    ],
    [
      'no Dockerfile at all',
      { 'main.go': 'package main\n' },
      {},
      /^context: "[^"]+" has no Dockerfile \(relative paths start at .*\); add one there, or set the file input to the Dockerfile$/
    ],
    [
      'a Dockerfile that is not one',
      { Dockerfile: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]) },
      {},
      /^context: "[^"]+\/Dockerfile" is not a Dockerfile: it holds NUL bytes/
    ]
  ])('%s', (_, files, values, refused) => {
    const context = dir(files)
    const file: Record<string, string> = values.file ? { file: path.join(context, values.file) } : {}
    const found = problems({ context, ...file })
    if (refused) expect(found).toEqual([expect.stringMatching(refused)])
    else expect(found).toEqual([])
  })

  it('a relative context starts at the working directory; a remote one is not looked into', () => {
    const work = dir({})
    fs.mkdirSync(path.join(work, 'app'))
    expect(() => readInputs(source({ ...TAG, context: 'app' }), work)).toThrow(
      /context: "app" has no Dockerfile/
    )
    fs.writeFileSync(path.join(work, 'app', 'Dockerfile'), 'FROM scratch\n')
    expect(readInputs(source({ ...TAG, context: 'app' }), work).context).toBe('app')
    expect(readInputs(source({ ...TAG, context: 'https://github.com/o/r.git#main' }), work).file).toBe('')
  })
})
