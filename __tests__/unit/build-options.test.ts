/**
 * The build-push-action inputs: what each becomes on buildx's command line (input -> argv, through the
 * same readInputs and buildCommand the action runs), the list syntax they share, and that secret values
 * never reach argv or an error message.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { buildCommand } from '../../src/buildx/build.js'
import {
  SECRET_ENV_PREFIX,
  attestType,
  entitlementFlags,
  evaluates,
  minimumBuildx,
  type BuildOptionSettings
} from '../../src/buildx/build-options.js'
import { gitAuthSecret, parseSecrets } from '../../src/inputs/build-option-inputs.js'
import { parseList } from '../../src/inputs/option-values.js'
import { readInputs } from '../../src/inputs/inputs.js'
import { InputError } from '../../src/inputs/table.js'
import { parseImageStore } from '../../src/docker/engine.js'
import { hintsFor } from '../../src/buildx/output.js'
import { BUILD_SETTINGS, WORKSPACE } from './defaults.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-options-test-'))
const KEY = path.join(dir, 'id_ed25519')
const SECRET_FILE = path.join(dir, 'token.txt')
fs.writeFileSync(KEY, 'not a real key\n')
fs.writeFileSync(SECRET_FILE, 'file secret\n')
const ENV = {
  SSH_AUTH_SOCK: '/run/agent.sock',
  NPM_TOKEN: 'from-env',
  GITHUB_SERVER_URL: 'https://github.com'
}
const TAG = 'registry.example.com/team/app:1.0'

function read(values: Record<string, string>, env: NodeJS.ProcessEnv = ENV): ReturnType<typeof readInputs> {
  return readInputs(name => ({ tags: TAG, ...values })[name] ?? '', WORKSPACE, env)
}

/** The arguments between the common head (up to the tag, when not pushed) and `--metadata-file` for these inputs. */
function extraArgs(values: Record<string, string>): string[] {
  const inputs = read(values)
  const { args } = buildCommand({
    builder: 'b1',
    metadataFile: '/tmp/m.json',
    settings: inputs,
    progress: 'plain'
  })
  // A push goes by digest, with no --tag: the head then ends at the progress flag.
  const head = args.includes(TAG) ? args.indexOf(TAG) : args.indexOf('--progress=plain')
  return args.slice(head + 1, args.indexOf('--metadata-file'))
}

describe('each input -> argv', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['secret-files', { 'secret-files': `npmrc=${SECRET_FILE}` }, ['--secret', `id=npmrc,src=${SECRET_FILE}`]],
    [
      'secret-files: a path with a comma is one quoted CSV field',
      { 'secret-files': `a=${SECRET_FILE}` },
      ['--secret', `id=a,src=${SECRET_FILE}`]
    ],
    [
      'secret-envs, comma separated',
      { 'secret-envs': 'npm=NPM_TOKEN, other=NPM_TOKEN' },
      ['--secret', 'id=npm,env=NPM_TOKEN', '--secret', 'id=other,env=NPM_TOKEN']
    ],
    ['ssh default', { ssh: 'default' }, ['--ssh', 'default']],
    ['ssh with keys', { ssh: `github=${KEY},${KEY}` }, ['--ssh', `github=${KEY},${KEY}`]],
    [
      'build-contexts',
      {
        'build-contexts': 'base=docker-image://alpine:3.20\nsrc=.\nrepo=https://github.com/o/r.git#main'
      },
      [
        '--build-context',
        'base=docker-image://alpine:3.20',
        '--build-context',
        'src=.',
        '--build-context',
        'repo=https://github.com/o/r.git#main'
      ]
    ],
    [
      'annotations, metadata-action style, with levels and commas in values',
      {
        annotations:
          'manifest:org.opencontainers.image.description=An app, with commas\nindex:org.opencontainers.image.title=app\n' +
          'org.opencontainers.image.version=1.0\nmanifest[linux/amd64]:com.example.arch=x86\nindex,manifest:a.b=c'
      },
      [
        '--annotation',
        'manifest:org.opencontainers.image.description=An app, with commas',
        '--annotation',
        'index:org.opencontainers.image.title=app',
        '--annotation',
        'org.opencontainers.image.version=1.0',
        '--annotation',
        'manifest[linux/amd64]:com.example.arch=x86',
        '--annotation',
        'index,manifest:a.b=c'
      ]
    ],
    ['sbom true', { sbom: 'true' }, ['--sbom=true']],
    [
      'sbom generator',
      { sbom: 'generator=127.0.0.1:5000/tools/scanner:1' },
      ['--sbom=generator=127.0.0.1:5000/tools/scanner:1']
    ],
    [
      'attests',
      { attests: 'type=sbom,generator=r.io/scanner:1\ntype=provenance,mode=max' },
      ['--attest', 'type=sbom,generator=r.io/scanner:1', '--attest', 'type=provenance,mode=max']
    ],
    [
      'attests: the sbom input wins over a type=sbom line',
      { sbom: 'false', attests: 'type=sbom' },
      ['--sbom=false']
    ],
    [
      'outputs',
      { outputs: 'type=local,dest=out\ntype=oci,dest=img.tar' },
      ['--output', 'type=local,dest=out', '--output', 'type=oci,dest=img.tar']
    ],
    ['outputs: a bare directory', { outputs: 'out/dir' }, ['--output', 'out/dir']],
    ['load', { load: 'true', push: 'false' }, ['--load']],
    [
      'add-hosts host:ip and host=ip, IPv6, host-gateway',
      { 'add-hosts': 'registry.corp:10.0.0.5, v6.corp:fd00::1\ngw=host-gateway' },
      [
        '--add-host',
        'registry.corp=10.0.0.5',
        '--add-host',
        'v6.corp=fd00::1',
        '--add-host',
        'gw=host-gateway'
      ]
    ],
    ['shm-size', { 'shm-size': '2g' }, ['--shm-size', '2g']],
    [
      'ulimit',
      { ulimit: 'nofile=1024:4096\nnproc=-1' },
      ['--ulimit', 'nofile=1024:4096', '--ulimit', 'nproc=-1']
    ],
    ['cgroup-parent', { 'cgroup-parent': '/actions_job' }, ['--cgroup-parent', '/actions_job']],
    [
      'allow, duplicates dropped',
      { allow: 'network.host,security.insecure\nnetwork.host' },
      ['--allow', 'network.host', '--allow', 'security.insecure']
    ],
    [
      'no-cache-filters',
      { 'no-cache-filters': 'deps,build' },
      ['--no-cache-filter', 'deps', '--no-cache-filter', 'build']
    ],
    ['call: build is a normal build', { call: 'build' }, []],
    [
      'call: check drops every export',
      { call: 'check', outputs: 'type=local,dest=out', load: 'true' },
      ['--call=check']
    ],
    ['call with options', { call: 'check,ignorestatus=true' }, ['--call=check,ignorestatus=true']],
    [
      'github-token for a Git context on the server',
      { context: 'https://github.com/o/r.git#main', 'github-token': 'ghs_token' },
      ['--secret', `id=GIT_AUTH_TOKEN.github.com,env=${SECRET_ENV_PREFIX}0`]
    ],
    ['github-token with a local context: not passed', { 'github-token': 'ghs_token' }, []]
  ])('%s', (_name, values, expected) => {
    expect(extraArgs(values)).toEqual(expected)
  })

  it('call: check neither pushes nor needs tags', () => {
    const inputs = readInputs(name => ({ call: 'check' })[name] ?? '', WORKSPACE, ENV)
    const { args } = buildCommand({ builder: 'b1', metadataFile: '/m', settings: inputs, progress: 'plain' })
    expect(args).not.toContain('--push')
    expect(args).not.toContain('--output')
  })

  it('network: host with allow: network.host passes the entitlement once', () => {
    const inputs = read({ network: 'host', allow: 'network.host' })
    const { args } = buildCommand({ builder: 'b1', metadataFile: '/m', settings: inputs, progress: 'plain' })
    expect(args.filter(a => a === 'network.host')).toHaveLength(1)
  })

  it('provenance input wins over a type=provenance line of attests', () => {
    expect(extraArgs({ provenance: 'mode=max', attests: 'type=provenance,mode=min\ntype=sbom' })).toEqual([
      '--provenance=mode=max',
      '--attest',
      'type=sbom'
    ])
  })
})

describe('secrets', () => {
  const values = { secrets: 'NPM_TOKEN=s3cr3t-npm\n"GPG_KEY=line one\nline, two"\nWITH_EQ=a=b' }

  it('reach buildx through its environment, never argv', () => {
    const inputs = read(values)
    const { args, env } = buildCommand({
      builder: 'b1',
      metadataFile: '/m',
      settings: inputs,
      progress: 'plain'
    })
    expect(args.join(' ')).not.toMatch(/s3cr3t|line one|line, two|a=b/)
    expect(args.filter((_, i) => args[i - 1] === '--secret')).toEqual([
      `id=NPM_TOKEN,env=${SECRET_ENV_PREFIX}0`,
      `id=GPG_KEY,env=${SECRET_ENV_PREFIX}1`,
      `id=WITH_EQ,env=${SECRET_ENV_PREFIX}2`
    ])
    expect(env).toEqual({
      [`${SECRET_ENV_PREFIX}0`]: 's3cr3t-npm',
      [`${SECRET_ENV_PREFIX}1`]: 'line one\nline, two',
      [`${SECRET_ENV_PREFIX}2`]: 'a=b'
    })
  })

  it('a bad entry is reported by position, without its text', () => {
    try {
      read({ secrets: 'GOOD=x\nhunter2-no-id' })
      throw new Error('not rejected')
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).problems[0]).toMatch(/^secrets: entry 2 /)
      expect((error as Error).message).not.toContain('hunter2')
    }
  })

  it.each<[string, Record<string, string>, string[]]>([
    ['secrets', { secrets: 'EMPTY=\nKEPT=x\n"QUOTED="' }, [`id=KEPT,env=${SECRET_ENV_PREFIX}0`]],
    ['secret-files', { 'secret-files': `EMPTY=\nkept=${SECRET_FILE}` }, [`id=kept,src=${SECRET_FILE}`]],
    ['secret-envs', { 'secret-envs': 'EMPTY=, kept=NPM_TOKEN' }, ['id=kept,env=NPM_TOKEN']]
  ])('%s: an entry with an empty value is left out, the others are kept', (_name, values, secrets) => {
    const args = extraArgs(values)
    expect(args.filter((_, i) => args[i - 1] === '--secret')).toEqual(secrets)
  })

  it('the warnings name the id of each empty entry, never another entry’s value', () => {
    const { warnings } = read({
      secrets: 'A=\nB=hunter2',
      'secret-files': ' C = ',
      'secret-envs': 'D=NPM_TOKEN,E='
    })
    expect(warnings.map(w => w.slice(0, w.indexOf(' has')))).toEqual([
      'secrets: A',
      'secret-files: C',
      'secret-envs: E'
    ])
    expect(warnings.join('\n')).not.toContain('hunter2')
  })

  it('an explicit GIT_AUTH_TOKEN secret wins over github-token', () => {
    const secrets = parseSecrets('GIT_AUTH_TOKEN=mine')
    expect(
      gitAuthSecret({
        token: 't',
        serverUrl: 'https://github.com',
        sources: ['https://github.com/o/r.git'],
        secrets
      })
    ).toBeUndefined()
  })

  it.each<[string, string, string | undefined]>([
    ['https://github.com/o/r.git', 'https://github.com', 'GIT_AUTH_TOKEN.github.com'],
    ['git@github.com:o/r.git', 'https://github.com', 'GIT_AUTH_TOKEN.github.com'],
    ['https://ghe.corp/o/r.git', 'https://ghe.corp', 'GIT_AUTH_TOKEN.ghe.corp'],
    ['https://gitlab.com/o/r.git', 'https://github.com', undefined],
    ['https://github.com.evil.example/o/r.git', 'https://github.com', undefined],
    ['.', 'https://github.com', undefined]
  ])('github-token with context %s on %s -> %s', (source, serverUrl, id) => {
    expect(gitAuthSecret({ token: 't', serverUrl, sources: [source], secrets: [] })?.id).toBe(id)
  })
})

describe('parseList (build-push-action list syntax)', () => {
  it.each<[string, boolean, string[]]>([
    ['a\nb\n\n', false, ['a', 'b']],
    ['a,b\nc', false, ['a,b', 'c']],
    ['a, b\nc', true, ['a', 'b', 'c']],
    ['"x=1,2"\ny', true, ['x=1,2', 'y']],
    ['"K=line 1\nline 2"\nL=3', false, ['K=line 1\nline 2', 'L=3']],
    ['"say ""hi"""', false, ['say "hi"']],
    ['K="quoted inside"', false, ['K="quoted inside"']],
    ['', false, []]
  ])('%j (commas: %s)', (value, commas, expected) => {
    expect(parseList(value, commas)).toEqual(expected)
  })
})

describe('helpers', () => {
  it.each<[string, boolean]>([
    ['', false],
    ['build', false],
    ['check', true],
    ['outline,format=json', true],
    ['targets', true]
  ])('evaluates(%j) = %s', (call, expected) => {
    expect(evaluates(call)).toBe(expected)
  })

  it.each<[string, string]>([
    ['type=sbom,generator=x', 'sbom'],
    ['generator=x, type=provenance', 'provenance'],
    ['mode=max', '']
  ])('attestType(%j) = %j', (attest, type) => {
    expect(attestType(attest)).toBe(type)
  })

  it.each<[Partial<BuildOptionSettings>, string, string]>([
    [{}, '0.10.0', ''],
    [{ annotations: ['a=b'] }, '0.12.0', 'annotations'],
    [{ call: 'check', annotations: ['a=b'] }, '0.15.0', 'call']
  ])('minimumBuildx(%j) = %s for %j', (options, version, input) => {
    expect(minimumBuildx({ ...BUILD_SETTINGS.buildOptions, ...options })).toEqual({ version, input })
  })

  const build = (allow: string[], more: { hostNetwork?: boolean; network?: string } = {}) => ({
    hostNetwork: false,
    network: '',
    allow,
    ...more
  })
  it.each<[string, ReturnType<typeof build>, string]>([
    ['', build([]), ''],
    ['--debug', build(['security.insecure']), '--debug --allow-insecure-entitlement security.insecure'],
    ['', build(['network.host', 'device']), '--allow-insecure-entitlement network.host'],
    [
      '--allow-insecure-entitlement security.insecure',
      build(['security.insecure']),
      '--allow-insecure-entitlement security.insecure'
    ],
    ['--debug', build([], { hostNetwork: true }), '--debug --allow-insecure-entitlement network.host'],
    ['', build([], { network: 'host' }), '--allow-insecure-entitlement network.host'],
    ['', build([], { network: 'none' }), ''],
    [
      '--allow-insecure-entitlement network.host',
      build(['network.host'], { hostNetwork: true }),
      '--allow-insecure-entitlement network.host'
    ]
  ])('entitlementFlags(%j, %j)', (flags, given, expected) => {
    expect(entitlementFlags(flags, given)).toBe(expected)
  })
})

describe('engine and hints', () => {
  it.each<[string, { driver: string; containerd: boolean }]>([
    ['overlayfs|[["driver-type","io.containerd.snapshotter.v1"]]', { driver: 'overlayfs', containerd: true }],
    [
      'overlay2|[["Backing Filesystem","extfs"],["Supports d_type","true"]]',
      { driver: 'overlay2', containerd: false }
    ],
    ['overlay2|null', { driver: 'overlay2', containerd: false }],
    ['', { driver: '', containerd: false }]
  ])('parseImageStore(%j)', (output, expected) => {
    expect(parseImageStore(output)).toEqual(expected)
  })

  it('BuildKit without the lint subrequest: the hint names buildkit-image', () => {
    const hints = hintsFor('ERROR: failed to solve: unsupported request frontend.lint')
    expect(hints.map(h => h.title)).toEqual(['BuildKit too old for call'])
    expect(hints[0]?.message).toContain('buildkit-image')
  })
})
