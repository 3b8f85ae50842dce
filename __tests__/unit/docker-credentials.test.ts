import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { credentialsFor, type Credentials } from '../../src/docker/credentials.js'
import type { CommandRunner, RunOptions, RunResult } from '../../src/core/runner.js'

interface Call {
  command: string
  args: readonly string[]
  options: RunOptions | undefined
}

/** A runner that answers every command with `result` and records the calls. */
function fakeRunner(result: RunResult): CommandRunner & { calls: Call[] } {
  const calls: Call[] = []
  return {
    calls,
    run(command, args, options) {
      calls.push({ command, args, options })
      return Promise.resolve(result)
    }
  }
}

const noCommands: CommandRunner = {
  run(command) {
    throw new Error(`unexpected command ${command}`)
  }
}

const b64 = (s: string): string => Buffer.from(s).toString('base64')

let root: string
let n = 0
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'docker-credentials-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

async function configDir(config: unknown): Promise<string> {
  const dir = path.join(root, String(n++))
  await mkdir(dir)
  await writeFile(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config))
  return dir
}

describe('credentialsFor from auths', () => {
  it.each<[string, string, unknown, Credentials | undefined]>([
    [
      'auth field',
      'ghcr.io',
      { auths: { 'ghcr.io': { auth: b64('me:s3cr:et') } } },
      { username: 'me', password: 's3cr:et' }
    ],
    [
      'username/password fields',
      'ghcr.io',
      { auths: { 'ghcr.io': { username: 'u', password: 'p' } } },
      { username: 'u', password: 'p' }
    ],
    [
      'auth wins over fields',
      'ghcr.io',
      { auths: { 'ghcr.io': { username: 'x', password: 'y', auth: b64('u:p') } } },
      { username: 'u', password: 'p' }
    ],
    [
      'identity token',
      'r.io',
      { auths: { 'r.io': { auth: b64('00000000:'), identitytoken: 'refresh' } } },
      { username: '00000000', password: '', identityToken: 'refresh' }
    ],
    [
      'Docker Hub key',
      'docker.io',
      { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } },
      { username: 'hub', password: 'pw' }
    ],
    [
      'https:// form of the key',
      'r.io:5000',
      { auths: { 'https://r.io:5000': { auth: b64('a:b') } } },
      { username: 'a', password: 'b' }
    ],
    [
      'http:// form with a path',
      'r.io:5000',
      { auths: { 'http://r.io:5000/v2/': { auth: b64('a:b') } } },
      { username: 'a', password: 'b' }
    ],
    [
      'exact key preferred over the https:// form',
      'r.io',
      { auths: { 'https://r.io': { auth: b64('old:1') }, 'r.io': { auth: b64('new:2') } } },
      { username: 'new', password: '2' }
    ],
    ['other registry only', 'r.io', { auths: { 'q.io': { auth: b64('a:b') } } }, undefined],
    ['port must match', 'r.io', { auths: { 'r.io:5000': { auth: b64('a:b') } } }, undefined],
    ['empty entry', 'r.io', { auths: { 'r.io': {} } }, undefined],
    ['no auths', 'r.io', {}, undefined],
    [
      'empty helper name means the file',
      'r.io',
      { credHelpers: { 'r.io': '' }, auths: { 'r.io': { auth: b64('f:g') } } },
      { username: 'f', password: 'g' }
    ],
    [
      'empty helper name beats credsStore',
      'r.io',
      { credsStore: 'desktop', credHelpers: { 'r.io': '' }, auths: { 'r.io': { auth: b64('f:g') } } },
      { username: 'f', password: 'g' }
    ]
  ])('%s', async (_name, registry, config, expected) => {
    const dir = await configDir(config)
    await expect(credentialsFor(registry, { configDir: dir, runner: noCommands })).resolves.toStrictEqual(
      expected
    )
  })

  it('returns undefined when config.json does not exist', async () => {
    await expect(
      credentialsFor('r.io', { configDir: path.join(root, 'missing'), runner: noCommands })
    ).resolves.toBeUndefined()
  })

  it('reports invalid JSON with the file name', async () => {
    const dir = await configDir('{ not json')
    await expect(credentialsFor('r.io', { configDir: dir, runner: noCommands })).rejects.toThrow(
      `Docker config ${path.join(dir, 'config.json')} is not valid JSON`
    )
  })

  it('reports a malformed auth value without printing it', async () => {
    const dir = await configDir({ auths: { 'r.io': { auth: b64('no-colon-secret') } } })
    const error = await credentialsFor('r.io', { configDir: dir, runner: noCommands }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(Error)
    expect(String(error)).toMatch(/not base64 "user:password"/)
    expect(String(error)).not.toContain('no-colon-secret')
    expect(String(error)).not.toContain(b64('no-colon-secret'))
  })
})

describe('credentialsFor with credential helpers', () => {
  const answer = (o: object): RunResult => ({ exitCode: 0, stdout: JSON.stringify(o), stderr: '' })

  it.each<[string, string, unknown, string, Credentials]>([
    [
      'credHelpers entry',
      'ghcr.io',
      { credHelpers: { 'ghcr.io': 'gh' }, credsStore: 'desktop' },
      'docker-credential-gh',
      { username: 'u', password: 'pw' }
    ],
    [
      'credsStore',
      'ghcr.io',
      { credsStore: 'desktop', auths: { 'ghcr.io': { auth: b64('file:x') } } },
      'docker-credential-desktop',
      { username: 'u', password: 'pw' }
    ],
    [
      'credsStore for Docker Hub',
      'docker.io',
      { credsStore: 'pass' },
      'docker-credential-pass',
      { username: 'u', password: 'pw' }
    ],
    [
      'helper of another registry ignored',
      'r.io',
      { credHelpers: { 'q.io': 'gh' }, credsStore: 'osxkeychain' },
      'docker-credential-osxkeychain',
      { username: 'u', password: 'pw' }
    ]
  ])('%s', async (_name, registry, config, program, expected) => {
    const runner = fakeRunner(answer({ ServerURL: registry, Username: 'u', Secret: 'pw' }))
    const dir = await configDir(config)
    await expect(credentialsFor(registry, { configDir: dir, runner })).resolves.toStrictEqual(expected)
    const key = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry
    expect(runner.calls).toStrictEqual([
      { command: program, args: ['get'], options: { input: key, silent: true } }
    ])
  })

  it('maps the <token> username to an identity token', async () => {
    const runner = fakeRunner(answer({ ServerURL: 'r.io', Username: '<token>', Secret: 'refresh' }))
    const dir = await configDir({ credsStore: 'x' })
    await expect(credentialsFor('r.io', { configDir: dir, runner })).resolves.toStrictEqual({
      username: '',
      password: '',
      identityToken: 'refresh'
    })
  })

  it.each<[string, RunResult]>([
    ['on stdout', { exitCode: 1, stdout: 'credentials not found in native keychain\n', stderr: '' }],
    ['on stderr', { exitCode: 1, stdout: '', stderr: 'Credentials not found' }]
  ])(
    'returns undefined for "credentials not found" %s, without falling back to auths',
    async (_n, result) => {
      const dir = await configDir({ credsStore: 'x', auths: { 'r.io': { auth: b64('file:x') } } })
      await expect(
        credentialsFor('r.io', { configDir: dir, runner: fakeRunner(result) })
      ).resolves.toBeUndefined()
    }
  )

  it('throws for other helper failures, naming the helper', async () => {
    const dir = await configDir({ credsStore: 'desktop' })
    const runner = fakeRunner({ exitCode: 127, stdout: '', stderr: 'Unable to locate executable' })
    await expect(credentialsFor('r.io', { configDir: dir, runner })).rejects.toThrow(
      'Docker credential helper docker-credential-desktop failed for r.io (exit code 127): Unable to locate executable'
    )
  })

  it('does not echo helper output that is not JSON', async () => {
    const dir = await configDir({ credsStore: 'x' })
    const runner = fakeRunner({ exitCode: 0, stdout: 'hunter2', stderr: '' })
    const error = await credentialsFor('r.io', { configDir: dir, runner }).catch((e: unknown) => e)
    expect(String(error)).toMatch(/docker-credential-x printed something that is not JSON/)
    expect(String(error)).not.toContain('hunter2')
  })

  it('returns undefined when the helper gives an empty secret', async () => {
    const dir = await configDir({ credsStore: 'x' })
    const runner = fakeRunner(answer({ ServerURL: 'r.io', Username: 'u', Secret: '' }))
    await expect(credentialsFor('r.io', { configDir: dir, runner })).resolves.toBeUndefined()
  })
})
