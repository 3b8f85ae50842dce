import { describe, expect, it } from '@jest/globals'
import { parseChallenges } from '../../src/registry/auth.js'
import { send, type RecordedRequest, type TestHttpServer } from '../http-server.js'
import {
  basicOf,
  clientFor,
  CREDS,
  failure,
  INDEX,
  INDEX_DIGEST,
  manifestHandler,
  PASSWORD,
  serve,
  USER,
  useTestCertificates
} from './registry-helpers.js'

/** A registry whose token endpoint (on itself, or on `tokenServer`) grants `tok-N` for good credentials. */
async function tokenRegistry(options: {
  challenge: (tokenOrigin: string) => string
  tokenServer?: TestHttpServer
  tokenField?: 'token' | 'access_token'
  anonymous?: boolean
  expiresIn?: number
}): Promise<{ registry: TestHttpServer; tokens: RecordedRequest[] }> {
  const tokens: RecordedRequest[] = []
  let issued = 0
  const tokenHandler = (req: RecordedRequest, res: Parameters<typeof send>[0]): void => {
    tokens.push(req)
    const good = req.headers.authorization === basicOf(USER, PASSWORD)
    if (!good && !(options.anonymous === true && req.headers.authorization === undefined)) {
      send(res, {
        status: 401,
        body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })
      })
      return
    }
    const answer = {
      [options.tokenField ?? 'token']: `tok-${++issued}`,
      expires_in: options.expiresIn ?? 300
    }
    send(res, { status: 200, body: JSON.stringify(answer) })
  }
  options.tokenServer?.route('GET', /^\/auth\/token$/, tokenHandler)
  const registry = await serve((req, res, server) => {
    if (!/^Bearer tok-\d+$/.test(req.headers.authorization ?? '')) {
      const origin = options.tokenServer?.origin ?? server.origin
      send(res, { status: 401, body: '{}', headers: { 'www-authenticate': options.challenge(origin) } })
      return
    }
    void manifestHandler(req, res, server)
  })
  registry.route('GET', '/token', tokenHandler)
  return { registry, tokens }
}

const scopesOf = (req: RecordedRequest | undefined): string[] =>
  new URL(req?.path ?? '', 'http://x').searchParams.getAll('scope')

describe('Bearer tokens', () => {
  it.each(['token', 'access_token'] as const)(
    'gets a token (%s) with Basic credentials and retries',
    async field => {
      const { registry, tokens } = await tokenRegistry({
        challenge: origin =>
          `Bearer realm="${origin}/token",service="test-registry",scope="repository:fx/img:pull"`,
        tokenField: field
      })
      const client = await clientFor(registry.host, { credentials: CREDS })
      expect((await client.getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
      expect(tokens).toHaveLength(1)
      const tokenUrl = new URL(tokens[0]?.path ?? '', 'http://x')
      expect(tokenUrl.searchParams.get('service')).toBe('test-registry')
      expect(scopesOf(tokens[0])).toStrictEqual(['repository:fx/img:pull'])
      expect(registry.requests.map(s => s.headers.authorization)).toStrictEqual([
        undefined,
        basicOf(USER, PASSWORD),
        'Bearer tok-1'
      ])
    }
  )

  it('keeps the token in the client: the next fetch is one request, until it expires', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/token",service="s"`,
      expiresIn: 70
    })
    let now = 1_000_000
    const client = await clientFor(registry.host, { credentials: CREDS, now: () => now })
    await client.getManifest('fx/img', 'v1')
    const before = registry.requests.length
    await client.getManifest('fx/img', INDEX_DIGEST)
    expect(registry.requests.slice(before).map(s => s.headers.authorization)).toStrictEqual(['Bearer tok-1'])
    // Kept for expires_in less 10 s.
    now += 59_000
    await client.getManifest('fx/img', 'v1')
    expect(tokens).toHaveLength(1)
    now += 2_000
    await client.getManifest('fx/img', 'v1')
    expect(tokens).toHaveLength(2)
  })

  it('another client (another run, other credentials) starts without a token', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/token"`,
      anonymous: true
    })
    await (await clientFor(registry.host, { credentials: CREDS })).getManifest('fx/img', 'v1')
    await (await clientFor(registry.host)).getManifest('fx/img', 'v1')
    expect(tokens.map(t => t.headers.authorization)).toStrictEqual([basicOf(USER, PASSWORD), undefined])
  })

  it('uses repository:<repo>:pull when the challenge has no scope, and splits several scopes', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/token"`
    })
    await (await clientFor(registry.host, { credentials: CREDS })).getManifest('a/b/c', 'v1')
    expect(scopesOf(tokens[0])).toStrictEqual(['repository:a/b/c:pull'])
    expect(new URL(tokens[0]?.path ?? '', 'http://x').searchParams.has('service')).toBe(false)

    const two = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/token",scope="repository:x:pull repository:y:pull"`
    })
    await (await clientFor(two.registry.host, { credentials: CREDS })).getManifest('fx/img', 'v1')
    expect(scopesOf(two.tokens[0])).toStrictEqual(['repository:x:pull', 'repository:y:pull'])
  })

  it('gets an anonymous token when no credentials are given (public images)', async () => {
    const { registry, tokens } = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/token",service="s"`,
      anonymous: true
    })
    expect((await (await clientFor(registry.host)).getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
    expect(tokens[0]?.headers.authorization).toBeUndefined()
  })

  it('follows a token realm on another host', async () => {
    const tokenServer = await serve((_req, res) => {
      send(res, { status: 500, body: 'no handler' })
    })
    const { registry, tokens } = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/auth/token",service="s"`,
      tokenServer
    })
    const client = await clientFor(registry.host, { credentials: CREDS })
    expect((await client.getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
    expect(tokenServer.requests.map(s => new URL(s.path, 'http://x').pathname)).toStrictEqual(['/auth/token'])
    expect(tokens).toHaveLength(1)
    expect(registry.requests).toHaveLength(2)
  })

  it('says the token service refused wrong credentials, without the password', async () => {
    const { registry } = await tokenRegistry({
      challenge: origin => `Bearer realm="${origin}/token",service="s"`
    })
    const client = await clientFor(registry.host, {
      credentials: { username: USER, password: 'wrong-secret' }
    })
    const error = await failure(client.getManifest('fx/img', 'v1'))
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
      challenge: origin => `Bearer realm="${origin}/token",service="s"`
    })
    const error = await failure((await clientFor(registry.host)).getManifest('fx/img', 'v1'))
    expect(error.message).toBe(
      `${registry.host}/fx/img needs credentials to read its manifests (HTTP 401 from ${registry.url('/v2/fx/img/manifests/v1')}). ` +
        'Give them with the `registry`, `username` and `password` inputs, or run docker login before this step.'
    )
    expect(error.status).toBe(401)
  })

  it('exchanges an identity token with grant_type=refresh_token', async () => {
    const registry = await serve((req, res, server) => {
      if (req.headers.authorization === 'Bearer tok-9') void manifestHandler(req, res, server)
      else
        send(res, {
          status: 401,
          headers: { 'www-authenticate': `Bearer realm="${server.origin}/oauth",service="svc"` }
        })
    })
    registry.route('POST', '/oauth', (req, res) => {
      const form = new URLSearchParams(req.body.toString())
      const ok = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'r3fresh'
      send(res, { status: ok ? 200 : 401, body: ok ? JSON.stringify({ access_token: 'tok-9' }) : '{}' })
    })
    const client = await clientFor(registry.host, {
      credentials: { username: '', password: '', identityToken: 'r3fresh' }
    })
    expect((await client.getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
    const tokenRequest = registry.requests.find(r => r.path === '/oauth')
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body.toString()))).toStrictEqual({
      grant_type: 'refresh_token',
      refresh_token: 'r3fresh',
      client_id: 'multiarch-build-push-action',
      service: 'svc',
      scope: 'repository:fx/img:pull'
    })
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it.each([
    [
      'a token response without a token',
      '{"nothing":true}',
      /token service http:\/\/127\.0\.0\.1:\d+\/token\?scope=.* answered without a token/
    ],
    ['a realm that is no URL', undefined, /asked for a Bearer token without a usable realm \("nope"\)/]
  ])('reports %s', async (_what, tokenBody, message) => {
    const registry = await serve((_req, res, server) => {
      const realm = tokenBody === undefined ? 'nope' : `${server.origin}/token`
      send(res, { status: 401, headers: { 'www-authenticate': `Bearer realm="${realm}"` } })
    })
    registry.route('GET', '/token', { status: 200, body: tokenBody ?? '' })
    const error = await failure((await clientFor(registry.host)).getManifest('fx/img', 'v1'))
    expect(error.message).toMatch(message)
  })

  it('reports credentials that do not grant the access', async () => {
    const registry = await serve((_req, res, server) => {
      send(res, { status: 401, headers: { 'www-authenticate': `Bearer realm="${server.origin}/token"` } })
    })
    registry.route('GET', '/token', { status: 200, body: '{"token":"useless"}' })
    const client = await clientFor(registry.host, { credentials: CREDS })
    const error = await failure(client.getManifest('fx/img', 'v1'))
    expect(error.message).toContain(`${registry.host}/fx/img refused the credentials (HTTP 401 from`)
    expect(error.message).toContain('do not grant pull access to fx/img')
    const push = await failure(client.putManifest('fx/img', 'v1', { raw: INDEX, mediaType: 'x' }))
    expect(push.message).toContain('do not grant push access to fx/img')
    expect(scopesOf(registry.requests.filter(r => r.path.startsWith('/token')).pop())).toStrictEqual([
      'repository:fx/img:pull,push'
    ])
  })
})

describe('Basic auth', () => {
  const basicRegistry = (): Promise<TestHttpServer> =>
    serve((req, res, server) => {
      if (req.headers.authorization !== basicOf(USER, PASSWORD)) {
        send(res, { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry Realm"' } })
        return
      }
      void manifestHandler(req, res, server)
    })

  it('retries with Basic credentials, then sends them at once (for any repository)', async () => {
    const server = await basicRegistry()
    const client = await clientFor(server.host, { credentials: CREDS })
    expect((await client.getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
    await client.getManifest('other/repo', 'v1')
    expect(server.requests.map(s => s.headers.authorization)).toStrictEqual([
      undefined,
      basicOf(USER, PASSWORD),
      basicOf(USER, PASSWORD)
    ])
  })

  it('without credentials says which inputs provide them', async () => {
    const server = await basicRegistry()
    const error = await failure((await clientFor(server.host)).getManifest('fx/img', 'v1'))
    expect(error.message).toBe(
      `${server.host}/fx/img needs credentials to read its manifests (HTTP 401 from ` +
        `${server.url('/v2/fx/img/manifests/v1')}). Give them with the \`registry\`, \`username\` ` +
        'and `password` inputs, or run docker login before this step.'
    )
    expect(server.requests).toHaveLength(1)
  })

  it('with wrong credentials says they were refused, without the password', async () => {
    const server = await basicRegistry()
    const client = await clientFor(server.host, { credentials: { username: USER, password: 'nope-secret' } })
    const error = await failure(client.getManifest('fx/img', 'v1'))
    expect(error.message).toContain('refused the credentials (HTTP 401')
    expect(error.message).not.toContain('nope-secret')
  })

  it('401 without a challenge is reported', async () => {
    const server = await serve((_req, res) => {
      send(res, { status: 401 })
    })
    const error = await failure((await clientFor(server.host)).getManifest('fx/img', 'v1'))
    expect(error.message).toContain('without a Bearer or Basic WWW-Authenticate challenge')
  })
})

describe('auth over HTTPS', () => {
  const tls = useTestCertificates()

  it('applies the CA to a token realm on another HTTPS host', async () => {
    const tokenServer = await serve(
      (req, res) => {
        const ok = req.headers.authorization === basicOf(USER, PASSWORD)
        send(res, { status: ok ? 200 : 401, body: ok ? '{"token":"tls-tok"}' : '{}' })
      },
      { tls: tls() }
    )
    const registry = await serve(
      (req, res, server) => {
        if (req.headers.authorization === 'Bearer tls-tok') void manifestHandler(req, res, server)
        else
          send(res, {
            status: 401,
            headers: { 'www-authenticate': `Bearer realm="${tokenServer.url('/token')}"` }
          })
      },
      { tls: tls() }
    )
    const client = await clientFor(registry.host, {
      credentials: CREDS,
      transport: { plainHttp: false, insecure: false, caFiles: [tls().caFile] }
    })
    expect((await client.getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
    expect(tokenServer.requests).toHaveLength(1)
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
