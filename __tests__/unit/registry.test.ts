import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Credentials } from '../../src/docker/credentials.js'
import {
  clearAuthCache,
  fetchManifest,
  MANIFEST_ACCEPT,
  parseChallenges,
  RegistryError,
  transientRegistryFailure,
  type RegistryTransport
} from '../../src/registry/client.js'
import type { ImageReference } from '../../src/oci/reference.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'buildx-0.13')
const INDEX = readFileSync(path.join(fixtures, 'index-3-platforms.json'))
const INDEX_DIGEST = 'sha256:e2c70c61673b73dbe8833b3df0b0e684c41f076307fde4fb913ed532d38a1812'
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const HTTP: RegistryTransport = { plainHttp: true, insecure: false, caFiles: [] }
const USER = 'ci-user'
const PASSWORD = 'p@ss:w0rd'
const CREDS: Credentials = { username: USER, password: PASSWORD }
const basicOf = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

interface Seen {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
}

type Handler = (req: Seen, res: http.ServerResponse, port: number) => void

interface TestServer {
  port: number
  seen: Seen[]
  close(): Promise<void>
}

const servers: TestServer[] = []

/** An HTTP (or HTTPS, given TLS options) server on 127.0.0.1 that records every request. */
async function serve(handler: Handler, tlsOptions?: https.ServerOptions): Promise<TestServer> {
  const seen: Seen[] = []
  let port = 0
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString()
      }
      seen.push(entry)
      handler(entry, res, port)
    })
  }
  const server = tlsOptions ? https.createServer(tlsOptions, listener) : http.createServer(listener)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  port = address.port
  const result: TestServer = {
    port,
    seen,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      })
  }
  servers.push(result)
  return result
}

function send(
  res: http.ServerResponse,
  status: number,
  body: Buffer | string,
  headers: http.OutgoingHttpHeaders = {}
) {
  res.writeHead(status, headers)
  res.end(body)
}

function manifestHandler(req: Seen, res: http.ServerResponse): void {
  if (req.headers.accept !== MANIFEST_ACCEPT) {
    send(res, 406, 'bad accept')
    return
  }
  send(res, 200, INDEX, { 'content-type': OCI_INDEX, 'docker-content-digest': INDEX_DIGEST })
}

const ref = (port: number, repository = 'fx/img'): ImageReference => ({
  registry: `127.0.0.1:${port}`,
  repository
})

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof RegistryError)) throw new Error(`expected a RegistryError, got ${String(error)}`)
  return error
}

beforeEach(() => {
  clearAuthCache()
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()))
})

describe('fetchManifest without auth', () => {
  it('fetches by tag in one request, with the Accept list', async () => {
    const server = await serve(manifestHandler)
    const got = await fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP })
    expect(got).toStrictEqual({ raw: INDEX, mediaType: OCI_INDEX, digest: INDEX_DIGEST })
    expect(server.seen.map(s => `${s.method} ${s.path}`)).toStrictEqual(['GET /v2/fx/img/manifests/v1'])
    expect(server.seen[0]?.headers.authorization).toBeUndefined()
    for (const type of [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json'
    ]) {
      expect(MANIFEST_ACCEPT.split(', ')).toContain(type)
    }
  })

  it('fetches by digest', async () => {
    const server = await serve(manifestHandler)
    const got = await fetchManifest({ reference: ref(server.port), ref: INDEX_DIGEST, transport: HTTP })
    expect(got.digest).toBe(INDEX_DIGEST)
    expect(server.seen[0]?.path).toBe(`/v2/fx/img/manifests/${INDEX_DIGEST}`)
  })

  it.each([
    ['application/json', OCI_INDEX],
    ['application/vnd.oci.image.index.v1+json; charset=utf-8', OCI_INDEX],
    ['Application/VND.OCI.Image.Index.v1+json', OCI_INDEX]
  ])('reports media type %j as %s', async (contentType, expected) => {
    const server = await serve((_req, res) => {
      send(res, 200, INDEX, { 'content-type': contentType })
    })
    const got = await fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP })
    expect(got.mediaType).toBe(expected)
  })

  it('rejects content that does not match the requested digest', async () => {
    const server = await serve((_req, res) => {
      send(res, 200, `${INDEX.toString()}\n`, { 'content-type': OCI_INDEX })
    })
    const error = await failure(
      fetchManifest({ reference: ref(server.port), ref: INDEX_DIGEST, transport: HTTP })
    )
    expect(error.message).toMatch(
      /served content whose sha256 is sha256:[0-9a-f]{64}, not the requested sha256:e2c7/
    )
  })

  it('rejects a Docker-Content-Digest header that does not match the bytes', async () => {
    const other = `sha256:${'0'.repeat(64)}`
    const server = await serve((_req, res) => {
      send(res, 200, INDEX, { 'content-type': OCI_INDEX, 'docker-content-digest': other })
    })
    const error = await failure(fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP }))
    expect(error.message).toContain(`says its manifest is ${other} (Docker-Content-Digest)`)
    expect(error.message).toContain(`hash to ${INDEX_DIGEST}`)
  })

  it('follows a redirect', async () => {
    const server = await serve((req, res) => {
      if (req.path === '/v2/fx/img/manifests/v1') send(res, 307, '', { location: '/elsewhere' })
      else manifestHandler(req, res)
    })
    const got = await fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP })
    expect(got.digest).toBe(INDEX_DIGEST)
    expect(server.seen.map(s => s.path)).toStrictEqual(['/v2/fx/img/manifests/v1', '/elsewhere'])
  })

  it('404 names the manifest, repository, URL and registry error', async () => {
    const server = await serve((_req, res) => {
      send(res, 404, JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }))
    })
    const error = await failure(fetchManifest({ reference: ref(server.port), ref: 'v9', transport: HTTP }))
    expect(error.message).toBe(
      `Manifest v9 not found in 127.0.0.1:${server.port}/fx/img (HTTP 404 from http://127.0.0.1:${server.port}/v2/fx/img/manifests/v9): MANIFEST_UNKNOWN: manifest unknown`
    )
    expect(error.status).toBe(404)
  })

  it('other statuses name the status and URL', async () => {
    const server = await serve((_req, res) => {
      send(res, 502, 'bad gateway')
    })
    const error = await failure(fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP }))
    expect(error.message).toBe(
      `Fetching manifest v1 of 127.0.0.1:${server.port}/fx/img failed: HTTP 502 from http://127.0.0.1:${server.port}/v2/fx/img/manifests/v1`
    )
    expect(error.status).toBe(502)
  })

  it.each(['', 'v1 x', 'sha256:abc', '.hidden'])('rejects the ref %j before any request', async badRef => {
    await expect(fetchManifest({ reference: ref(1), ref: badRef, transport: HTTP })).rejects.toThrow(
      'neither a tag nor a sha256 digest'
    )
  })
})

describe('fetchManifest with Bearer tokens', () => {
  /** A registry whose token endpoint (on `tokenServer`, or itself) grants `tok-N` for good credentials. */
  async function tokenRegistry(options: {
    challenge: (port: number, tokenPort: number) => string
    tokenServer?: TestServer
    tokenField?: 'token' | 'access_token'
    anonymous?: boolean
  }): Promise<{ registry: TestServer; tokens: Seen[] }> {
    const tokens: Seen[] = []
    let issued = 0
    const tokenHandler = (req: Seen, res: http.ServerResponse): void => {
      tokens.push(req)
      const good = req.headers.authorization === basicOf(USER, PASSWORD)
      if (!good && !(options.anonymous === true && req.headers.authorization === undefined)) {
        send(
          res,
          401,
          JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })
        )
        return
      }
      send(res, 200, JSON.stringify({ [options.tokenField ?? 'token']: `tok-${++issued}`, expires_in: 300 }))
    }
    const tokenServer = options.tokenServer
    const registry = await serve((req, res, port) => {
      if (req.path.startsWith('/token')) {
        tokenHandler(req, res)
        return
      }
      if (!/^Bearer tok-\d+$/.test(req.headers.authorization ?? '')) {
        send(res, 401, '{}', { 'www-authenticate': options.challenge(port, tokenServer?.port ?? port) })
        return
      }
      manifestHandler(req, res)
    })
    if (tokenServer) {
      tokenServer.seen.length = 0
      // The token server was created with a forwarding handler; see the "another host" test.
      tokenServers.set(tokenServer.port, tokenHandler)
    }
    return { registry, tokens }
  }
  const tokenServers = new Map<number, (req: Seen, res: http.ServerResponse) => void>()

  it.each(['token', 'access_token'] as const)(
    'gets a token (%s) with Basic credentials and retries',
    async field => {
      const { registry, tokens } = await tokenRegistry({
        challenge: (_p, tp) =>
          `Bearer realm="http://127.0.0.1:${tp}/token",service="test-registry",scope="repository:fx/img:pull"`,
        tokenField: field
      })
      const got = await fetchManifest({
        reference: ref(registry.port),
        ref: 'v1',
        transport: HTTP,
        credentials: CREDS
      })
      expect(got.digest).toBe(INDEX_DIGEST)
      expect(tokens).toHaveLength(1)
      const tokenUrl = new URL(tokens[0]?.path ?? '', 'http://x')
      expect(tokenUrl.pathname).toBe('/token')
      expect(tokenUrl.searchParams.get('service')).toBe('test-registry')
      expect(tokenUrl.searchParams.getAll('scope')).toStrictEqual(['repository:fx/img:pull'])
      expect(registry.seen.map(s => s.headers.authorization)).toStrictEqual([
        undefined,
        basicOf(USER, PASSWORD),
        'Bearer tok-1'
      ])
    }
  )

  it('reuses the token: the next fetch is one request', async () => {
    const { registry } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/token",service="s"`
    })
    await fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP, credentials: CREDS })
    const before = registry.seen.length
    await fetchManifest({
      reference: ref(registry.port),
      ref: INDEX_DIGEST,
      transport: HTTP,
      credentials: CREDS
    })
    expect(registry.seen.slice(before).map(s => s.headers.authorization)).toStrictEqual(['Bearer tok-1'])
  })

  it('does not reuse a token for other credentials', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/token"`,
      anonymous: true
    })
    await fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP, credentials: CREDS })
    await fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP })
    expect(tokens.map(t => t.headers.authorization)).toStrictEqual([basicOf(USER, PASSWORD), undefined])
  })

  it('uses repository:<repo>:pull when the challenge has no scope, and splits several scopes', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/token"`
    })
    await fetchManifest({
      reference: ref(registry.port, 'a/b/c'),
      ref: 'v1',
      transport: HTTP,
      credentials: CREDS
    })
    expect(new URL(tokens[0]?.path ?? '', 'http://x').searchParams.getAll('scope')).toStrictEqual([
      'repository:a/b/c:pull'
    ])
    expect(new URL(tokens[0]?.path ?? '', 'http://x').searchParams.has('service')).toBe(false)

    clearAuthCache()
    const two = await tokenRegistry({
      challenge: (_p, tp) =>
        `Bearer realm="http://127.0.0.1:${tp}/token",scope="repository:x:pull repository:y:pull"`
    })
    await fetchManifest({ reference: ref(two.registry.port), ref: 'v1', transport: HTTP, credentials: CREDS })
    expect(new URL(two.tokens[0]?.path ?? '', 'http://x').searchParams.getAll('scope')).toStrictEqual([
      'repository:x:pull',
      'repository:y:pull'
    ])
  })

  it('gets an anonymous token when no credentials are given (public images)', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/token",service="s"`,
      anonymous: true
    })
    const got = await fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP })
    expect(got.digest).toBe(INDEX_DIGEST)
    expect(tokens[0]?.headers.authorization).toBeUndefined()
  })

  it('follows a token realm on another host', async () => {
    const tokenServer = await serve((req, res, port) => {
      const handler = tokenServers.get(port)
      if (handler) handler(req, res)
      else send(res, 500, 'no handler')
    })
    const { registry, tokens } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/auth/token",service="s"`,
      tokenServer
    })
    expect(tokenServer.port).not.toBe(registry.port)
    const got = await fetchManifest({
      reference: ref(registry.port),
      ref: 'v1',
      transport: HTTP,
      credentials: CREDS
    })
    expect(got.digest).toBe(INDEX_DIGEST)
    expect(tokenServer.seen.map(s => new URL(s.path, 'http://x').pathname)).toStrictEqual(['/auth/token'])
    expect(tokens).toHaveLength(1)
    expect(registry.seen).toHaveLength(2)
  })

  it('says the token service refused wrong credentials, without the password', async () => {
    const { registry } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/token",service="s"`
    })
    const error = await failure(
      fetchManifest({
        reference: ref(registry.port),
        ref: 'v1',
        transport: HTTP,
        credentials: { username: USER, password: 'wrong-secret' }
      })
    )
    expect(error.message).toMatch(
      new RegExp(
        `^The token service of 127\\.0\\.0\\.1:${registry.port}/fx/img refused the credentials \\(HTTP 401 from http://127\\.0\\.0\\.1:${registry.port}/token\\?`
      )
    )
    expect(error.message).toContain('UNAUTHORIZED: authentication required')
    expect(error.message).not.toContain('wrong-secret')
    expect(error.message).not.toContain(Buffer.from(`${USER}:wrong-secret`).toString('base64'))
  })

  it('says credentials are needed when the anonymous token request is refused', async () => {
    const { registry } = await tokenRegistry({
      challenge: (_p, tp) => `Bearer realm="http://127.0.0.1:${tp}/token",service="s"`
    })
    const error = await failure(fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP }))
    expect(error.message).toContain('needs credentials')
    expect(error.status).toBe(401)
  })

  it('exchanges an identity token with grant_type=refresh_token', async () => {
    const tokens: Seen[] = []
    const registry = await serve((req, res, port) => {
      if (req.path.startsWith('/oauth')) {
        tokens.push(req)
        const form = new URLSearchParams(req.body)
        const ok =
          req.method === 'POST' &&
          form.get('grant_type') === 'refresh_token' &&
          form.get('refresh_token') === 'r3fresh'
        send(res, ok ? 200 : 401, ok ? JSON.stringify({ access_token: 'tok-9' }) : '{}')
        return
      }
      if (req.headers.authorization !== 'Bearer tok-9') {
        send(res, 401, '', {
          'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/oauth",service="svc"`
        })
        return
      }
      manifestHandler(req, res)
    })
    const got = await fetchManifest({
      reference: ref(registry.port),
      ref: 'v1',
      transport: HTTP,
      credentials: { username: '', password: '', identityToken: 'r3fresh' }
    })
    expect(got.digest).toBe(INDEX_DIGEST)
    const form = new URLSearchParams(tokens[0]?.body)
    expect(Object.fromEntries(form)).toStrictEqual({
      grant_type: 'refresh_token',
      refresh_token: 'r3fresh',
      client_id: 'multiarch-build-push-action',
      service: 'svc',
      scope: 'repository:fx/img:pull'
    })
    expect(tokens[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it('reports a token response without a token', async () => {
    const registry = await serve((req, res, port) => {
      if (req.path.startsWith('/token')) send(res, 200, '{"nothing":true}')
      else send(res, 401, '', { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token"` })
    })
    const error = await failure(fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP }))
    expect(error.message).toMatch(
      /token service http:\/\/127\.0\.0\.1:\d+\/token\?scope=.* answered without a token/
    )
  })

  it('reports credentials that do not grant pull access', async () => {
    const registry = await serve((req, res, port) => {
      if (req.path.startsWith('/token')) send(res, 200, '{"token":"useless"}')
      else send(res, 401, '', { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token"` })
    })
    const error = await failure(
      fetchManifest({ reference: ref(registry.port), ref: 'v1', transport: HTTP, credentials: CREDS })
    )
    expect(error.message).toContain(
      `127.0.0.1:${registry.port}/fx/img refused the credentials (HTTP 401 from`
    )
    expect(error.message).toContain('do not grant pull access to fx/img')
  })
})

describe('fetchManifest with Basic auth', () => {
  async function basicRegistry(): Promise<TestServer> {
    return serve((req, res) => {
      if (req.headers.authorization !== basicOf(USER, PASSWORD)) {
        send(res, 401, '', { 'www-authenticate': 'Basic realm="Registry Realm"' })
        return
      }
      manifestHandler(req, res)
    })
  }

  it('retries with Basic credentials, then sends them at once', async () => {
    const server = await basicRegistry()
    const got = await fetchManifest({
      reference: ref(server.port),
      ref: 'v1',
      transport: HTTP,
      credentials: CREDS
    })
    expect(got.digest).toBe(INDEX_DIGEST)
    await fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP, credentials: CREDS })
    expect(server.seen.map(s => s.headers.authorization)).toStrictEqual([
      undefined,
      basicOf(USER, PASSWORD),
      basicOf(USER, PASSWORD)
    ])
  })

  it('without credentials says which inputs provide them', async () => {
    const server = await basicRegistry()
    const error = await failure(fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP }))
    expect(error.message).toBe(
      `127.0.0.1:${server.port}/fx/img needs credentials to read the pushed manifest (HTTP 401 from ` +
        `http://127.0.0.1:${server.port}/v2/fx/img/manifests/v1). Give them with the \`registry\`, \`username\` ` +
        'and `password` inputs, or run docker login before this step.'
    )
    expect(server.seen).toHaveLength(1)
  })

  it('with wrong credentials says they were refused, without the password', async () => {
    const server = await basicRegistry()
    const error = await failure(
      fetchManifest({
        reference: ref(server.port),
        ref: 'v1',
        transport: HTTP,
        credentials: { username: USER, password: 'nope-secret' }
      })
    )
    expect(error.message).toContain('refused the credentials (HTTP 401')
    expect(error.message).not.toContain('nope-secret')
  })

  it('401 without a challenge is reported', async () => {
    const server = await serve((_req, res) => {
      send(res, 401, '')
    })
    const error = await failure(fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP }))
    expect(error.message).toContain('without a Bearer or Basic WWW-Authenticate challenge')
  })
})

describe('fetchManifest network failures', () => {
  it('connection refused', async () => {
    const server = await serve(manifestHandler)
    const port = server.port
    await server.close()
    const error = await failure(fetchManifest({ reference: ref(port), ref: 'v1', transport: HTTP }))
    expect(error.message).toBe(
      `Connection refused by 127.0.0.1:${port} (http://127.0.0.1:${port}/v2/fx/img/manifests/v1)`
    )
    expect(error.code).toBe('ECONNREFUSED')
  })

  it('timeout', async () => {
    const server = await serve(() => {
      // never answers
    })
    const started = Date.now()
    const error = await failure(
      fetchManifest({ reference: ref(server.port), ref: 'v1', transport: HTTP, timeoutMs: 300 })
    )
    expect(error.message).toBe(
      `Timed out after 300 ms waiting for http://127.0.0.1:${server.port}/v2/fx/img/manifests/v1`
    )
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('unknown host', async () => {
    const error = await failure(
      fetchManifest({
        reference: { registry: 'no-such-host.invalid:5000', repository: 'x' },
        ref: 'v1',
        transport: HTTP
      })
    )
    expect(error.message).toMatch(/^Cannot resolve the host name no-such-host\.invalid/)
  })

  it('reports an unreadable CA file', async () => {
    await expect(
      fetchManifest({
        reference: ref(1),
        ref: 'v1',
        transport: { plainHttp: false, insecure: false, caFiles: ['/nonexistent/ca.pem'] }
      })
    ).rejects.toThrow('Cannot read the CA certificate file /nonexistent/ca.pem (ca-certs)')
  })
})

describe('fetchManifest through a proxy', () => {
  const keys = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
  const saved = keys.map(key => [key, process.env[key]] as const)
  afterEach(() => {
    for (const [key, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, key)
      else process.env[key] = value
    }
  })

  /** A CONNECT proxy that sends every tunnel to 127.0.0.1:<target>, whatever host was asked for. */
  async function connectProxy(
    target: number
  ): Promise<{ port: number; asked: string[]; close(): Promise<void> }> {
    const asked: string[] = []
    const proxy = http.createServer((_req, res) => {
      send(res, 405, 'CONNECT only')
    })
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
      asked.push(req.url ?? '')
      const upstream = net.connect(target, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    const address = proxy.address()
    if (address === null || typeof address === 'string') throw new Error('no address')
    return {
      port: address.port,
      asked,
      close: () =>
        new Promise<void>(resolve => {
          proxy.closeAllConnections()
          proxy.close(() => {
            resolve()
          })
        })
    }
  }

  it('uses HTTP_PROXY for a host it cannot resolve itself, and NO_PROXY bypasses it', async () => {
    const server = await serve(manifestHandler)
    const proxy = await connectProxy(server.port)
    try {
      delete process.env['http_proxy']
      delete process.env['no_proxy']
      process.env['HTTP_PROXY'] = `http://127.0.0.1:${proxy.port}`
      const reference = { registry: `registry.proxied.invalid:${server.port}`, repository: 'fx/img' }
      const got = await fetchManifest({ reference, ref: 'v1', transport: HTTP })
      expect(got.digest).toBe(INDEX_DIGEST)
      expect(proxy.asked).toStrictEqual([`registry.proxied.invalid:${server.port}`])

      process.env['NO_PROXY'] = 'proxied.invalid'
      const error = await failure(fetchManifest({ reference, ref: 'v1', transport: HTTP }))
      expect(error.message).toMatch(/^Cannot resolve the host name registry\.proxied\.invalid/)
      expect(proxy.asked).toHaveLength(1)
    } finally {
      await proxy.close()
    }
  })
})

describe('fetchManifest over HTTPS', () => {
  let dir: string
  let caFile: string
  let tlsOptions: https.ServerOptions

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'registry-tls-'))
    const run = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    }
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=test CA'
    )
    run(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1'
    )
    await writeFile(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n')
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'ext.cnf'
    )
    caFile = path.join(dir, 'ca.crt')
    tlsOptions = {
      key: readFileSync(path.join(dir, 'server.key')),
      cert: readFileSync(path.join(dir, 'server.crt'))
    }
  }, 60_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('verifies the registry with the CA from caFiles', async () => {
    const server = await serve(manifestHandler, tlsOptions)
    const got = await fetchManifest({
      reference: ref(server.port),
      ref: 'v1',
      transport: { plainHttp: false, insecure: false, caFiles: [caFile] }
    })
    expect(got.digest).toBe(INDEX_DIGEST)
  })

  it('fails without the CA, pointing at ca-certs', async () => {
    const server = await serve(manifestHandler, tlsOptions)
    const error = await failure(
      fetchManifest({
        reference: ref(server.port),
        ref: 'v1',
        transport: { plainHttp: false, insecure: false, caFiles: [] }
      })
    )
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(error.message).toContain(`TLS certificate verification failed for 127.0.0.1:${server.port}`)
    expect(error.message).toContain('`ca-certs` input')
    expect(error.message).toContain('`insecure-registries`')
    expect(server.seen).toHaveLength(0)
  })

  it('works without verification when insecure', async () => {
    const server = await serve(manifestHandler, tlsOptions)
    const got = await fetchManifest({
      reference: ref(server.port),
      ref: 'v1',
      transport: { plainHttp: false, insecure: true, caFiles: [] }
    })
    expect(got.digest).toBe(INDEX_DIGEST)
  })

  it('applies the CA to a token realm on another HTTPS host', async () => {
    const tokenServer = await serve((req, res) => {
      const ok = req.headers.authorization === basicOf(USER, PASSWORD)
      send(res, ok ? 200 : 401, ok ? '{"token":"tls-tok"}' : '{}')
    }, tlsOptions)
    const registry = await serve((req, res) => {
      if (req.headers.authorization === 'Bearer tls-tok') manifestHandler(req, res)
      else
        send(res, 401, '', {
          'www-authenticate': `Bearer realm="https://127.0.0.1:${tokenServer.port}/token"`
        })
    }, tlsOptions)
    const transport = { plainHttp: false, insecure: false, caFiles: [caFile] }
    const got = await fetchManifest({
      reference: ref(registry.port),
      ref: 'v1',
      transport,
      credentials: CREDS
    })
    expect(got.digest).toBe(INDEX_DIGEST)
    expect(tokenServer.seen).toHaveLength(1)
  })

  it('says when the registry speaks plain HTTP', async () => {
    const server = await serve(manifestHandler)
    const error = await failure(
      fetchManifest({
        reference: ref(server.port),
        ref: 'v1',
        transport: { plainHttp: false, insecure: false, caFiles: [] }
      })
    )
    expect(error.message).toContain('looks like the registry speaks plain HTTP')
  })
})

describe('parseChallenges', () => {
  it.each<[string | string[], { scheme: string; params: Record<string, string> }[]]>([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/alpine:pull'
          }
        }
      ]
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Basic realm="a, b", Bearer realm="https://t/x", service=svc',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://t/x', service: 'svc' } }
      ]
    ],
    [
      ['Basic realm="r"', 'BEARER Realm="u" , Error="insufficient_scope"'],
      [
        { scheme: 'basic', params: { realm: 'r' } },
        { scheme: 'bearer', params: { realm: 'u', error: 'insufficient_scope' } }
      ]
    ],
    ['Bearer realm="with \\"quotes\\""', [{ scheme: 'bearer', params: { realm: 'with "quotes"' } }]],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []]
  ])('%j', (header, expected) => {
    expect(parseChallenges(header)).toStrictEqual(expected)
  })
})

describe('transientRegistryFailure', () => {
  it.each<[RegistryError | Error, string | undefined]>([
    [new RegistryError('x', { url: 'u', status: 503 }), 'registry server error (503)'],
    [new RegistryError('x', { url: 'u', status: 429 }), 'registry rate limit (429)'],
    [new RegistryError('x', { url: 'u', code: 'ECONNRESET' }), 'ECONNRESET'],
    [new RegistryError('Timed out after 30000 ms waiting for u', { url: 'u' }), 'timeout'],
    [new RegistryError('x', { url: 'u', status: 404 }), undefined],
    [new RegistryError('x', { url: 'u', status: 401 }), undefined],
    [new RegistryError('x', { url: 'u', code: 'SELF_SIGNED_CERT_IN_CHAIN' }), undefined],
    [new Error('something else'), undefined]
  ])('%s', (error, reason) => {
    expect(transientRegistryFailure(error)).toBe(reason)
  })
})
