import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import {
  displayUrl,
  networkError,
  RegistryError,
  registryErrors,
  transientRegistryFailure
} from '../../src/registry/registry-errors.js'
import { readAll, Transport, type TransportOptions } from '../../src/registry/transport.js'
import { send, TestHttpServer } from '../http-server.js'
import { failure, HTTP, serve, useTestCertificates } from './registry-helpers.js'

async function open(
  server: TestHttpServer | string,
  options: Partial<TransportOptions> = {}
): Promise<Transport> {
  const registry = typeof server === 'string' ? server : server.host
  return Transport.open({ registry, settings: HTTP, proxyFor: () => undefined, ...options })
}

const get = (url: string, headers: Record<string, string> = {}) =>
  ({ method: 'GET', url: new URL(url), headers }) as const

describe('Transport.send', () => {
  it('sends method, headers, body and a user agent; reads the whole answer', async () => {
    const server = await serve((req, res) => {
      send(res, { status: 201, body: `got ${req.body.toString()}`, headers: { 'x-one': '1' } })
    })
    const transport = await open(server)
    const response = await transport.send({
      method: 'PUT',
      url: new URL(server.url('/v2/x')),
      headers: { 'content-type': 'text/plain' },
      body: 'hello'
    })
    transport.close()
    expect(response.status).toBe(201)
    expect(response.body.toString()).toBe('got hello')
    expect(response.headers['x-one']).toBe('1')
    expect(server.requests[0]?.headers['user-agent']).toBe('multiarch-build-push-action')
    expect(server.requests[0]?.headers['content-type']).toBe('text/plain')
  })

  it('streams a request body', async () => {
    const server = await serve((req, res) => {
      send(res, { status: 201, body: String(req.body.length) })
    })
    const transport = await open(server)
    const response = await transport.send({
      method: 'PUT',
      url: new URL(server.url('/up')),
      body: Readable.from([Buffer.alloc(1000, 1), Buffer.alloc(24, 2)])
    })
    transport.close()
    expect(response.body.toString()).toBe('1024')
  })

  it('follows redirects for GET, keeping authorization on the same origin only', async () => {
    const other = await serve((_req, res) => {
      send(res, { status: 200, body: 'there' })
    })
    const server = await serve((req, res) => {
      if (req.path === '/a') send(res, { status: 307, headers: { location: '/b' } })
      else send(res, { status: 302, headers: { location: other.url('/c') } })
    })
    const transport = await open(server)
    const response = await transport.send(get(server.url('/a'), { authorization: 'Bearer t' }))
    transport.close()
    expect(response.body.toString()).toBe('there')
    expect(response.url.href).toBe(other.url('/c'))
    expect(server.requests.map(r => [r.path, r.headers.authorization])).toStrictEqual([
      ['/a', 'Bearer t'],
      ['/b', 'Bearer t']
    ])
    expect(other.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('does not follow a redirect for PUT, and stops after 5 redirects', async () => {
    const server = await serve((_req, res) => {
      send(res, { status: 307, headers: { location: '/again' } })
    })
    const transport = await open(server)
    const put = await transport.send({ method: 'PUT', url: new URL(server.url('/x')), body: 'b' })
    expect(put.status).toBe(307)
    const error = await failure(transport.send(get(server.url('/x'))))
    transport.close()
    expect(error.message).toBe(`Too many redirects from ${server.url('/x')}`)
    expect(server.requests).toHaveLength(1 + 6)
  })

  it('limits the size of a buffered body', async () => {
    const server = await serve((_req, res) => {
      send(res, { status: 200, body: Buffer.alloc(2048) })
    })
    const transport = await open(server, { maxBodyBytes: 1000 })
    const error = await failure(transport.send(get(server.url('/big'))))
    transport.close()
    expect(error.message).toBe(`${server.url('/big')} sent more than 1000 bytes`)
  })

  it.each([
    ['an answer', false, 'to answer GET'],
    ['the rest of the body', true, 'to send the rest of the body of GET']
  ])('times out waiting for %s, naming the registry and what stalled', async (_what, headersFirst, stage) => {
    const server = await serve((_req, res) => {
      if (headersFirst) {
        res.writeHead(200, { 'content-length': '10' })
        res.write('12345')
      }
    })
    const transport = await open(server, { timeoutMs: 200 })
    const started = Date.now()
    const error = await failure(transport.send(get(server.url('/slow'))))
    transport.close()
    expect(error.message).toBe(
      `Timed out after 200 ms waiting for ${server.host} ${stage} ${server.url('/slow')}`
    )
    expect(error.code).toBe('ETIMEDOUT')
    expect(transientRegistryFailure(error)).toBe('ETIMEDOUT')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('names the registry when another host (a token service) stalls', async () => {
    const server = await serve(() => {
      // never answers
    })
    const transport = await open('registry.example:443', { timeoutMs: 100 })
    const error = await failure(transport.send(get(server.url('/token'))))
    transport.close()
    expect(error.message).toBe(
      `Timed out after 100 ms waiting for ${server.host} (for registry registry.example:443) to answer GET ${server.url('/token')}`
    )
  })

  it('reports connection refused and unknown hosts', async () => {
    const server = await serve(() => undefined)
    const port = server.port
    await server.stop()
    const transport = await open(server)
    const refused = await failure(transport.send(get(`http://127.0.0.1:${port}/v2/`)))
    expect(refused.message).toBe(`Connection refused by 127.0.0.1:${port} (http://127.0.0.1:${port}/v2/)`)
    expect(refused.code).toBe('ECONNREFUSED')
    const unknown = await failure(transport.send(get('http://no-such-host.invalid:5000/v2/')))
    expect(unknown.message).toMatch(/^Cannot resolve the host name no-such-host\.invalid/)
    transport.close()
  })

  it('reports an unreadable CA file, naming ca-certs', async () => {
    await expect(
      open('r', { settings: { plainHttp: false, insecure: false, caFiles: ['/nonexistent/ca.pem'] } })
    ).rejects.toThrow('Cannot read the CA certificate file /nonexistent/ca.pem (ca-certs)')
  })

  it('goes through the proxy chosen for the URL', async () => {
    const server = await serve((_req, res) => {
      send(res, { status: 200, body: 'via proxy' })
    })
    const proxy = await serve(() => undefined)
    proxy.tunnelTo(server.port)
    const transport = await open('registry.proxied.invalid', {
      proxyFor: url => (url.hostname.endsWith('.invalid') ? new URL(proxy.origin) : undefined)
    })
    const url = `http://registry.proxied.invalid:${server.port}/v2/`
    const response = await transport.send(get(url))
    expect(response.body.toString()).toBe('via proxy')
    expect(proxy.connects).toStrictEqual([`registry.proxied.invalid:${server.port}`])
    await proxy.stop()
    const error = await failure(transport.send(get(url)))
    transport.close()
    expect(error.message).toMatch(
      `Request to ${url} via proxy ${proxy.host} failed: ECONNRESET: tunneling socket could not be established`
    )
  })
})

describe('Transport.stream', () => {
  it('streams the body, and fails once it passes the byte limit', async () => {
    const server = await serve((req, res) => {
      send(res, { status: 200, body: Buffer.alloc(req.path === '/small' ? 100 : 5000, 7) })
    })
    const transport = await open(server)
    const small = await transport.stream(get(server.url('/small')), 1000)
    expect(small.body).toBeInstanceOf(Readable)
    expect((await readAll(small.body)).length).toBe(100)
    const big = await transport.stream(get(server.url('/big')), 1000)
    expect(big.status).toBe(200)
    await expect(readAll(big.body)).rejects.toThrow(`${server.url('/big')} sent more than 1000 bytes`)
    transport.close()
  })

  it('fails a body that stalls', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('x')
    })
    const transport = await open(server, { timeoutMs: 150 })
    const response = await transport.stream(get(server.url('/blob')), 1000)
    await expect(readAll(response.body)).rejects.toThrow(
      `Timed out after 150 ms waiting for ${server.host} to send the rest of the body of GET`
    )
    transport.close()
  })
})

describe('Transport over HTTPS', () => {
  const tls = useTestCertificates()
  const ok = (_req: unknown, res: Parameters<typeof send>[0]): void => {
    send(res, { status: 200, body: 'secure' })
  }

  it('verifies the server with the CA files', async () => {
    const server = await serve(ok, { tls: tls() })
    const transport = await open(server, {
      settings: { plainHttp: false, insecure: false, caFiles: [tls().caFile] }
    })
    expect((await transport.send(get(server.url('/')))).body.toString()).toBe('secure')
    expect(transport.origin('h:1')).toBe('https://h:1')
    transport.close()
  })

  it('keeps NODE_EXTRA_CA_CERTS (passed in) trusted beside the CA files', async () => {
    const server = await serve(ok, { tls: tls() })
    const transport = await open(server, {
      settings: { plainHttp: false, insecure: false, caFiles: ['/dev/null'] },
      extraCaFile: tls().caFile
    })
    expect((await transport.send(get(server.url('/')))).status).toBe(200)
    transport.close()
  })

  it('fails without the CA, pointing at ca-certs and insecure-registries', async () => {
    const server = await serve(ok, { tls: tls() })
    const transport = await open(server, { settings: { plainHttp: false, insecure: false, caFiles: [] } })
    const error = await failure(transport.send(get(server.url('/'))))
    transport.close()
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(error.message).toContain(`TLS certificate verification failed for ${server.host}`)
    expect(error.message).toContain('`ca-certs` input')
    expect(error.message).toContain('`insecure-registries`')
    expect(server.requests).toHaveLength(0)
  })

  it('skips verification when insecure', async () => {
    const server = await serve(ok, { tls: tls() })
    const transport = await open(server, { settings: { plainHttp: false, insecure: true, caFiles: [] } })
    expect((await transport.send(get(server.url('/')))).status).toBe(200)
    transport.close()
  })

  it('says when the registry speaks plain HTTP', async () => {
    const server = await serve(ok)
    const transport = await open(server, { settings: { plainHttp: false, insecure: false, caFiles: [] } })
    const error = await failure(transport.send(get(`https://${server.host}/v2/`)))
    transport.close()
    expect(error.message).toContain('looks like the registry speaks plain HTTP')
  })
})

describe('errors', () => {
  it.each<[RegistryError | Error, string | undefined]>([
    [new RegistryError('x', { url: 'u', status: 503 }), 'registry server error (503)'],
    [new RegistryError('x', { url: 'u', status: 429 }), 'registry rate limit (429)'],
    [new RegistryError('x', { url: 'u', code: 'ECONNRESET' }), 'ECONNRESET'],
    [new RegistryError('Timed out after 30000 ms waiting for u', { url: 'u' }), 'timeout'],
    [new RegistryError('x', { url: 'u', status: 404 }), undefined],
    [new RegistryError('x', { url: 'u', status: 401 }), undefined],
    [new RegistryError('x', { url: 'u', code: 'SELF_SIGNED_CERT_IN_CHAIN' }), undefined],
    [new Error('something else'), undefined]
  ])('transientRegistryFailure, case %#', (error, reason) => {
    expect(transientRegistryFailure(error)).toBe(reason)
  })

  it.each([
    ['https://bot:s3cret@mirror/x', 'https://bot:***@mirror/x'],
    ['https://mirror/x', 'https://mirror/x'],
    ['https://bot@mirror/x', 'https://bot@mirror/x'],
    ['not a url', 'not a url']
  ])('displayUrl(%j)', (url, shown) => {
    expect(displayUrl(url)).toBe(shown)
    if (URL.canParse(url)) expect(displayUrl(new URL(url))).toBe(shown)
  })

  it.each([
    [
      '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}',
      ': MANIFEST_UNKNOWN: manifest unknown'
    ],
    ['{"errors":[{"code":"A"},{"message":"b"},{},{"code":"D"}]}', ': A; b'],
    [`{"errors":[{"message":"${'m'.repeat(400)}"}]}`, `: ${'m'.repeat(300)}…`],
    ['{"errors":"no"}', ''],
    ['not json', '']
  ])('registryErrors(%j)', (body, text) => {
    expect(registryErrors(Buffer.from(body))).toBe(text)
  })

  it('networkError hides a password in the URL', () => {
    const error = networkError(
      new URL('http://u:pw@h/x'),
      Object.assign(new Error('boom'), { code: 'EX' }),
      ''
    )
    expect(error.message).toBe('Request to http://u:***@h/x failed: EX: boom')
    expect(error.url).toBe('http://u:***@h/x')
  })
})
