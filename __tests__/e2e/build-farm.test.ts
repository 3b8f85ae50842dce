/**
 * Your own build farm in the same step: a BuildKit daemon over mutual TLS serves linux/arm64, the runner's
 * BuildKit the rest (with QEMU only for linux/arm/v7), in one build into the private-CA registry under its
 * private name. The daemon runs on the second engine ($E2E_NODE2_HOST) with the pair's BuildKit image,
 * `--addr tcp://127.0.0.1:PORT`, certificates from a test CA made here with openssl, and its own
 * buildkitd.toml trusting the registry's CA, as a buildkitd Deployment of a cluster would.
 * - the index holds exactly the three platforms, its digests are what the registry serves, and the arm64
 *   image was made by the daemon: its content store holds the manifest the registry serves for
 *   linux/arm64, and the runner's BuildKit does not;
 * - a client certificate from another CA fails naming the node and TLS; post leaves no builder and no key;
 * - the GitLab template's script (the command line) does the same with the TLS material as File variables.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  ROOT,
  buildkitImage,
  contentStore,
  docker,
  env,
  expectCleanedUp,
  expectPushed,
  gitlabJobEnv,
  gitlabTemplateJob,
  indexPlatforms,
  leaks,
  leftovers,
  node2,
  pushInputs,
  rawManifest,
  runProcess,
  sha256,
  useJobs,
  type Job
} from './harness.js'
import { TestCerts } from '../tls-certs.js'

const jobs = useJobs()
const registry = env('E2E_PRIVATE_REGISTRY')
const platforms = env('E2E_PLATFORMS') // linux/amd64,linux/arm64,linux/arm/v7
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-farm-e2e-'))
const certs = path.join(work, 'certs')
const daemon = `e2e-buildkitd-${randomBytes(4).toString('hex')}`
let port = 0

const tlsCerts = new TestCerts(certs)
const pem = (name: string): string => tlsCerts.pem(name)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0)
      })
    })
  })
}

beforeAll(async () => {
  tlsCerts
    .ca('farm-ca')
    .signed('farm-ca', 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
    .signed('farm-ca', 'client', 'extendedKeyUsage=clientAuth\n')
    .ca('other-ca')
    .signed('other-ca', 'stranger', 'extendedKeyUsage=clientAuth\n')
  fs.copyFileSync(env('E2E_REGISTRY_CA'), path.join(certs, 'registry-ca.pem'))
  // The daemon's own settings, as its ConfigMap would hold them: the registry's CA.
  fs.writeFileSync(
    path.join(certs, 'buildkitd.toml'),
    `[registry."${registry}"]\n  ca = ["/certs/registry-ca.pem"]\n`
  )
  for (const file of fs.readdirSync(certs)) fs.chmodSync(path.join(certs, file), 0o644)
  port = await freePort()
  node2([
    'run',
    '-d',
    '--name',
    daemon,
    '--privileged',
    '--network',
    'host',
    '-v',
    `${certs}:/certs:ro`,
    buildkitImage(),
    '--addr',
    `tcp://127.0.0.1:${port}`,
    '--addr',
    'unix:///run/buildkit/buildkitd.sock',
    '--tlscacert',
    '/certs/farm-ca.pem',
    '--tlscert',
    '/certs/server.pem',
    '--tlskey',
    '/certs/server-key.pem',
    '--config',
    '/certs/buildkitd.toml'
  ])
  for (let i = 0; ; i++) {
    try {
      node2(['exec', daemon, 'buildctl', 'debug', 'workers'])
      break
    } catch (error) {
      if (i > 60)
        throw new Error(`the test buildkitd did not start:\n${node2(['logs', daemon])}`, { cause: error })
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }
}, 120_000)

afterAll(() => {
  try {
    node2(['rm', '-f', daemon])
  } catch {
    // never started
  }
  fs.rmSync(work, { recursive: true, force: true })
})

/** Inputs of a three-platform push with linux/arm64 on the daemon, with a client certificate and key. */
function farmInputs(client: string): Record<string, string> & { tags: string } {
  return {
    ...pushInputs({ registry, name: 'build-farm', platforms }),
    'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
    'host-network': 'true',
    nodes: `linux/arm64=remote+tcp://127.0.0.1:${port}`,
    'remote-tls-ca': pem('farm-ca'),
    'remote-tls-cert': pem(client),
    'remote-tls-key': pem(`${client}-key`)
  }
}

/** Lines of a PEM key's body: none may show anywhere. */
const keyLines = (client: string): string[] =>
  pem(`${client}-key`)
    .split('\n')
    .filter(line => line !== '' && !line.startsWith('-----'))

/** Files under `dir` whose text holds any of `lines`. */
function filesHolding(dir: string, lines: readonly string[]): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map(file => path.join(dir, file))
    .filter(file => fs.statSync(file).isFile())
    .filter(file => {
      const text = fs.readFileSync(file, 'utf8')
      return lines.some(line => text.includes(line))
    })
}

describe('nodes: linux/arm64 on a BuildKit daemon over mutual TLS, the rest on the runner', () => {
  let job: Job
  let outputs: Record<string, string> = {}
  let builder = ''

  let inputs: Record<string, string> & { tags: string }
  beforeAll(() => {
    inputs = farmInputs('client')
    job = jobs.start(inputs) // outside any test: finished after the file
  })

  it('main succeeds: one index of exactly the three platforms; only linux/arm/v7 is emulated', async () => {
    const main = await job.main()
    const raw = expectPushed(main, inputs.tags)
    outputs = main.outputs
    builder = outputs['builder-name'] ?? ''
    expect(Object.keys(indexPlatforms(raw)).sort()).toEqual(platforms.split(',').sort())
    expect(outputs['emulated-platforms']).toBe('linux/arm/v7')
    expect(main.log).toContain(
      `remote+tcp://127.0.0.1:${port} builds linux/arm64 with its own buildkitd settings`
    )
    expect(main.log).toContain(
      `--driver remote --platform linux/amd64,linux/arm/v7 --bootstrap docker-container://`
    )
    expect(main.summary).toContain(`<code>${builder}1</code> (tcp://127.0.0.1:${port})`)
  }, 600_000)

  it("the arm64 image was made by the daemon: it holds that manifest, the runner's BuildKit does not", () => {
    const digests = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>
    const onDaemon = contentStore(node2, daemon)
    const onRunner = contentStore(docker, `buildx_buildkit_${builder}-runner0`)
    const where = (digest: string | undefined): string[] =>
      [onRunner.has(digest ?? '') ? 'runner' : '', onDaemon.has(digest ?? '') ? 'daemon' : ''].filter(Boolean)
    expect({
      'linux/amd64': where(digests['linux/amd64']),
      'linux/arm64': where(digests['linux/arm64']),
      'linux/arm/v7': where(digests['linux/arm/v7'])
    }).toEqual({ 'linux/amd64': ['runner'], 'linux/arm64': ['daemon'], 'linux/arm/v7': ['runner'] })
  })

  it('post removes both builders and the key files; the key is in no log, output or file left', async () => {
    const post = await job.post()
    expect(post.log).not.toMatch(/::warning/)
    expectCleanedUp(post, builder)
    expectCleanedUp(post, `${builder}-runner`)
    const lines = keyLines('client')
    for (const line of lines) expect(leaks(job.logs(), line)).toEqual([])
    expect(Object.values(outputs).filter(value => lines.some(line => value.includes(line)))).toEqual([])
    expect(filesHolding(job.dir, lines)).toEqual([])
  }, 120_000)
})

describe('nodes: a client certificate from another CA', () => {
  it('fails naming the node and TLS; post leaves no builder and no key file', async () => {
    const { main, post, job } = await jobs.run(farmInputs('stranger'))
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(
      new RegExp(
        `::error::Builder node remote\\+tcp://127\\.0\\.0\\.1:${port} .*TLS: the daemon refused the client certificate`
      )
    )
    const builder = main.outputs['builder-name'] ?? ''
    expectCleanedUp(post, builder)
    expectCleanedUp(post, `${builder}-runner`)
    const lines = keyLines('stranger')
    for (const line of lines) expect(leaks(job.logs(), line)).toEqual([])
    expect(filesHolding(job.dir, lines)).toEqual([])
  }, 600_000)
})

describe('the command line as a GitLab job, with the daemon and the TLS files as File variables', () => {
  it("the template's script builds the three platforms with linux/arm64 on the daemon; nothing is left", async () => {
    const job = gitlabTemplateJob('.multiarch-build-push')
    const tmp = fs.mkdtempSync(path.join(work, 'tmp-'))
    const jobDir = fs.mkdtempSync(path.join(work, 'job-'))
    const inputs = pushInputs({ registry, name: 'build-farm-cli', platforms })
    const result = await runProcess('sh', ['-e', '-c', job.script.join('\n')], {
      cwd: jobDir,
      env: gitlabJobEnv(tmp, {
        ...job.variables,
        MULTIARCH_CLI: `${process.execPath} ${path.join(ROOT, 'dist/cli/index.js')}`,
        MULTIARCH_PLATFORMS: platforms,
        MULTIARCH_CONTEXT: inputs.context ?? '',
        MULTIARCH_TAGS: inputs.tags,
        MULTIARCH_BUILD_ARGS: inputs['build-args'] ?? '',
        MULTIARCH_CA_CERTS: `${registry}=${env('E2E_REGISTRY_CA')}`,
        MULTIARCH_HOST_NETWORK: 'true',
        MULTIARCH_BUILDKIT_IMAGE: buildkitImage(),
        MULTIARCH_NODES: `linux/arm64=remote+tcp://127.0.0.1:${port}`,
        // File variables: GitLab hands the job their paths.
        MULTIARCH_REMOTE_TLS_CA: path.join(certs, 'farm-ca.pem'),
        MULTIARCH_REMOTE_TLS_CERT: path.join(certs, 'client.pem'),
        MULTIARCH_REMOTE_TLS_KEY: path.join(certs, 'client-key.pem')
      })
    })
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.status).toBe(0)
    const outputs = JSON.parse(
      fs.readFileSync(path.join(jobDir, 'multiarch-outputs.json'), 'utf8')
    ) as Record<string, unknown>
    const raw = rawManifest(inputs.tags)
    expect(outputs.digest).toBe(sha256(raw))
    expect(Object.keys(indexPlatforms(raw)).sort()).toEqual(platforms.split(',').sort())
    expect(outputs['emulated-platforms']).toBe('linux/arm/v7')
    const builder = String(outputs['builder-name'])
    expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
    expect(leftovers(`${builder}-runner`)).toEqual({ containers: [], builders: [] })
    expect(fs.readdirSync(tmp)).toEqual([])
    for (const line of keyLines('client')) expect(result.stderr).not.toContain(line)
  }, 600_000)
})
