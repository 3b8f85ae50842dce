/**
 * The command line's merge command: its flags are merge/action.yml's inputs (generated, every one), its
 * --help lists them, a bad command line is refused before any request reaches a registry (naming the
 * flag), and a run is the merge action's own, with its outputs as JSON and dotenv.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { CLI_FLAGS, UsageError, parseArgs } from '../../src/cli/args.js'
import { runCli, type CliDeps } from '../../src/cli/command-line.js'
import { COMMANDS } from '../../src/cli/commands.js'
import { sha256Digest } from '../../src/oci/oci.js'
import { fakeRegistry, seedImage, seedIndex, type FakeRegistry } from './fake-registry.js'
import { FakeRunner } from './fake-runner.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const action = parseYaml(fs.readFileSync(path.join(ROOT, 'merge/action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}
const inputNames = Object.keys(action.inputs)
const SOURCE = 'r.example.com/app@sha256:' + 'a'.repeat(64)

function problemsOf(...argv: string[]): readonly string[] {
  try {
    parseArgs(['merge', ...argv], COMMANDS, 'build')
  } catch (error) {
    if (error instanceof UsageError) return error.problems
    throw error
  }
  throw new Error(`${argv.join(' ')} was accepted`)
}

describe('the merge flags', () => {
  it('no command line option is a merge input', () => {
    for (const flag of CLI_FLAGS) expect(inputNames).not.toContain(flag.name)
  })
})

describe('parseArgs for merge', () => {
  it.each<[string, string[], Record<string, string>]>([
    ['repeated sources', ['--sources', 'r/a@1', '--sources=r/a@2'], { sources: 'r/a@1\nr/a@2' }],
    ['comma tags', ['--tags=r/a:1,r/a:latest'], { tags: 'r/a:1,r/a:latest' }],
    ['repeated annotations', ['--annotations', 'a=1', '--annotations', 'b=2'], { annotations: 'a=1\nb=2' }],
    ['platforms', ['--platforms', 'linux/amd64,linux/arm64'], { platforms: 'linux/amd64,linux/arm64' }],
    ['registry flags', ['--insecure-registries=http://r:5000', '--ca-certs', 'r=/ca'], {}],
    ['login', ['--registry', 'r', '--username=u', '--password', 'p'], {}],
    ['an empty value', ['--platforms='], { platforms: '' }],
    ['a trailing --', ['--sources', 'r/a@1', '--'], { sources: 'r/a@1' }]
  ])('%s', (_name, argv, expected) => {
    const parsed = parseArgs(['merge', ...argv], COMMANDS, 'build')
    expect(parsed.command).toBe('merge')
    expect(Object.fromEntries(parsed.inputs)).toMatchObject(expected)
    expect(parsed.inputs.size).toBe(
      new Set(argv.filter(a => a.startsWith('--') && a !== '--').map(a => a.split('=')[0])).size
    )
  })

  it('every merge input is a flag', () => {
    for (const name of inputNames) {
      const value = ['true', 'false'].includes(action.inputs[name]?.default ?? '') ? 'true' : 'x'
      expect(problemsOf(`--${name}=${value}`, '--bogus')).toEqual([expect.stringMatching(/^--bogus:/)])
    }
  })

  it.each<[string, string[], RegExp]>([
    ['a build-only flag', ['--push=false'], /^--push: unknown flag/],
    ['mode', ['--mode=plan'], /^--mode: unknown flag/],
    [
      'a mistyped flag, with a suggestion',
      ['--source', 'r/a@1'],
      /^--source: unknown flag \(did you mean --sources\?\)/
    ],
    [
      'a repeated single-value flag',
      ['--username', 'a', '--username', 'b'],
      /^--username: given more than once/
    ],
    ['a missing value', ['--tags'], /^--tags: needs a value/],
    ['a source after --', ['--tags=r/a:1', '--', 'r/a@1'], /^r\/a@1: unexpected argument/],
    ['a short flag', ['-s', 'r/a@1'], /^-s: unknown flag/]
  ])('refuses %s, naming it', (_name, argv, message) => {
    expect(problemsOf(...argv)).toEqual([expect.stringMatching(message)])
  })
})

/** Collects what is written to process.stdout / process.stderr while `fn` runs. */
async function collected<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const stdout = process.stdout.write.bind(process.stdout)
  const stderr = process.stderr.write.bind(process.stderr)
  let out = ''
  let err = ''
  const into =
    (append: (text: string) => void): typeof process.stdout.write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString())
      const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
      callback?.()
      return true
    }
  process.stdout.write = into(text => (out += text))
  process.stderr.write = into(text => (err += text))
  try {
    return { value: await fn(), out, err }
  } finally {
    process.stdout.write = stdout
    process.stderr.write = stderr
  }
}

/** The command line with a fake runner; the action's environment is the process's, as in production. */
async function cli(argv: string[]) {
  const runner = new FakeRunner()
  let stdout = ''
  let stderr = ''
  const deps: CliDeps = {
    runner: () => runner,
    env: process.env,
    cwd: ROOT,
    signals: { on: () => process, off: () => process },
    main: { retryDelayMs: 1 },
    stdout: text => (stdout += text),
    stderr: text => (stderr += text)
  }
  const { value: status, out, err } = await collected(() => runCli(argv, deps))
  return { status, stdout: stdout + out, stderr: stderr + err, runner }
}

const saved = { ...process.env }
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key)
  Object.assign(process.env, saved)
})

describe('merge --help', () => {
  it('lists every merge input as a flag, its outputs and the options, and the commands', async () => {
    const { status, stdout, runner } = await cli(['merge', '--help'])
    expect(status).toBe(0)
    expect(stdout).toContain('Inputs of merge')
    for (const name of inputNames)
      expect(stdout).toMatch(new RegExp(`^  --${name}( ITEM| VALUE|\\[=true\\|false\\])`, 'm'))
    const flat = stdout.replace(/\s+/g, ' ')
    expect(flat).toMatch(
      / --sources ITEM Images to merge[^-]*Repeat the flag for more items\. Required\. --tags /
    )
    for (const name of Object.keys(action.outputs)) expect(stdout).toMatch(new RegExp(`^  ${name}, `, 'm'))
    for (const flag of CLI_FLAGS) expect(stdout).toContain(`  --${flag.name}`)
    expect(stdout).not.toContain('--mode')
    expect(stdout).not.toContain('--push')
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100)
    expect(runner.calls).toEqual([])
  })

  it('the top-level --help lists the commands and how to see one', async () => {
    const { stdout } = await cli(['--help'])
    const flat = stdout.replace(/\s+/g, ' ')
    expect(flat).toContain(
      ' Commands: build build a multi-platform image and push it, as the GitHub Action does (the default) merge merge images into one multi-platform index'
    )
    expect(stdout).toContain('multiarch-build-push COMMAND --help')
    expect(stdout).toContain('Inputs of build')
  })
})

describe('runCli merge', () => {
  let registry: FakeRegistry | undefined
  /** Two per-platform pushes by digest in the fake registry. */
  async function sources(): Promise<{
    registry: FakeRegistry
    refs: string[]
    images: Record<string, string>
  }> {
    registry = await fakeRegistry({ mounts: true })
    const images: Record<string, string> = {}
    const refs = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' }
    ].map(platform => {
      const image = seedImage(registry as FakeRegistry, 'ci/app', platform)
      images[`linux/${platform.architecture}`] = image.digest
      const { digest } = seedIndex(registry as FakeRegistry, 'ci/app', platform.architecture, [
        { image, platform }
      ])
      return `${(registry as FakeRegistry).server.host}/ci/app@${digest}`
    })
    return { registry, refs, images }
  }

  it.each<[string, string[], string]>([
    ['no sources', ['--tags=TAG'], 'sources'],
    ['a source that is no reference', ['--sources=not a reference', '--tags=TAG'], 'sources'],
    ['a tag with a digest', ['--sources=SRC', `--tags=${SOURCE}`], 'tags'],
    ['no tags', ['--sources=SRC'], 'tags'],
    ['a bad annotation', ['--sources=SRC', '--tags=TAG', '--annotations=no-equals'], 'annotations'],
    ['a platform twice', ['--sources=SRC', '--tags=TAG', '--platforms=linux/amd64,linux/amd64'], 'platforms'],
    ['a bad platform', ['--sources=SRC', '--tags=TAG', '--platforms=linux'], 'platforms'],
    [
      'a username without password',
      ['--sources=SRC', '--tags=TAG', '--username=u', '--registry=r'],
      'password'
    ],
    [
      'a bad insecure registry',
      ['--sources=SRC', '--tags=TAG', '--insecure-registries=ftp://r'],
      'insecure-registries'
    ],
    ['a bad ca-certs line', ['--sources=SRC', '--tags=TAG', '--ca-certs=no-host'], 'ca-certs'],
    ['an unknown flag', ['--sources=SRC', '--tags=TAG', '--push'], 'push']
  ])('refuses %s before any request, naming the flag', async (_name, argv, flag) => {
    const { refs } = await sources()
    const host = registry?.server.host ?? ''
    const args = argv.map(a => a.replace('=SRC', `=${refs[0] ?? ''}`).replace('=TAG', `=${host}/ci/app:1`))
    const result = await cli(['merge', ...args])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(new RegExp(`^multiarch-build-push: --${flag}: `, 'm'))
    expect(result.stdout).toBe('')
    expect(registry?.server.log()).toEqual([])
    expect(result.runner.calls).toEqual([])
  })

  it('runs the merge action: the index under the tag, its digest as JSON and dotenv, no temporary file left', async () => {
    const { refs, images } = await sources()
    const host = registry?.server.host ?? ''
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-merge-'))
    process.env.TMPDIR = tmp
    const dotenv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'out-')), 'm.env')
    const result = await cli([
      'merge',
      ...refs.flatMap(ref => ['--sources', ref]),
      `--tags=${host}/ci/merged:1`,
      '--platforms=linux/arm64,linux/amd64',
      '--annotations=org.opencontainers.image.title=merged',
      '--json',
      `--dotenv=${dotenv}`
    ])
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.status).toBe(0)
    const stored = registry?.manifests.get('ci/merged:1')
    if (!stored) throw new Error('no index under ci/merged:1')
    const digest = sha256Digest(stored.raw)
    const json = JSON.parse(result.stdout) as Record<string, unknown>
    expect(json).toEqual({ digest, 'platform-digests': images, 'signature-verify-command': '' })
    expect(fs.readFileSync(dotenv, 'utf8')).toBe(
      `DIGEST=${digest}\nPLATFORM_DIGESTS=${JSON.stringify(images)}\nSIGNATURE_VERIFY_COMMAND=\n`
    )
    expect(JSON.parse(stored.raw.toString())).toMatchObject({
      annotations: { 'org.opencontainers.image.title': 'merged' }
    })
    expect(result.stderr).toContain('==> Merge 2 sources')
    expect(result.stderr).toContain(`done: ${digest}`)
    expect(result.stderr).not.toMatch(/^::/m)
    expect(fs.readdirSync(tmp)).toEqual([])
    expect(result.runner.calls).toEqual([])
  })

  it('a failing merge: exit 1, the error on stderr, nothing on stdout, nothing pushed', async () => {
    const { refs } = await sources()
    const host = registry?.server.host ?? ''
    const result = await cli([
      'merge',
      ...refs.flatMap(ref => ['--sources', ref]),
      `--tags=${host}/ci/merged:1`,
      '--platforms=linux/amd64',
      '--json'
    ])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^error: .*linux\/arm64/m)
    expect(result.stdout).toBe('')
    expect(registry?.writes()).toEqual([])
  })
})
