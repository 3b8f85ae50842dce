/**
 * Faults, end to end: two runs sharing one docker config and login, a malformed config.json, a registry
 * that stalls the read-back, the hints for an HTTPS registry spoken to over HTTP, a wrong password and a
 * lost builder, and a post step without main.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  FIXTURES,
  baseImage,
  env,
  expectCleanedUp,
  expectPushed,
  leaks,
  leftovers,
  pushInputs,
  registerHttpRegistry,
  stackInputs,
  uniqueTag,
  useJobs
} from './harness.js'

const jobs = useJobs()
const servers: net.Server[] = []
afterAll(async () => {
  for (const server of servers) {
    await new Promise<void>(resolve => {
      server.close(() => {
        resolve()
      })
    })
  }
})

const http = (): string => env('E2E_HTTP_REGISTRY')

describe('shared runner', () => {
  it('two runs sharing one DOCKER_CONFIG and login: the first one’s post runs while the second builds, both succeed', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const login = {
      registry,
      username: env('E2E_AUTH_USER'),
      password: env('E2E_AUTH_PASSWORD'),
      'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`
    }
    const configFile = path.join(env('DOCKER_CONFIG'), 'config.json')
    const before = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined
    const common = {
      ...stackInputs(),
      ...login,
      platforms: 'linux/amd64',
      'build-args': `BASE=${baseImage(registry)}` // pulled with the login too
    }
    const slowTag = uniqueTag(registry, 'shared-slow')
    const fastTag = uniqueTag(registry, 'shared-fast')
    const slow = jobs.start({ ...common, context: path.join(FIXTURES, 'slow'), tags: slowTag })
    const fast = jobs.start({ ...common, context: path.join(FIXTURES, 'uname'), tags: fastTag })
    let fastPostDone = 0
    const [slowMain, fastRun] = await Promise.all([
      slow.main().then(result => ({ result, at: Date.now() })),
      fast.run().then(run => {
        fastPostDone = Date.now()
        return run
      })
    ])
    expect(fastRun.post.exitCode).toBe(0)
    expect(fastPostDone).toBeLessThan(slowMain.at) // the first run cleaned up while the second still built
    expectPushed(fastRun.main, fastTag)
    expectPushed(slowMain.result, slowTag)
    const slowPost = await slow.post()
    expect(slowPost.exitCode).toBe(0)
    // The shared docker config was never written, and no credential is left anywhere.
    const after = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined
    expect(after).toBe(before)
    for (const [job, main] of [
      [slow, slowMain.result],
      [fast, fastRun.main]
    ] as const) {
      expect(main.state['temp-dir']).toBeTruthy()
      expect(fs.existsSync(main.state['temp-dir'] ?? '')).toBe(false)
      expect(leaks(job.logs(), env('E2E_AUTH_PASSWORD'))).toEqual([])
    }
    for (const builder of [slowMain.result.outputs['builder-name'], fastRun.main.outputs['builder-name']])
      expect(leftovers(builder ?? '')).toEqual({ containers: [], builders: [] })
  }, 400_000)

  it('a malformed config.json: a warning, the push succeeds with correct digests', async () => {
    const stackConfig = env('DOCKER_CONFIG')
    const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'malformed-docker-config-'))
    fs.writeFileSync(path.join(dockerConfig, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0"}')
    for (const entry of ['cli-plugins', 'buildx'])
      fs.symlinkSync(path.join(stackConfig, entry), path.join(dockerConfig, entry))
    try {
      const inputs = pushInputs({
        registry: http(),
        name: 'malformed-config',
        platforms: 'linux/amd64,linux/arm64'
      })
      const { main, post } = await jobs.run(inputs, { DOCKER_CONFIG: dockerConfig })
      expect(main.log).toMatch(/::warning title=Docker config ignored::Docker config .*is not valid JSON/)
      expect(main.log).not.toContain('c2VjcmV0')
      expectPushed(main, inputs.tags)
      expectCleanedUp(post, main.outputs['builder-name'] ?? '')
    } finally {
      fs.rmSync(dockerConfig, { recursive: true, force: true })
    }
  }, 300_000)
})

/**
 * A registry in front of the HTTP registry that forwards BuildKit's connections and holds the action's
 * own (its user agent) without ever answering.
 */
async function stallingRegistry(): Promise<{ registry: string; heldAt: () => number }> {
  const [host, port] = http().split(':')
  let heldAt = 0
  const server = net.createServer(client => {
    client.once('data', (first: Buffer) => {
      if (first.toString('latin1').includes('user-agent: multiarch-build-push-action')) {
        heldAt ||= Date.now()
        client.on('data', () => undefined) // read and never answer
        return
      }
      const upstream = net.connect(Number(port), host ?? '127.0.0.1', () => {
        upstream.write(first)
        client.pipe(upstream).pipe(client)
      })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
  })
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const registry = `127.0.0.1:${(server.address() as net.AddressInfo).port}`
  registerHttpRegistry(registry)
  return { registry, heldAt: () => heldAt }
}

describe('time limits', () => {
  it('a registry that stalls the read-back: the job fails within the limit, naming the registry', async () => {
    const { registry, heldAt } = await stallingRegistry()
    const { main } = await jobs.run({
      ...pushInputs({ registry, name: 'stalled', platforms: 'linux/amd64', baseFrom: http() }),
      tags: `${registry}/e2e/stalled:${Date.now().toString(36)}`,
      retries: '0'
    })
    const ended = Date.now()
    expect(heldAt()).toBeGreaterThan(0)
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(
      new RegExp(`::error::Timed out after 30000 ms waiting for ${registry} to answer`)
    )
    const waited = ended - heldAt()
    expect(waited).toBeGreaterThanOrEqual(29_000)
    expect(waited).toBeLessThan(45_000)
  }, 300_000)
})

describe('hints', () => {
  it('an HTTPS registry on 127.0.0.1 without ca-certs: BuildKit speaks HTTP, 400, the hint names ca-certs', async () => {
    const registry = env('E2E_HTTPS_REGISTRY')
    const { main } = await jobs.run({
      ...pushInputs({ registry, name: 'http-to-https', platforms: 'linux/amd64', baseFrom: http() }),
      retries: '0'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/400 Bad Request/)
    expect(main.log).toMatch(
      new RegExp(`::error title=HTTPS registry reached over HTTP::.*${registry}.*ca-certs`)
    )
  }, 300_000)

  it('a wrong password: the hint asks to check the password for the registry, not to set it', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const { main } = await jobs.run({
      ...pushInputs({ registry, name: 'wrong-password', platforms: 'linux/amd64', baseFrom: http() }),
      'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
      registry,
      username: env('E2E_AUTH_USER'),
      password: 'not-the-password',
      retries: '0'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(
      new RegExp(
        `::error title=Registry refused the credentials::.*check the password \\(or token\\) and username for ${registry}`
      )
    )
    expect(main.log).not.toMatch(/set the registry, username and password inputs/)
  }, 300_000)

  it('a builder lost in the middle of the build with retries 0: the hint explains it and suggests retries', async () => {
    const name = `e2e-lost-${Date.now().toString(36)}`
    const container = `buildx_buildkit_${name}0`
    const job = jobs.start({
      ...pushInputs({ registry: http(), name: 'lost-builder', platforms: 'linux/amd64', fixture: 'slow' }),
      'builder-name': name,
      retries: '0'
    })
    const main = job.main()
    // Once the slow RUN step runs in the builder, its container goes away.
    const deadline = Date.now() + 180_000
    for (;;) {
      if (Date.now() > deadline) throw new Error('the slow step never started')
      let processes = ''
      try {
        processes = execFileSync('docker', ['top', container], { encoding: 'utf8', stdio: 'pipe' })
      } catch {
        // not created yet
      }
      if (processes.includes('sleep 60')) break
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    execFileSync('docker', ['rm', '--force', container], { stdio: 'ignore' })
    const result = await main
    expect(result.exitCode).not.toBe(0)
    expect(result.log).toMatch(/::error title=Builder lost::.*retries/)
    const post = await job.post()
    expect(post.exitCode).toBe(0)
    expect(leftovers(name)).toEqual({ containers: [], builders: [] })
  }, 300_000)
})

describe('post step', () => {
  it('without main: a notice, and nothing else', async () => {
    const job = jobs.start({ ...stackInputs(), tags: uniqueTag(http(), 'post-only') })
    const post = await job.post()
    expect(post.exitCode).toBe(0)
    expect(post.log).toMatch(/::notice title=Post step::The main step saved no state/)
    expect(post.log).not.toMatch(/::group::|::warning|::error|spawn/)
  }, 60_000)
})
