/**
 * The command line: flags parsed from argv (table cases), --help generated from action.yml, a bad command
 * line refused before any command runs (naming the flag), and the outputs as JSON and dotenv.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { MERGE_INPUTS, OUTPUTS, VERSION } from '../../src/inputs/action-spec.js'
import { CLI_FLAGS, UsageError, parseArgs, problemForFlag, type ParsedArgs } from '../../src/cli/args.js'
import { CancellableRunner } from '../../src/cli/build-command.js'
import { runCli, type CliDeps } from '../../src/cli/command-line.js'
import { COMMANDS } from '../../src/cli/commands.js'
import { helpText } from '../../src/cli/help.js'
import { dotenvKey, formatDotenv, formatJson } from '../../src/cli/print-outputs.js'
import { BAD_INPUTS } from './bad-inputs.js'
import { WORKSPACE } from './defaults.js'
import { FakeRunner } from './fake-runner.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}
const inputNames = Object.keys(action.inputs)

function parse(...argv: string[]): ParsedArgs {
  return parseArgs(argv, COMMANDS, 'build')
}

function inputsOf(...argv: string[]): Record<string, string> {
  return Object.fromEntries(parse(...argv).inputs)
}

function problemsOf(...argv: string[]): readonly string[] {
  try {
    parse(...argv)
  } catch (error) {
    if (error instanceof UsageError) return error.problems
    throw error
  }
  throw new Error(`${argv.join(' ')} was accepted`)
}

describe('the command line flags', () => {
  it('no command line option is an input', () => {
    for (const flag of CLI_FLAGS) expect(inputNames).not.toContain(flag.name)
  })
})

describe('parseArgs', () => {
  it.each<[string, string[], Record<string, string>]>([
    ['--name value', ['--target', 'release'], { target: 'release' }],
    ['--name=value', ['--target=release'], { target: 'release' }],
    ['a value holding =', ['--build-args=A=b=c'], { 'build-args': 'A=b=c' }],
    ['an empty value', ['--file='], { file: '' }],
    ['an empty value, apart', ['--file', ''], { file: '' }],
    ['an empty list item', ['--tags=', '--tags', 'r/a:1'], { tags: '\nr/a:1' }],
    ['a value starting with a dash', ['--buildkitd-flags', '-debug'], { 'buildkitd-flags': '-debug' }],
    ['a value starting with --, inline', ['--buildkitd-flags=--debug'], { 'buildkitd-flags': '--debug' }],
    ['a lone dash as a value', ['--file', '-'], { file: '-' }],
    ['a bare boolean', ['--no-cache'], { 'no-cache': 'true' }],
    ['--push=false', ['--push=false'], { push: 'false' }],
    ['--push false', ['--push', 'false', '--pull'], { push: 'false', pull: 'true' }],
    ['--push TRUE', ['--push', 'TRUE'], { push: 'true' }],
    ['a comma list', ['--platforms=linux/amd64,linux/arm64'], { platforms: 'linux/amd64,linux/arm64' }],
    [
      'a repeated list flag',
      ['--tags', 'r/a:1', '--tags=r/a:latest', '--platforms', 'linux/amd64'],
      { tags: 'r/a:1\nr/a:latest', platforms: 'linux/amd64' }
    ],
    [
      'repeated ca-certs',
      ['--ca-certs', 'a:1=/ca1', '--ca-certs', 'b=/ca2'],
      { 'ca-certs': 'a:1=/ca1\nb=/ca2' }
    ],
    ['the command named', ['build', '--context', 'app'], { context: 'app' }],
    ['-- ending the flags', ['--target', 'a', '--'], { target: 'a' }],
    ['nothing', [], {}]
  ])('%s', (_name, argv, expected) => {
    expect(inputsOf(...argv)).toEqual(expected)
  })

  it('every input of action.yml is a flag', () => {
    for (const name of inputNames)
      expect(problemsOf(`--${name}=true`, '--bogus')).toEqual([expect.stringMatching(/^--bogus:/)])
  })

  it('reads the options of the command line itself', () => {
    expect(parse('--json', '--dotenv', 'out.env', '--debug')).toMatchObject({
      command: 'build',
      json: true,
      dotenv: 'out.env',
      debug: true,
      help: false
    })
    expect(parse('-h').help).toBe(true)
    expect(parse('--help').help).toBe(true)
    expect(parse('--version').version).toBe(true)
    expect(parse('-V').version).toBe(true)
    expect(parse('--version=false', '--help=false')).toMatchObject({ version: false, help: false })
    expect(parse('merge', '-h')).toMatchObject({ command: 'merge', help: true })
    expect(parse('--json=false').json).toBe(false)
    expect(parse('--dotenv=x.env').inputs.size).toBe(0)
  })

  it.each<[string, string[], RegExp]>([
    [
      'an unknown flag, with a suggestion',
      ['--tag', 'r/a:1'],
      /^--tag: unknown flag \(did you mean --tags\?\)/
    ],
    ['an unknown flag', ['--frobnicate'], /^--frobnicate: unknown flag; run with --help/],
    ['a bad boolean', ['--push=maybe'], /^--push: "maybe" is not a boolean/],
    ['a bad boolean (1)', ['--no-cache=1'], /^--no-cache: "1" is not a boolean/],
    ['a missing value', ['--tags'], /^--tags: needs a value/],
    ['a flag where the value should be', ['--context', '--push'], /^--context: needs a value/],
    ['a repeated single-value flag', ['--target', 'a', '--target', 'b'], /^--target: given more than once/],
    ['a stray word', ['--target', 'a', 'b'], /^b: unexpected argument/],
    ['a short flag', ['-p', 'linux/amd64'], /^-p: unknown flag; run with --help/],
    ['a group of short flags', ['-pq'], /^-p: unknown flag; run with --help/],
    ['a short flag beside -h', ['-hx'], /^-x: unknown flag/],
    [
      'an unknown flag with a value inline',
      ['--tag=r/a:1'],
      /^--tag: unknown flag \(did you mean --tags\?\)/
    ],
    ['a word after --', ['--target', 'a', '--', '--push'], /^--push: unexpected argument/],
    ['-- where a value should be', ['--target', '--'], /^--target: needs a value/],
    ['an empty boolean', ['--push='], /^--push: "" is not a boolean/],
    ['a repeated boolean', ['--push', '--push=false'], /^--push: given more than once/],
    ['a repeated option', ['--json', '--json'], /^--json: given more than once/],
    ['a missing dotenv file', ['--dotenv'], /^--dotenv: needs a value/],
    ['an unknown command', ['deploy'], /^deploy: unknown command; the commands are build/],
    ['an empty dotenv file name', ['--dotenv='], /^--dotenv: needs a file name/]
  ])('refuses %s, naming it', (_name, argv, message) => {
    expect(problemsOf(...argv)).toEqual([expect.stringMatching(message)])
  })

  it('reports every problem at once', () => {
    expect(problemsOf('--push=maybe', '--nope', '--tags')).toHaveLength(3)
    expect(problemsOf('--', 'a', 'b')).toEqual([
      expect.stringMatching(/^a: unexpected/),
      expect.stringMatching(/^b: unexpected/)
    ])
  })

  it('keeps the value of a mistyped flag out of the message', () => {
    expect(problemsOf('--pasword=s3cret', '--usernme', 's3cret').join('\n')).not.toContain('s3cret')
  })

  it('words input problems with their flag', () => {
    const build = COMMANDS[0]
    if (!build) throw new Error('no build command')
    expect(problemForFlag('push: "x" is not a boolean', build)).toBe('--push: "x" is not a boolean')
    expect(problemForFlag('something else: x', build)).toBe('something else: x')
  })
})

describe('--help', () => {
  const build = COMMANDS[0]
  if (!build) throw new Error('no build command')
  const help = helpText(build, COMMANDS, VERSION)

  it('lists every input of action.yml as a flag, and every output', () => {
    for (const name of inputNames) expect(help).toMatch(new RegExp(`^  --${name}[ =[]`, 'm'))
    for (const name of Object.keys(action.outputs)) expect(help).toMatch(new RegExp(`^  ${name}, `, 'm'))
    for (const flag of CLI_FLAGS) expect(help).toContain(`  --${flag.name}`)
  })

  it('shows the defaults and keeps within 100 columns except for long unbreakable words', () => {
    expect(help).toContain('Default: linux/amd64,linux/arm64')
    for (const line of help.split('\n'))
      if (!line.includes('://')) expect(line.length).toBeLessThanOrEqual(100)
  })
})

describe('README', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')

  it('runs the command line only with flags it has', () => {
    const joined = readme.replace(/\\\n\s*/g, ' ') // shell line continuations
    const commands = [...joined.matchAll(/^multiarch-build-push .*$/gm)].map(m => m[0])
    expect(commands.length).toBeGreaterThan(0)
    expect(commands.some(c => c.startsWith('multiarch-build-push merge '))).toBe(true)
    for (const command of commands) {
      const argv = command.split(/\s+/).slice(1)
      expect(() => parse(...argv)).not.toThrow()
    }
  })

  it('gives GitLab jobs MULTIARCH_* variables of real inputs (of the build or the merge) only', () => {
    const variables = [...readme.matchAll(/\bMULTIARCH_([A-Z_]+)\b/g)].map(m => m[1] ?? '')
    expect(variables.length).toBeGreaterThan(5)
    const known = [...inputNames, ...MERGE_INPUTS.map(i => i.name)]
    expect(variables).toContain('SOURCES')
    for (const name of variables.filter(n => n !== 'CLI'))
      expect([name, known.includes(name.toLowerCase().replace(/_/g, '-'))]).toEqual([name, true])
  })
})

/** The command line with a fake runner and captured stdout/stderr. */
async function cli(
  argv: string[]
): Promise<{ status: number; stdout: string; stderr: string; runner: FakeRunner }> {
  const runner = new FakeRunner()
  let stdout = ''
  let stderr = ''
  const deps: CliDeps = {
    runner: () => runner,
    env: {},
    cwd: WORKSPACE,
    signals: { on: () => process, off: () => process },
    stdout: text => {
      stdout += text
    },
    stderr: text => {
      stderr += text
    }
  }
  const status = await runCli(argv, deps)
  return { status, stdout, stderr, runner }
}

describe('runCli refuses a bad command line before any command runs', () => {
  it.each(BAD_INPUTS)('--%s %j', async (input, values) => {
    const flags = Object.entries({ tags: 'r.example.com/a:1', ...values }).map(([k, v]) => `--${k}=${v}`)
    const result = await cli(flags)
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(new RegExp(`^multiarch-build-push: --${input}: `, 'm'))
    expect(result.stdout).toBe('')
    expect(result.runner.calls).toEqual([])
  })

  it('a hint in the words of the command line: flags, never an input the command line refuses', async () => {
    const result = await cli(['--cache', 'registry', '--push=false'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(
      'multiarch-build-push: --cache: registry keeps the cache next to the first tag, and no tag is given: set --tags, ' +
        'or name the cache yourself in --cache-to and --cache-from (type=registry,ref=REPOSITORY:buildcache)'
    )
    expect(result.stderr).not.toContain('gha')
    const noTag = await cli(['--platforms', 'linux/amd64'])
    expect(noTag.stderr).toContain('no tag is given; set --tags, e.g. registry.example.com/team/app:1.0')
    expect([...result.runner.calls, ...noTag.runner.calls]).toEqual([])
  })

  it('an unknown flag', async () => {
    const result = await cli(['--tags', 'r.example.com/a:1', '--plattforms', 'linux/amd64'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--plattforms: unknown flag (did you mean --platforms?)')
    expect(result.runner.calls).toEqual([])
  })

  it('--help and --version print to stdout and run nothing', async () => {
    const help = await cli(['--help'])
    expect(help.status).toBe(0)
    for (const name of inputNames) expect(help.stdout).toContain(`--${name}`)
    const version = await cli(['--version'])
    expect(version.stdout).toBe(`${VERSION}\n`)
    expect([...help.runner.calls, ...version.runner.calls]).toEqual([])
  })
})

describe('outputs', () => {
  const digests = { 'linux/amd64': 'sha256:aa', 'linux/arm64': 'sha256:bb' }
  const values = {
    digest: 'sha256:ii',
    'platform-digests': JSON.stringify(digests),
    metadata: JSON.stringify({ 'containerimage.digest': 'sha256:ii', 'buildx.build.ref': 'b/b0/x' }),
    'builder-name': 'multiarch-1234',
    'emulated-platforms': 'linux/arm64',
    imageid: 'sha256:ii'
  }

  it('prints JSON with JSON outputs nested and every output present', () => {
    const json = JSON.parse(formatJson(OUTPUTS, values)) as Record<string, unknown>
    expect(json).toEqual({
      digest: 'sha256:ii',
      'platform-digests': digests,
      metadata: { 'containerimage.digest': 'sha256:ii', 'buildx.build.ref': 'b/b0/x' },
      'builder-name': 'multiarch-1234',
      'emulated-platforms': 'linux/arm64',
      imageid: 'sha256:ii',
      'smoke-results': '',
      'signature-verify-command': ''
    })
    expect(
      JSON.parse(formatJson(OUTPUTS, { 'smoke-results': '{"linux/arm64":{"passed":true}}' }))
    ).toMatchObject({ 'smoke-results': { 'linux/arm64': { passed: true } } })
    expect(JSON.parse(formatJson(OUTPUTS, {}))).toMatchObject({ digest: '', 'platform-digests': '' })
  })

  it('writes dotenv as GitLab reads it: capital keys, one line each, no quotes, no metadata', () => {
    expect(formatDotenv(OUTPUTS, values)).toBe(
      [
        'DIGEST=sha256:ii',
        `PLATFORM_DIGESTS={"linux/amd64":"sha256:aa","linux/arm64":"sha256:bb"}`,
        'BUILDER_NAME=multiarch-1234',
        'EMULATED_PLATFORMS=linux/arm64',
        'IMAGEID=sha256:ii',
        'SIGNATURE_VERIFY_COMMAND=',
        ''
      ].join('\n')
    )
    expect(dotenvKey('platform-digests')).toBe('PLATFORM_DIGESTS')
    expect(() => formatDotenv(OUTPUTS, { digest: 'a\nb' })).toThrow(/digest spans several lines/)
  })
})

describe('CancellableRunner', () => {
  it('knows the commands still running', async () => {
    let finish: () => void = () => undefined
    const slow = new Promise<void>(resolve => {
      finish = resolve
    })
    const runner = new CancellableRunner({
      run: async () => {
        await slow
        return { exitCode: 0, stdout: '', stderr: '' }
      }
    })
    const create = runner.run('docker', ['buildx', 'create', '--name', 'b'])
    expect(runner.inFlight).toEqual([['buildx', 'create', '--name', 'b']])
    finish()
    await create
    expect(runner.inFlight).toEqual([])
  })

  it('runs commands until cancelled, then starts none', async () => {
    const inner = new FakeRunner()
    const runner = new CancellableRunner(inner)
    expect((await runner.run('docker', ['version'])).exitCode).toBe(0)
    runner.cancel()
    const after = await runner.run('docker', ['buildx', 'build'])
    expect(after.exitCode).toBe(130)
    expect(inner.lines()).toEqual(['docker version'])
    expect(runner.inFlight).toEqual([])
  })
})
