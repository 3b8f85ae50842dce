import { openRegistries, type RegistriesOptions } from '../../src/step/registries.js'
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { CommandRunner } from '../../src/core/runner.js'
import { reportDigests, type VerifyOptions } from '../../src/publish/read-back.js'
import { send } from '../http-server.js'
import { commands } from '../stdout.js'
import { FakeReporter } from './fake-reporter.js'
import {
  basicOf,
  INDEX_DIGEST,
  manifestHandler,
  OCI_INDEX,
  PASSWORD,
  serve,
  USER
} from './registry-helpers.js'

const AMD64 = 'sha256:29f05d9d365ebd802feac369244ea42042ec4a6ad1c9727980e17f3adc159cc0'
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-'))
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})
let n = 0

const noCommands: CommandRunner = {
  run(command) {
    throw new Error(`unexpected command ${command}`)
  }
}

type Overrides = Partial<Omit<VerifyOptions, 'reporter' | 'registries'>> &
  Partial<Pick<RegistriesOptions, 'config' | 'login' | 'proxyFor'>>

/** The read-back's options, and the run's registries opened the way the run opens them (lazily). */
function options(
  names: string[],
  overrides: Overrides = {}
): VerifyOptions & { logged: string[]; reporter: FakeReporter; dockerConfigDir: string } {
  const dir = path.join(root, String(n++))
  fs.mkdirSync(dir)
  const metadataFile = path.join(dir, 'metadata.json')
  fs.writeFileSync(
    metadataFile,
    JSON.stringify({ 'containerimage.digest': INDEX_DIGEST, 'image.name': names.join(',') })
  )
  const logged: string[] = []
  const { config = {}, login, proxyFor = () => undefined, ...rest } = overrides
  const reporter = new FakeReporter()
  const registries = openRegistries({
    config,
    dockerConfigDir: dir,
    ...(login ? { login } : {}),
    runner: noCommands,
    reporter,
    env: {},
    proxyFor,
    now: () => 0
  })
  return {
    logged,
    metadataFile,
    pushed: true,
    platforms: ['linux/amd64', 'linux/arm64'],
    registries,
    dockerConfigDir: dir,
    reporter,
    retry: {
      retries: 2,
      initialDelayMs: 1,
      log: m => logged.push(m),
      sleep: () => Promise.resolve()
    },
    ...rest
  }
}

describe('reportDigests', () => {
  it('reads the pushed index back once per repository and reports its platforms', async () => {
    const server = await serve(manifestHandler)
    const report = await reportDigests(
      options([`${server.host}/fx/img:v1`, `${server.host}/fx/img:v2`, `${server.host}/fx/other:v1`])
    )
    expect(report.digest).toBe(INDEX_DIGEST)
    expect(report.platforms['linux/amd64']).toBe(AMD64)
    expect(Object.keys(report.platforms).sort()).toStrictEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64'])
    expect(report.verified).toStrictEqual([`${server.host}/fx/img:v2`, `${server.host}/fx/other:v1`])
    // One fetch of the index per repository; what each tag serves now is looked up by HEAD.
    expect(server.log().sort()).toStrictEqual([
      `GET /v2/fx/img/manifests/${INDEX_DIGEST}`,
      `GET /v2/fx/other/manifests/${INDEX_DIGEST}`,
      'HEAD /v2/fx/img/manifests/v1',
      'HEAD /v2/fx/img/manifests/v2',
      'HEAD /v2/fx/other/manifests/v1'
    ])
    expect(report.moved).toStrictEqual([])
  })

  it('reads the names the inputs gave when the metadata names none (a build spread over nodes, by digest)', async () => {
    const server = await serve(manifestHandler)
    const report = await reportDigests(options([], { names: [`${server.host}/fx/img`] }))
    expect(report.verified).toStrictEqual([`${server.host}/fx/img`])
    expect(report.platforms['linux/amd64']).toBe(AMD64)
    expect(server.log()).toStrictEqual([`GET /v2/fx/img/manifests/${INDEX_DIGEST}`])
  })

  it('prefers the names in the metadata over the inputs', async () => {
    const server = await serve(manifestHandler)
    const report = await reportDigests(
      options([`${server.host}/fx/img:v1`], { names: [`${server.host}/fx/other:v1`] })
    )
    expect(report.verified).toStrictEqual([`${server.host}/fx/img:v1`])
  })

  it('uses the credentials in docker config.json, and retries a 5xx with the same client', async () => {
    let failures = 1
    const server = await serve((req, res, self) => {
      if (req.headers.authorization !== basicOf(USER, PASSWORD)) {
        send(res, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })
      } else if (failures-- > 0) {
        send(res, { status: 503 })
      } else {
        void manifestHandler(req, res, self)
      }
    })
    const given = options([`${server.host}/fx/img:v1`])
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64')
    fs.writeFileSync(
      path.join(given.dockerConfigDir, 'config.json'),
      JSON.stringify({ auths: { [server.host]: { auth } } })
    )
    const report = await reportDigests(given)
    expect(report.verified).toStrictEqual([`${server.host}/fx/img:v1`])
    expect(given.logged.join('\n')).toMatch(/registry server error \(503\)/)
    // 401, 503, then the retry (and the tag's look-up) send the Basic credentials at once.
    expect(server.requests.map(r => r.headers.authorization)).toStrictEqual([
      undefined,
      basicOf(USER, PASSWORD),
      basicOf(USER, PASSWORD),
      basicOf(USER, PASSWORD)
    ])
  })

  it('fails naming both digests when the registry serves another index', async () => {
    const server = await serve((_req, res) => {
      send(res, {
        status: 200,
        body: '{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'
      })
    })
    const given = options([`${server.host}/fx/img:v1`])
    await expect(reportDigests(given)).rejects.toThrow('served content whose sha256 is')
  })

  it('asks nothing of the registry when the image was not pushed', async () => {
    const report = await reportDigests(options(['127.0.0.1:1/fx/img:v1'], { pushed: false }))
    expect(report).toMatchObject({ digest: INDEX_DIGEST, platforms: {}, verified: [] })
  })

  it('says what to check when buildx reported no digest after a push', async () => {
    const given = options(['127.0.0.1:1/fx/img:v1'])
    fs.writeFileSync(given.metadataFile, '{}')
    await expect(reportDigests(given)).rejects.toThrow('buildx reported no image digest')
  })

  it('reaches the registry through the proxy it is given', async () => {
    const server = await serve(manifestHandler)
    const proxy = await serve(() => undefined)
    proxy.tunnelTo(server.port)
    const given = options([`registry.example.invalid:${server.port}/fx/img:v1`], {
      proxyFor: () => new URL(proxy.origin),
      config: { registry: { [`registry.example.invalid:${server.port}`]: { http: true } } }
    })
    const report = await reportDigests(given)
    expect(report.platforms['linux/amd64']).toBe(AMD64)
    expect(proxy.connects.every(c => c === `registry.example.invalid:${server.port}`)).toBe(true)
  })

  it('reads the login registry with the login inputs, whatever the docker config holds', async () => {
    const server = await serve((req, res, self) => {
      if (req.headers.authorization !== basicOf(USER, PASSWORD))
        send(res, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })
      else void manifestHandler(req, res, self)
    })
    const given = options([`${server.host}/fx/img:v1`], {
      login: { registry: server.host, username: USER, password: PASSWORD }
    })
    const wrong = Buffer.from(`${USER}:stale`).toString('base64')
    fs.writeFileSync(
      path.join(given.dockerConfigDir, 'config.json'),
      JSON.stringify({ auths: { [server.host]: { auth: wrong } } })
    )
    const report = await reportDigests(given)
    expect(report.platforms['linux/amd64']).toBe(AMD64)
  })

  it('a docker config that is not JSON: a warning, and the registry is read anonymously', async () => {
    const server = await serve(manifestHandler)
    const given = options([`${server.host}/fx/img:v1`])
    fs.writeFileSync(path.join(given.dockerConfigDir, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0"}}')
    const report = await reportDigests(given)
    expect(report.platforms['linux/amd64']).toBe(AMD64)
    const log = given.reporter.log
    expect(commands(log, 'warning').join('\n')).toMatch(/not valid JSON.*without credentials/)
    expect(log).not.toContain('c2VjcmV0')
    expect(server.requests.map(r => r.headers.authorization)).toStrictEqual([undefined, undefined])
  })

  it('a tag that serves another index by now (another run pushed it): a warning with both digests', async () => {
    const other = `sha256:${'ab'.repeat(32)}`
    const server = await serve((req, res, self) => {
      if (req.method === 'HEAD' && req.path === '/v2/fx/img/manifests/v1')
        send(res, { status: 200, headers: { 'content-type': OCI_INDEX, 'docker-content-digest': other } })
      else if (req.method === 'HEAD' && req.path === '/v2/fx/img/manifests/gone') send(res, { status: 404 })
      else void manifestHandler(req, res, self)
    })
    const given = options([
      `${server.host}/fx/img:v1`,
      `${server.host}/fx/img:gone`,
      `${server.host}/fx/img:v2`
    ])
    const report = await reportDigests(given)
    const log = given.reporter.log
    expect(report.moved).toStrictEqual([
      { tag: `${server.host}/fx/img:v1`, served: other },
      { tag: `${server.host}/fx/img:gone`, served: '' }
    ])
    const warnings = commands(log, 'warning')
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain(INDEX_DIGEST)
    expect(warnings[0]).toContain(other)
    expect(report.platforms['linux/amd64']).toBe(AMD64)
  })
})
