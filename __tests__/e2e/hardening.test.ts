/**
 * Hardening, end to end: transient registry failures are retried (and build errors are not), secrets
 * never reach a log or file, an interrupted run leaves no builder, hostile strings stay inert.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import {
  FIXTURES,
  buildkitImage,
  env,
  expectPushed,
  imageConfig,
  leaks,
  leftovers,
  pushInputs,
  registerHttpRegistry,
  stackInputs,
  uniqueTag,
  useJobs
} from './harness.js'

const jobs = useJobs()
const processes: ChildProcess[] = []
afterAll(() => {
  for (const p of processes) p.kill('SIGTERM')
})

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve =>
    server.close(() => {
      resolve()
    })
  )
  return port
}

const http = (): string => env('E2E_HTTP_REGISTRY')

describe('retries', () => {
  it('a registry that refuses connections at first: the push is retried, with the reason, and succeeds', async () => {
    const port = await freePort()
    const registry = `127.0.0.1:${port}`
    registerHttpRegistry(registry)
    const job = jobs.start({
      ...pushInputs({ registry, name: 'retry', platforms: 'linux/amd64,linux/arm64', baseFrom: http() }),
      tags: `${registry}/e2e/retry:1`,
      retries: '4'
    })
    const dataDir = path.join(job.dir, 'late-registry')
    fs.mkdirSync(dataDir)
    const config = path.join(job.dir, 'late-registry.yml')
    fs.writeFileSync(
      config,
      `version: 0.1\nlog: {level: warn}\nstorage: {filesystem: {rootdirectory: ${dataDir}}}\nhttp: {addr: ${registry}}\n`
    )
    // The registry comes up only once the first push attempt has been refused (the retry waits 3 s).
    let registryStarted = false
    const main = await job.main({
      onLog: log => {
        if (registryStarted || !/Build: attempt 1 of 5 failed/.test(log)) return
        registryStarted = true
        processes.push(
          spawn(process.env.E2E_REGISTRY_BIN ?? 'docker-registry', ['serve', config], { stdio: 'ignore' })
        )
      }
    })
    expect(main.log).toMatch(
      /::warning title=Retrying::Build: attempt 1 of 5 failed \(connection refused\); retrying in 3s/
    )
    expectPushed(main, `${registry}/e2e/retry:1`)
  }, 300_000)

  it('a failing RUN is not retried', async () => {
    const job = jobs.start({
      ...pushInputs({ registry: http(), name: 'no-retry', platforms: 'linux/amd64', fixture: 'failing' }),
      retries: '3'
    })
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/did not complete successfully/)
    expect(main.log).not.toMatch(/Retrying|attempt 1 of/)
  }, 300_000)
})

describe('secrets', () => {
  it('a password and a PEM private key given as inputs appear in no log, output, summary or file', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const password = env('E2E_AUTH_PASSWORD')
    const keyFile = path.join(FIXTURES, '..', '..', '..', 'node_modules', '.e2e-private-key.pem')
    execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-out',
      keyFile
    ])
    const key = fs.readFileSync(keyFile, 'utf8')
    fs.rmSync(keyFile)
    const keyLines = key.split('\n').filter(l => l && !l.startsWith('-----'))
    const ca = fs.readFileSync(env('E2E_REGISTRY_CA'), 'utf8')
    const job = jobs.start({
      ...pushInputs({ registry, name: 'secrets', platforms: 'linux/amd64,linux/arm64' }),
      registry,
      username: env('E2E_AUTH_USER'),
      password,
      // a bundle pasted with its key: the key must be refused without being shown
      'ca-certs': `${registry}=${ca}${key}`
    })
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/::error::.*ca-certs/)
    await job.post()
    const files = fs
      .readdirSync(job.dir, { recursive: true, encoding: 'utf8' })
      .map(f => path.join(job.dir, f))
      .filter(f => fs.statSync(f).isFile())
    for (const secret of [password, ...keyLines]) {
      expect(leaks(job.logs(), secret)).toEqual([])
      for (const file of files)
        expect([file, fs.readFileSync(file, 'utf8').includes(secret)]).toEqual([file, false])
    }
    expect(job.logs()).toContain(`::add-mask::${keyLines[1] ?? 'none'}`)
  }, 300_000)
})

describe('cancellation', () => {
  it('main killed with SIGTERM in the middle of the build, then post: no builder remains', async () => {
    const job = jobs.start({
      ...pushInputs({
        registry: http(),
        name: 'cancelled',
        platforms: 'linux/amd64,linux/arm64',
        fixture: 'slow'
      })
    })
    const main = await job.main({ killWhen: /slow step starts/ })
    expect(main.signal).toBe('SIGTERM')
    const builder = main.outputs['builder-name'] ?? ''
    expect(leftovers(builder).containers.length).toBeGreaterThan(0)
    const post = await job.post()
    expect(post.exitCode).toBe(0)
    expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
  }, 300_000)
})

describe('hostile strings', () => {
  const hostile = `a b "double" 'single' $(touch /tmp/pwned) ; touch /tmp/pwned2 \`id\``

  it('labels and build-args reach the image literally and nothing runs', async () => {
    fs.rmSync('/tmp/pwned', { force: true })
    fs.rmSync('/tmp/pwned2', { force: true })
    const inputs = pushInputs({
      registry: http(),
      name: 'hostile',
      platforms: 'linux/amd64,linux/arm64',
      fixture: 'hostile',
      buildArgs: `HOSTILE=${hostile}`
    })
    const tag = inputs.tags
    const job = jobs.start({ ...inputs, labels: `org.example.hostile=${hostile}` })
    const main = await job.main()
    expect(main.exitCode).toBe(0)
    const labels = imageConfig(tag).config?.Labels ?? {}
    expect(labels['org.example.hostile']).toBe(hostile)
    expect(labels['from.build-arg']).toBe(hostile)
    expect(fs.existsSync('/tmp/pwned')).toBe(false)
    expect(fs.existsSync('/tmp/pwned2')).toBe(false)
  }, 300_000)

  it('a tag with shell characters is refused before anything runs', async () => {
    const job = jobs.start({
      ...stackInputs(),
      tags: `${env('E2E_HTTP_REGISTRY')}/e2e/x:$(touch /tmp/pwned);id`
    })
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/::error::Invalid input:%0A {2}- tags: /)
    expect(main.outputs['builder-name']).toBeUndefined()
    expect(fs.existsSync('/tmp/pwned')).toBe(false)
  }, 60_000)
})

describe('inputs buildx would refuse only after the builder began: refused before any docker command', () => {
  it.each([
    [
      { context: FIXTURES },
      /::error::Invalid input:%0A {2}- context: ".*\/e2e\/fixtures" has no Dockerfile .*; add one there, or set the file input to the Dockerfile/
    ],
    [
      { 'driver-opts': 'env.A=say "hi"' },
      /driver-opts: .*env\.A=say .* is not what buildx reads as a driver option/
    ],
    [
      { 'driver-opts': 'network=ci-net', 'host-network': 'true' },
      /driver-opts: network=ci-net contradicts host-network: true/
    ],
    [
      { 'ca-certs': `${env('E2E_PRIVATE_REGISTRY')}=certs/missing-ca.crt` },
      /ca-certs: cannot read the CA certificate file "\/[^"]*\/certs\/missing-ca\.crt" for [^ ]+ \(ENOENT\)/
    ]
  ])(
    '%j',
    async (inputs, message) => {
      const main = await jobs
        .start({ ...stackInputs(), tags: `${env('E2E_HTTP_REGISTRY')}/e2e/x:1`, ...inputs })
        .main()
      expect(main.exitCode).not.toBe(0)
      expect(main.log).toMatch(message)
      expect(main.log).not.toMatch(/^\[command\]docker /m)
      expect(main.outputs['builder-name']).toBeUndefined()
    },
    60_000
  )
})

describe('builder lifecycle', () => {
  it('an existing builder name is an error unless reuse-builder; a reused builder is left in place', async () => {
    const name = `e2e-kept-${Date.now().toString(36)}`
    execFileSync('docker', [
      'buildx',
      'create',
      '--name',
      name,
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${buildkitImage()}`,
      '--driver-opt',
      'network=host',
      '--bootstrap'
    ])
    try {
      const inputs = {
        ...pushInputs({ registry: http(), name: 'kept', platforms: 'linux/amd64,linux/arm64' }),
        'builder-name': name
      }
      const refused = jobs.start(inputs)
      const first = await refused.main()
      expect(first.exitCode).not.toBe(0)
      expect(first.log).toMatch(new RegExp(`A builder named "${name}" already exists.*reuse-builder`))
      await refused.post()
      expect(leftovers(name).builders.length).toBeGreaterThan(0) // not ours to remove

      const reused = jobs.start({
        ...inputs,
        tags: uniqueTag(http(), 'kept'),
        'reuse-builder': 'true'
      })
      const main = await reused.main()
      expect(main.exitCode).toBe(0)
      expect(main.log).toMatch(/::warning title=Builder reused::Reusing the existing builder/)
      expect(main.log).not.toMatch(/spawn: docker buildx (create|inspect)/)
      const post = await reused.post()
      expect(post.log).not.toMatch(/buildx rm/)
      expect(leftovers(name).builders.length).toBeGreaterThan(0)
    } finally {
      execFileSync('docker', ['buildx', 'rm', '--force', name])
    }
  }, 300_000)
})

describe('proxy passthrough', () => {
  it('the job NO_PROXY list (commas and all) reaches the builder container', async () => {
    const noProxy = 'localhost,127.0.0.1,.corp.example'
    const job = jobs.start(
      {
        ...pushInputs({ registry: http(), name: 'proxy', platforms: 'linux/amd64' })
      },
      { NO_PROXY: noProxy }
    )
    const main = await job.main({ killWhen: /::group::Build / })
    const builder = main.outputs['builder-name'] ?? ''
    const containerEnv = execFileSync(
      'docker',
      ['inspect', `buildx_buildkit_${builder}0`, '--format', '{{json .Config.Env}}'],
      {
        encoding: 'utf8'
      }
    )
    expect(JSON.parse(containerEnv)).toContain(`NO_PROXY=${noProxy}`)
    await job.post()
    expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
  }, 300_000)
})
