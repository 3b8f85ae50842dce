/**
 * One run with a fake command runner, what the user gives it: invalid inputs stop everything before any
 * command runs; secrets are masked; the login goes to the run's own docker config; a failure carries the
 * inputs for its hints.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../../src/inputs/table.js'
import { runMain } from '../../src/run/main.js'
import { reportFailure, RunError } from '../../src/run/outputs.js'
import { BUILD_FIELDS } from '../../src/inputs/fields.js'
import { maskSecrets } from '../../src/inputs/masks.js'
import { commands } from '../stdout.js'
import { BAD_INPUTS } from './bad-inputs.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner, docker } from './fake-runner.js'
import { DIGEST, deps, dockerRunner, freshWorkDir, workDir } from './main-fixtures.js'

beforeEach(freshWorkDir)

describe('runMain: inputs checked before any command', () => {
  it.each(BAD_INPUTS)('%s %j: fails before running any command', async (input, values) => {
    const runner = new FakeRunner()
    const run = runMain(deps(runner, { tags: 'r.example.com/a:1', ...values }))
    await expect(run).rejects.toBeInstanceOf(InputError)
    await expect(run).rejects.toThrow(new RegExp(`- ${input}: `))
    expect(runner.calls).toEqual([])
  })

  it.each<[string, Record<string, string>]>([
    ['push without tags', {}],
    // the fixture's binfmt_misc has aarch64 and arm, not riscv64
    [
      'qemu: false with a platform whose emulator is missing',
      { tags: 'r.example.com/a:1', qemu: 'false', platforms: 'linux/amd64,linux/riscv64' }
    ]
  ])('%s: fails before running any command', async (_name, inputs) => {
    const runner = new FakeRunner()
    await expect(runMain(deps(runner, inputs))).rejects.toBeInstanceOf(InputError)
    expect(runner.calls).toEqual([])
  })

  it('qemu: false with a missing emulator names the input and the platform, before any command', async () => {
    const runner = new FakeRunner()
    await expect(
      runMain(
        deps(runner, { tags: 'r.example.com/a:1', qemu: 'false', platforms: 'linux/amd64,linux/riscv64' })
      )
    ).rejects.toThrow(/- qemu: linux\/riscv64 needs QEMU emulation.*qemu-riscv64/)
    expect(runner.calls).toEqual([])
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'PEM that does not parse',
      { 'ca-certs': 'r.example.com=-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----' },
      /ca-certs/
    ],
    [
      'a CA file that is missing',
      { 'ca-certs': 'r.example.com=/no/such/ca.crt' },
      /ca-certs.*\/no\/such\/ca\.crt/
    ],
    [
      'buildkitd-config-inline that is not TOML',
      { 'buildkitd-config-inline': '[registry."x"\nhttp = ' },
      /buildkitd-config-inline/
    ],
    [
      'a setting given twice',
      {
        'insecure-registries': 'r.example.com:5000',
        'buildkitd-config-inline': '[registry."r.example.com:5000"]\ninsecure = false'
      },
      /buildkitd-config-inline.*generated from inputs|generated from inputs.*buildkitd-config-inline/
    ]
  ])('%s fails before any command runs', async (_name, inputs, message) => {
    const runner = new FakeRunner()
    await expect(runMain(deps(runner, { tags: 'r.example.com/a:1', ...inputs }))).rejects.toThrow(message)
    expect(runner.calls).toEqual([])
  })
})

describe('runMain: secrets, docker config, hints', () => {
  it('masks a proxy password as written in the URL and decoded', () => {
    const reporter = new FakeReporter()
    maskSecrets(reporter, BUILD_FIELDS, () => '', {
      HTTPS_PROXY: 'http://bob:p%40ss@proxy:3128',
      HTTP_PROXY: 'http://amy:50%off@proxy:3128'
    })
    expect([...reporter.masked].sort()).toEqual(['50%off', 'p%40ss', 'p@ss'])
  })

  it('every command gets the run’s own docker config with the login; the user’s config.json is never written', async () => {
    const work = workDir()
    const userDir = path.join(work, 'docker-config')
    fs.mkdirSync(userDir)
    const userConfig = JSON.stringify({ auths: { 'other.example.com': { auth: 'eDp5' } } })
    fs.writeFileSync(path.join(userDir, 'config.json'), userConfig)
    const runner = dockerRunner('r.example.com/team/app:1')
    await runMain(
      deps(runner, {
        platforms: 'linux/amd64',
        push: 'false',
        registry: 'r.example.com',
        username: 'me',
        password: 's3cret'
      })
    )
    const configs = new Set(runner.calls.map(c => c.options.env?.DOCKER_CONFIG))
    expect(configs.size).toBe(1)
    const runConfig = [...configs][0] ?? ''
    expect(runConfig).toMatch(new RegExp(`^${work}/multiarch-\\w+/docker-config$`))
    expect(JSON.parse(fs.readFileSync(path.join(runConfig, 'config.json'), 'utf8'))).toEqual({
      auths: {
        'other.example.com': { auth: 'eDp5' },
        'r.example.com': { auth: Buffer.from('me:s3cret').toString('base64') }
      }
    })
    expect(fs.readlinkSync(path.join(runConfig, 'buildx'))).toBe(path.join(userDir, 'buildx'))
    expect(fs.readFileSync(path.join(userDir, 'config.json'), 'utf8')).toBe(userConfig)
  })

  it('a docker config.json that is not JSON: a warning, and the run succeeds', async () => {
    const userDir = path.join(workDir(), 'docker-config')
    fs.mkdirSync(userDir)
    fs.writeFileSync(path.join(userDir, 'config.json'), '{"auths": {')
    const runner = dockerRunner('r.example.com/team/app:1')
    const run = deps(runner, { platforms: 'linux/amd64', push: 'false', tags: 'r.example.com/team/app:1' })
    await runMain(run)
    expect(commands(run.reporter.log, 'warning').join('\n')).toMatch(/not valid JSON.*buildx ignores it/)
    expect(run.reporter.outputs.digest).toBe(DIGEST)
    expect(run.reporter.lines.join('\n')).toMatch(
      /docker and buildx use \S+: a new config \(\S+config\.json is left out\)/
    )
  })

  it.each([
    ['there is one', '{}', /: a copy of \S+\/docker-config\/config\.json;/],
    ['there is none', undefined, /: a new config \(there is no \S+\/docker-config\/config\.json\);/]
  ])('the log says where the run’s docker config comes from when %s', async (_, config, said) => {
    const userDir = path.join(workDir(), 'docker-config')
    fs.mkdirSync(userDir)
    if (config !== undefined) fs.writeFileSync(path.join(userDir, 'config.json'), config)
    const run = deps(dockerRunner('r.example.com/team/app:1'), {
      platforms: 'linux/amd64',
      push: 'false',
      tags: 'r.example.com/team/app:1'
    })
    await runMain(run)
    expect(run.reporter.lines.filter(l => l.startsWith('docker and buildx use '))).toEqual([
      expect.stringMatching(said)
    ])
  })

  it('secrets, secret-files and secret-envs entries with an empty value: one warning each, by id; the build goes on without them', async () => {
    const runner = dockerRunner('r.example.com/team/app:1')
    const run = deps(runner, {
      platforms: 'linux/amd64',
      push: 'false',
      tags: 'r.example.com/team/app:1',
      secrets: 'INVALID_SECRET=\nGOOD=v4lue',
      'secret-files': 'EMPTY_FILE=',
      'secret-envs': 'EMPTY_ENV=, OTHER_EMPTY='
    })
    await runMain(run)
    expect(commands(run.reporter.log, 'warning')).toEqual([
      'secrets: INVALID_SECRET has an empty value; the build goes on without it',
      'secret-files: EMPTY_FILE has an empty value; the build goes on without it',
      'secret-envs: EMPTY_ENV has an empty value; the build goes on without it',
      'secret-envs: OTHER_EMPTY has an empty value; the build goes on without it'
    ])
    const build = runner.calls.find(c => c.args.includes('build'))?.args ?? []
    expect(build.filter((_, i) => build[i - 1] === '--secret')).toEqual([
      'id=GOOD,env=MULTIARCH_BUILD_SECRET_0'
    ])
  })

  it('a failure after the inputs were read carries them, for hints worded by what was set', async () => {
    const runner = new FakeRunner()
      .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
      .on(docker('buildx', 'build'), {
        exitCode: 1,
        stderr: 'ERROR: failed to solve: failed to authorize: 401 Unauthorized'
      })
    const run = runMain(
      deps(runner, {
        platforms: 'linux/amd64',
        tags: 'r.example.com/team/app:1',
        registry: 'r.example.com',
        username: 'me',
        password: 'wrong',
        retries: '0'
      })
    )
    await expect(run).rejects.toBeInstanceOf(RunError)
    const failed = new FakeReporter()
    await run.catch((error: unknown) => {
      reportFailure(failed, error)
    })
    expect(commands(failed.log, 'error')[0]).toMatch(
      /check the password \(or token\) and username for r\.example\.com/
    )
  })
})
