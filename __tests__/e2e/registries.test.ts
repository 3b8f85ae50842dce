/**
 * Registries as they really are: private CA (as PEM text and as a path), a name only /etc/hosts resolves,
 * basic auth, unverified HTTPS, and the failure users meet without the CA.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  env,
  expectCleanedUp,
  expectPushed,
  indexPlatforms,
  leaks,
  pushInputs,
  useJobs,
  type Job
} from './harness.js'

const jobs = useJobs()

/** Runs main and post for a two-platform push and checks the digests against the registry. */
async function pushAndVerify(registry: string, inputs: Record<string, string>): Promise<Job> {
  const push = pushInputs({ registry, name: 'registries', platforms: 'linux/amd64,linux/arm64' })
  const { job, main, post } = await jobs.run({ ...push, ...inputs })
  const raw = expectPushed(main, push.tags)
  expect(Object.keys(indexPlatforms(raw)).sort()).toEqual(['linux/amd64', 'linux/arm64'])
  expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  return job
}

describe('registries', () => {
  it('private DNS name + CA given as PEM text + host network', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const pem = fs.readFileSync(env('E2E_REGISTRY_CA'), 'utf8')
    const job = await pushAndVerify(registry, { 'ca-certs': `${registry}=${pem}`, 'host-network': 'true' })
    expect(job.logs()).toContain(`[registry."${registry}"]`) // the generated TOML is logged
  }, 300_000)

  it('HTTPS on 127.0.0.1 with the CA given as a path', async () => {
    const registry = env('E2E_HTTPS_REGISTRY')
    const job = await pushAndVerify(registry, { 'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}` })
    expect(job.logs()).toMatch(/http = false/)
  }, 300_000)

  it('basic auth with login inputs and the CA; the password appears nowhere', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const password = env('E2E_AUTH_PASSWORD')
    const configFile = path.join(env('DOCKER_CONFIG'), 'config.json')
    const before = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined
    const job = await pushAndVerify(registry, {
      'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
      registry,
      username: env('E2E_AUTH_USER'),
      password
    })
    const token = Buffer.from(`${env('E2E_AUTH_USER')}:${password}`).toString('base64')
    expect(job.logs()).toContain(`::add-mask::${password}`) // masked before anything could print it
    expect(leaks(job.logs(), password)).toEqual([])
    expect(leaks(job.logs(), token)).toEqual([])
    for (const file of fs.readdirSync(job.dir, { recursive: true, encoding: 'utf8' })) {
      const full = path.join(job.dir, file)
      if (fs.statSync(full).isFile())
        expect([file, fs.readFileSync(full, 'utf8').includes(password)]).toEqual([file, false])
    }
    // the credentials are gone from the docker config again
    const after = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined
    expect(after === undefined ? undefined : JSON.parse(after)).toEqual(
      before === undefined ? undefined : JSON.parse(before)
    )
  }, 300_000)

  it('a wrong password: refused by the push-access check in under a second, before any builder exists', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const { main, post } = await jobs.run({
      ...pushInputs({ registry, name: 'wrong-password', platforms: 'linux/amd64,linux/arm64' }),
      'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
      registry,
      username: env('E2E_AUTH_USER'),
      password: 'not-the-password'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toContain(
      `::error::Push access refused before building (nothing was built): check the username and password inputs (the registry input names the registry they are for; a token needs write or push scope), or the account’s permissions on the repository:%0A  - ${registry}/e2e/wrong-password refused the credentials`
    )
    expect(main.log).not.toContain('buildx create')
    expect(main.log.trimEnd().split('\n').at(-1)).toMatch(/^::error::Push access refused before building/)
    const timings = JSON.parse(/phase-timings (\{.*\})/.exec(main.log)?.[1] ?? '{}') as Record<string, number>
    expect(timings['push-access']).toBeLessThan(1000)
    expect(timings.builder).toBeUndefined()
    expect(post.exitCode).toBe(0)
  }, 120_000)

  it('unverified HTTPS: 127.0.0.1:5443 in insecure-registries, no CA', async () => {
    const registry = env('E2E_HTTPS_REGISTRY')
    const job = await pushAndVerify(registry, { 'insecure-registries': registry })
    expect(job.logs()).toMatch(/insecure = true/)
  }, 300_000)

  it('without the CA the push fails with the ca-certs hint', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const { main, post } = await jobs.run(
      pushInputs({
        registry,
        name: 'no-ca',
        platforms: 'linux/amd64,linux/arm64',
        baseFrom: env('E2E_HTTP_REGISTRY')
      })
    )
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/x509: certificate signed by unknown authority/)
    expect(main.log).toMatch(/::error title=Registry certificate not trusted::.*ca-certs/)
    // The hint names the registry, under its private DNS name.
    expect(main.log).toContain(
      `::error title=Registry certificate not trusted::BuildKit does not trust the certificate of ${registry}. Give its CA with the ca-certs input (${registry}=PEM or a path)`
    )
    expect(post.exitCode).toBe(0)
  }, 300_000)
})
