/**
 * Signing (issue: sign exactly what passed the checks): dist/ run as the runner runs it, with the stack's
 * cosign 3 on PATH ($E2E_COSIGN), a key made by cosign generate-key-pair, into the private-CA registry under
 * its private name and into the basic-auth registry, without a transparency log (the stack reaches none).
 * Checked with cosign itself against the registry: the index and every platform manifest verify with the
 * public key; a wrong key password fails the step with no tag moved; the key appears nowhere.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  ROOT,
  env,
  expectCleanedUp,
  expectPushed,
  gitlabJobEnv,
  indexPlatforms,
  pushInputs,
  rawManifest,
  runProcess,
  useJobs
} from './harness.js'

const jobs = useJobs()
const cosign = env('E2E_COSIGN')
const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'signing-e2e-'))
afterAll(() => {
  fs.rmSync(keys, { recursive: true, force: true })
})

const PASSWORD = 'e2e-key-password-7d1c'
execFileSync(cosign, ['generate-key-pair'], { cwd: keys, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } })
const privateKey = fs.readFileSync(path.join(keys, 'cosign.key'), 'utf8')
const publicKey = path.join(keys, 'cosign.pub')
/** The lines of the key's body: none of them may appear in a log, output or file. */
const keyLines = privateKey.split('\n').filter(l => l !== '' && !l.startsWith('-----'))

/** The job's PATH with the stack's cosign first, as a runner with cosign installed has it. */
const withCosign = { PATH: `${path.dirname(cosign)}:${env('PATH')}` }

/** cosign verify against the registry, from the test side: the CA by file, the auth registry's login. */
function verify(reference: string): { status: number | null; output: string } {
  const config = fs.mkdtempSync(path.join(keys, 'docker-config-'))
  const auth = Buffer.from(`${env('E2E_AUTH_USER')}:${env('E2E_AUTH_PASSWORD')}`).toString('base64')
  fs.writeFileSync(
    path.join(config, 'config.json'),
    JSON.stringify({ auths: { [env('E2E_AUTH_REGISTRY')]: { auth } } })
  )
  const result = spawnSync(
    cosign,
    [
      'verify',
      '--key',
      publicKey,
      '--insecure-ignore-tlog=true',
      '--registry-cacert',
      env('E2E_REGISTRY_CA'),
      reference
    ],
    { env: { ...process.env, DOCKER_CONFIG: config }, encoding: 'utf8' }
  )
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

const PLATFORMS = 'linux/amd64,linux/arm64'

describe.each([
  ['the private-CA registry under its private name', 'E2E_PRIVATE_REGISTRY', {}],
  [
    'the basic-auth registry',
    'E2E_AUTH_REGISTRY',
    { registry: env('E2E_AUTH_REGISTRY'), username: env('E2E_AUTH_USER'), password: env('E2E_AUTH_PASSWORD') }
  ]
])('sign: key into %s', (_, registryVariable, login) => {
  const registry = env(registryVariable)
  it('signs the index and every platform manifest before the tag moves; cosign verifies them all against the registry', async () => {
    const push = pushInputs({
      registry,
      name: 'signed',
      platforms: PLATFORMS,
      baseFrom: env('E2E_HTTP_REGISTRY')
    })
    const { job, main, post } = await jobs.run(
      {
        ...push,
        ...login,
        'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
        sign: 'key',
        'sign-key': privateKey,
        'sign-key-password': PASSWORD,
        'sign-transparency-log': 'false'
      },
      withCosign
    )
    expectPushed(main, push.tags)
    const log = main.log
    // signed after the checks, before the tags
    expect(log.indexOf('::group::Sign (cosign)')).toBeGreaterThan(log.indexOf('::group::Content checks'))
    expect(log.indexOf('::group::Tags')).toBeGreaterThan(log.indexOf('::group::Sign (cosign)'))
    const repository = push.tags.slice(0, push.tags.lastIndexOf(':'))
    const digest = main.outputs.digest ?? ''
    expect(main.outputs['signature-verify-command']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert CA.pem ${repository}@${digest}`
    )
    expect(main.summary).toContain(`<h3>Signature</h3>`)
    expect(main.summary).toContain(`${repository}@${digest}</code></pre>`)
    const platformDigests = Object.values(indexPlatforms(rawManifest(push.tags)))
    expect(platformDigests).toHaveLength(2)
    for (const signed of [digest, ...platformDigests]) {
      const result = verify(`${repository}@${signed}`)
      expect([signed, result.status, result.output]).toEqual([
        signed,
        0,
        expect.stringContaining('The signatures were verified against the specified public key')
      ])
    }
    // the key and its password: in no log, output or file the job leaves
    // (::add-mask:: lines are how the runner is told to hide them: it never shows them)
    const everything = [log, post.log, JSON.stringify(main.outputs), ...filesUnder(job.dir)]
      .join('\n')
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(log).toContain(`::add-mask::${PASSWORD}`)
    for (const line of [...keyLines, PASSWORD]) expect(everything).not.toContain(line)
    expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  }, 300_000)
})

describe('sign: key with a wrong key password', () => {
  it('fails the step before any tag moves, and nothing is signed', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const push = pushInputs({
      registry,
      name: 'wrong-key-password',
      platforms: PLATFORMS,
      baseFrom: env('E2E_HTTP_REGISTRY')
    })
    const { main, post } = await jobs.run(
      {
        ...push,
        'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
        sign: 'key',
        'sign-key': privateKey,
        'sign-key-password': 'not-the-password',
        'sign-transparency-log': 'false'
      },
      withCosign
    )
    expect(main.exitCode).not.toBe(0)
    expect(main.log.trimEnd().split('\n').at(-1)).toMatch(
      /^::error::cosign public-key \(is sign-key-password the password of sign-key\?\) failed \(exit code 1\)/
    )
    expect(main.log).not.toContain('::group::Tags')
    // the image was pushed by digest and checked, but its tag was never put
    expect(() => rawManifest(push.tags)).toThrow()
    expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  }, 300_000)
})

describe('the merge action with sign: key', () => {
  it('signs the merged index (and each platform manifest) before its tag moves, into the basic-auth registry', async () => {
    // Two platforms built as a distributed workflow's legs do: each pushed by digest, unsigned.
    const http = env('E2E_HTTP_REGISTRY')
    const legs = pushInputs({ registry: http, name: 'signed-legs', platforms: 'linux/amd64' })
    const repository = legs.tags.slice(0, legs.tags.lastIndexOf(':'))
    const sources: string[] = []
    for (const platform of PLATFORMS.split(',')) {
      const { main } = await jobs.run({
        ...legs,
        platforms: platform,
        tags: repository,
        'push-by-digest': 'true'
      })
      expect(main.exitCode).toBe(0)
      sources.push(`${repository}@${main.outputs.digest ?? ''}`)
    }
    const registry = env('E2E_AUTH_REGISTRY')
    const tag = `${registry}/e2e/signed-merge:${Date.now().toString(36)}`
    const { main } = await jobs.run(
      {
        sources: sources.join('\n'),
        tags: tag,
        'insecure-registries': `http://${http}`,
        'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
        registry,
        username: env('E2E_AUTH_USER'),
        password: env('E2E_AUTH_PASSWORD'),
        sign: 'key',
        'sign-key': privateKey,
        'sign-key-password': PASSWORD,
        'sign-transparency-log': 'false'
      },
      withCosign,
      { action: 'merge/action.yml' }
    )
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    const digest = main.outputs.digest ?? ''
    const target = tag.slice(0, tag.lastIndexOf(':'))
    expect(rawManifest(tag).length).toBeGreaterThan(0)
    expect(main.outputs['signature-verify-command']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert CA.pem ${target}@${digest}`
    )
    expect(main.log.indexOf('signed and verified')).toBeLessThan(main.log.indexOf(`${tag} -> ${digest}`))
    const platformDigests = Object.values(indexPlatforms(rawManifest(tag)))
    expect(platformDigests).toHaveLength(2)
    for (const signed of [digest, ...platformDigests])
      expect([signed, verify(`${target}@${signed}`).status]).toEqual([signed, 0])
    expect(main.summary).toContain(`${target}@${digest}</code></pre>`)
  }, 300_000)
})

describe('the command line with --sign key', () => {
  it('signs from a terminal: the key as a file, its password from COSIGN_PASSWORD; cosign verifies the index', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const push = pushInputs({
      registry,
      name: 'signed-cli',
      platforms: PLATFORMS,
      baseFrom: env('E2E_HTTP_REGISTRY')
    })
    const tmp = fs.mkdtempSync(path.join(keys, 'tmp-'))
    const result = await runProcess(
      process.execPath,
      [
        path.join(ROOT, 'dist/cli/index.js'),
        `--platforms=${PLATFORMS}`,
        `--context=${push.context ?? ''}`,
        `--tags=${push.tags}`,
        `--build-args=${push['build-args'] ?? ''}`,
        `--buildkit-image=${push['buildkit-image'] ?? ''}`,
        '--host-network',
        `--ca-certs=${registry}=${env('E2E_REGISTRY_CA')}`,
        '--sign=key',
        `--sign-key=${path.join(keys, 'cosign.key')}`,
        '--sign-transparency-log=false',
        '--json'
      ],
      { cwd: ROOT, env: { ...gitlabJobEnv(tmp, {}), ...withCosign, COSIGN_PASSWORD: PASSWORD } }
    )
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.status).toBe(0)
    const outputs = JSON.parse(result.stdout) as Record<string, string>
    const repository = push.tags.slice(0, push.tags.lastIndexOf(':'))
    expect(outputs['signature-verify-command']).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert CA.pem ${repository}@${outputs.digest ?? ''}`
    )
    expect(verify(`${repository}@${outputs.digest ?? ''}`).status).toBe(0)
    expect(result.stderr).not.toContain(PASSWORD)
    expect(fs.readdirSync(tmp)).toEqual([])
  }, 300_000)
})

describe('sign: keyless in a job with no identity token', () => {
  it('is refused before any docker command, saying what the job needs', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const push = pushInputs({
      registry,
      name: 'keyless',
      platforms: PLATFORMS,
      baseFrom: env('E2E_HTTP_REGISTRY')
    })
    const { main } = await jobs.run({ ...push, sign: 'keyless' }, withCosign)
    expect(main.exitCode).not.toBe(0)
    expect(main.log.trimEnd().split('\n').at(-1)).toMatch(
      /^::error::Invalid input:%0A {2}- sign: keyless needs the job's OIDC identity: on GitHub give the job "permissions: id-token: write"/
    )
    expect(main.log).not.toMatch(/^\[command\]docker /m)
  }, 60_000)
})

/** The text of every file under `dir` (the job's directory: temp, state, outputs, summary). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap(entry => {
    const file = path.join(entry.parentPath, entry.name)
    return entry.isFile() ? [fs.readFileSync(file, 'utf8')] : []
  })
}
