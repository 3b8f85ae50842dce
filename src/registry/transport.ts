/**
 * HTTP(S) to one registry, the way BuildKit reached it to push: plain HTTP or TLS, with extra CAs or
 * without verification, through the proxy chosen for each URL (a CONNECT tunnel, as @actions/http-client
 * does). Node's own http/https clients: nothing outlives the request, so the step can end when its work is
 * done. Every request has a time limit; buffered bodies have a size limit, streamed ones the caller's.
 */
import { readFile } from 'node:fs/promises'
import * as http from 'node:http'
import * as https from 'node:https'
import { Readable, Transform } from 'node:stream'
import * as tls from 'node:tls'
import * as tunnel from 'tunnel'
import { errorChain } from '../core/errors.js'
import { displayUrl, networkError, RegistryError } from './registry-errors.js'

/** How to reach the registry; the same settings BuildKit used to push. */
export interface RegistryTransport {
  /** http:// instead of https:// */
  plainHttp: boolean
  /** https without certificate verification */
  insecure: boolean
  /** PEM files trusted in addition to the system roots */
  caFiles: readonly string[]
}

/** The proxy for a URL (HTTP(S)_PROXY/NO_PROXY), or undefined to connect directly. */
export type ProxyFor = (url: URL) => URL | undefined

export interface TransportOptions {
  /** The registry as users name it, for messages. */
  registry: string
  settings: RegistryTransport
  proxyFor: ProxyFor
  /** NODE_EXTRA_CA_CERTS: trusted too when caFiles replace node's default CA list. */
  extraCaFile?: string
  /** Time limit of each request (for streamed bodies: of each wait for more data). Default 30 s. */
  timeoutMs?: number
  /** Size limit of buffered bodies. Default 4 MiB, the distribution spec's manifest limit. */
  maxBodyBytes?: number
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'
export type Headers = Record<string, string | string[] | undefined>

export interface HttpRequest {
  method: HttpMethod
  url: URL
  headers?: Record<string, string>
  body?: Buffer | string | Readable
}

export interface HttpResponse<Body = Buffer> {
  status: number
  headers: Headers
  body: Body
  /** Where the answer came from, after redirects. */
  url: URL
}

export const USER_AGENT = 'multiarch-build-push-action'
export const DEFAULT_TIMEOUT_MS = 30_000
export const MAX_BODY_BYTES = 4 * 1024 * 1024
const MAX_REDIRECTS = 5
const REDIRECTS = [301, 302, 303, 307, 308]

export class Transport {
  private readonly agents = new Map<string, http.Agent>()
  private readonly timeoutMs: number

  private constructor(
    private readonly options: TransportOptions,
    /** The system roots plus the CAs, parsed once for every connection (~150 certificates: costly). */
    private readonly secureContext: tls.SecureContext | undefined
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  /** Reads the CA files; throws naming the `ca-certs` input when one cannot be read. */
  static async open(options: TransportOptions): Promise<Transport> {
    const ca = await loadCa(options.settings.caFiles, options.extraCaFile)
    return new Transport(options, ca === undefined ? undefined : tls.createSecureContext({ ca }))
  }

  /** The origin of the registry's API: http(s)://host[:port]. */
  origin(apiHost: string): string {
    return `${this.options.settings.plainHttp ? 'http' : 'https'}://${apiHost}`
  }

  /** One request, redirects followed for GET and HEAD; the whole body read (up to the size limit). */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.follow(request, this.options.maxBodyBytes ?? MAX_BODY_BYTES, false)
    return { ...response, body: await readAll(response.body) }
  }

  /**
   * Like send, but the body is a stream that fails once it passes `maxBytes` or stalls for the time
   * limit. The caller reads it to the end (or destroys it).
   */
  stream(request: HttpRequest, maxBytes: number): Promise<HttpResponse<Readable>> {
    return this.follow(request, maxBytes, true)
  }

  /** Drops kept-alive connections. */
  close(): void {
    // Direct agents keep sockets alive between requests; tunnels close their own.
    for (const agent of this.agents.values()) if (agent instanceof http.Agent) agent.destroy()
    this.agents.clear()
  }

  private async follow(
    request: HttpRequest,
    maxBytes: number,
    streaming: boolean
  ): Promise<HttpResponse<Readable>> {
    let url = request.url
    let headers: Record<string, string> = { 'user-agent': USER_AGENT, ...request.headers }
    const redirectable = request.method === 'GET' || request.method === 'HEAD'
    for (let hop = 0; ; hop++) {
      const response = await this.once({ ...request, url, headers }, maxBytes, streaming)
      const location = firstHeader(response.headers['location'])
      if (!redirectable || !REDIRECTS.includes(response.status) || location === undefined) return response
      response.body.resume()
      if (hop === MAX_REDIRECTS) {
        throw new RegistryError(`Too many redirects from ${displayUrl(request.url)}`, {
          url: displayUrl(request.url),
          status: response.status
        })
      }
      const next = new URL(location, url)
      // Credentials are for the host that asked for them, not for wherever it redirects.
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'authorization'))
      }
      url = next
    }
  }

  private once(request: HttpRequest, maxBytes: number, streaming: boolean): Promise<HttpResponse<Readable>> {
    const { method, url } = request
    const shown = displayUrl(url)
    return new Promise((resolve, reject) => {
      let stage = 'to accept the connection for'
      let body: Transform | undefined
      let timer: NodeJS.Timeout | undefined
      const stop = (): void => {
        clearTimeout(timer)
      }
      const arm = (): void => {
        stop()
        timer = setTimeout(() => {
          const what = `${this.who(url)} ${stage} ${method} ${shown}${this.via(url)}`
          const error = new RegistryError(`Timed out after ${this.timeoutMs} ms waiting for ${what}`, {
            url: shown,
            code: 'ETIMEDOUT'
          })
          if (body === undefined) client.destroy(error)
          else body.destroy(error)
        }, this.timeoutMs)
        timer.unref()
      }
      const wrap = (error: unknown): RegistryError =>
        error instanceof RegistryError ? error : networkError(url, error, this.via(url))
      const client = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method,
          headers: request.headers,
          agent: this.agentFor(url),
          ...(url.protocol === 'https:' ? this.tlsOptions() : {})
        },
        response => {
          stage = 'to send the rest of the body of'
          let size = 0
          const limited = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              size += chunk.length
              if (streaming) arm()
              if (size <= maxBytes) done(null, chunk)
              else done(new RegistryError(`${shown} sent more than ${maxBytes} bytes`, { url: shown }))
            }
          })
          body = limited
          // The error stays on the destroyed stream for whoever reads it, even if it came before they did.
          limited.on('error', () => undefined)
          response.on('error', error => limited.destroy(wrap(error)))
          limited.on('end', stop)
          limited.on('close', () => {
            stop()
            if (!response.complete) response.destroy()
          })
          response.pipe(limited)
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: limited, url })
        }
      )
      client.on('socket', socket => {
        if (!socket.connecting) stage = 'to answer'
        else socket.once('connect', () => (stage = 'to answer'))
      })
      client.on('error', error => {
        stop()
        if (body === undefined) reject(wrap(error))
        else body.destroy(wrap(error))
      })
      arm()
      if (request.body instanceof Readable) {
        request.body.on('error', error => client.destroy(error))
        request.body.pipe(client)
      } else {
        client.end(request.body)
      }
    })
  }

  /** The host waited for, and the registry it was reached for when that is another host (token service). */
  private who(url: URL): string {
    return url.host === this.options.registry
      ? url.host
      : `${url.host} (for registry ${this.options.registry})`
  }

  private via(url: URL): string {
    const proxy = this.options.proxyFor(url)
    return proxy === undefined ? '' : ` via proxy ${proxy.host}`
  }

  /** TLS settings for the registry: BuildKit's (skip verification, or the system roots plus the CAs). */
  private tlsOptions(): { rejectUnauthorized: boolean; secureContext?: tls.SecureContext } {
    const context = this.secureContext ? { secureContext: this.secureContext } : {}
    return { rejectUnauthorized: !this.options.settings.insecure, ...context }
  }

  /** A direct agent, or a CONNECT tunnel through the proxy chosen for this URL. */
  private agentFor(url: URL): http.Agent {
    const proxy = this.options.proxyFor(url)
    const key = `${url.protocol}${proxy?.href ?? ''}`
    const existing = this.agents.get(key)
    if (existing !== undefined) return existing
    let agent: http.Agent
    if (proxy === undefined) {
      agent =
        url.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, ...this.tlsOptions() })
          : new http.Agent({ keepAlive: true })
    } else {
      const auth = proxy.username
        ? `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
        : undefined
      const through = {
        host: proxy.hostname,
        port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
        ...(auth !== undefined ? { proxyAuth: auth } : {})
      }
      const viaTls = proxy.protocol === 'https:'
      agent =
        url.protocol === 'https:'
          ? (viaTls ? tunnel.httpsOverHttps : tunnel.httpsOverHttp)({ proxy: through, ...this.tlsOptions() })
          : (viaTls ? tunnel.httpOverHttps : tunnel.httpOverHttp)({ proxy: through })
    }
    this.agents.set(key, agent)
    return agent
  }
}

/** The whole body. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

async function loadCa(
  files: readonly string[],
  extraCaFile: string | undefined
): Promise<string[] | undefined> {
  // Without extra CA files, keep node's defaults (which include NODE_EXTRA_CA_CERTS).
  if (files.length === 0) return undefined
  const ca = [...tls.rootCertificates]
  if (extraCaFile) {
    try {
      ca.push(await readFile(extraCaFile, 'utf8'))
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  for (const file of files) {
    try {
      ca.push(await readFile(file, 'utf8'))
    } catch (error) {
      const detail = errorChain(error).messages[0] ?? 'unknown error'
      throw new Error(`Cannot read the CA certificate file ${file} (ca-certs): ${detail}`, { cause: error })
    }
  }
  return ca
}
