/**
 * The test suite's one HTTP(S) server: loopback only, answers by route (or with one handler), records
 * every request with its body, and can act as a CONNECT proxy that sends every tunnel to one port.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

export interface RecordedRequest {
  method: string
  /** Path with query, as sent. */
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** A canned answer. */
export interface Reply {
  status: number
  body?: string | Buffer
  headers?: http.OutgoingHttpHeaders
}

export type Handler = (
  request: RecordedRequest,
  response: http.ServerResponse,
  server: TestHttpServer
) => void | Promise<void>

interface Route {
  method: string | undefined
  path: string | RegExp
  answer: Handler
}

export interface ServerOptions {
  /** Key and certificate: HTTPS instead of HTTP. */
  tls?: { key: Buffer | string; cert: Buffer | string }
  /** Answers requests that no route matches (default: 404). */
  fallback?: Handler
}

export class TestHttpServer {
  readonly requests: RecordedRequest[] = []
  /** CONNECT targets asked for, when the server acts as a proxy. */
  readonly connects: string[] = []
  port = 0
  private readonly routes: Route[] = []
  private readonly server: http.Server

  private constructor(private readonly options: ServerOptions) {
    const listener: http.RequestListener = (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks)
        }
        this.requests.push(recorded)
        void Promise.resolve(this.handlerFor(recorded)(recorded, res, this)).catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500)
          res.end(String(error))
        })
      })
    }
    this.server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener)
  }

  static async start(options: ServerOptions = {}): Promise<TestHttpServer> {
    const server = new TestHttpServer(options)
    await new Promise<void>(resolve => server.server.listen(0, '127.0.0.1', resolve))
    const address = server.server.address()
    if (address === null || typeof address === 'string') throw new Error('the test server has no port')
    server.port = address.port
    return server
  }

  /** Answers `method` (undefined: any) requests whose path (without query) is or matches `path`. */
  route(method: string | undefined, path: string | RegExp, answer: Handler | Reply): this {
    this.routes.unshift({ method, path, answer: typeof answer === 'function' ? answer : replying(answer) })
    return this
  }

  /** Turns the server into a CONNECT proxy that tunnels every request to 127.0.0.1:<port>. */
  tunnelTo(port: number): this {
    this.server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
      this.connects.push(req.url ?? '')
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    return this
  }

  get origin(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`
  }

  get host(): string {
    return `127.0.0.1:${this.port}`
  }

  url(path: string): string {
    return `${this.origin}${path}`
  }

  /** `METHOD path` of every request so far. */
  log(): string[] {
    return this.requests.map(r => `${r.method} ${r.path}`)
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>(resolve => {
      this.server.close(() => {
        resolve()
      })
    })
  }

  private handlerFor(request: RecordedRequest): Handler {
    const bare = request.path.replace(/\?.*$/, '')
    const route = this.routes.find(
      r =>
        (r.method === undefined || r.method === request.method) &&
        (typeof r.path === 'string' ? r.path === bare : r.path.test(bare))
    )
    return route?.answer ?? this.options.fallback ?? replying({ status: 404, body: 'not found' })
  }
}

/** A handler that always gives the same answer. */
export function replying(reply: Reply): Handler {
  return (_request, response) => {
    send(response, reply)
  }
}

export function send(response: http.ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, reply.headers ?? {})
  response.end(reply.body ?? '')
}

/** A test CA and a certificate for 127.0.0.1 that it signed (openssl), in a directory removed by `remove`. */
export function testCertificates(): { caFile: string; key: Buffer; cert: Buffer; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-tls-'))
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  }
  const key = ['-newkey', 'rsa:2048', '-nodes', '-keyout']
  run('req', '-x509', ...key, 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test CA')
  run('req', ...key, 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
  writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n')
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
  return {
    caFile: path.join(dir, 'ca.crt'),
    key: readFileSync(path.join(dir, 'server.key')),
    cert: readFileSync(path.join(dir, 'server.crt')),
    remove: () => {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
