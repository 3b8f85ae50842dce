/**
 * A minimal OCI distribution client: fetches one manifest (by tag or digest) exactly as the registry
 * serves it, so its digest can be checked against what buildx reported. It reaches the registry the way
 * BuildKit did to push (plain HTTP, skipped TLS verification, extra CAs), honours HTTP(S)_PROXY/NO_PROXY,
 * and speaks the registry token (Bearer) and Basic auth flows. Tokens are kept in memory for the process,
 * so repeated fetches from one repository cost one request each.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import * as http from 'node:http'
import * as https from 'node:https'
import * as tls from 'node:tls'
import * as tunnel from 'tunnel'
import type { Credentials } from '../docker/credentials.js'
import { apiHost, type ImageReference } from '../oci/reference.js'

/** How to reach the registry; the same settings BuildKit used to push. */
export interface RegistryTransport {
  /** http:// instead of https:// */
  plainHttp: boolean
  /** https without certificate verification */
  insecure: boolean
  /** PEM files trusted in addition to the system roots */
  caFiles: readonly string[]
}

export interface FetchedManifest {
  /** The bytes exactly as served. */
  raw: Buffer
  /** Content-Type without parameters (or the document's own mediaType when the server sent a generic one). */
  mediaType: string
  /** sha256 of raw, 'sha256:<hex>' */
  digest: string
}

/** A failed registry request. `url` never carries credentials. */
export class RegistryError extends Error {
  readonly url: string
  /** HTTP status, when the registry answered. */
  readonly status: number | undefined
  /** Network or TLS error code (e.g. ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN), when it did not. */
  readonly code: string | undefined

  constructor(message: string, details: { url: string; status?: number; code?: string }) {
    super(message)
    this.name = 'RegistryError'
    this.url = details.url
    this.status = details.status
    this.code = details.code
  }
}

const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])

/** Why a failed registry request is worth another attempt, or undefined when it is not (4xx, TLS, …). */
export function transientRegistryFailure(error: unknown): string | undefined {
  if (!(error instanceof RegistryError)) return undefined
  if (error.status === 429) return 'registry rate limit (429)'
  if (error.status !== undefined && error.status >= 500) return `registry server error (${error.status})`
  if (error.code !== undefined && TRANSIENT_NETWORK_CODES.has(error.code)) return error.code
  return /^Timed out/.test(error.message) ? 'timeout' : undefined
}

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

const DEFAULT_TIMEOUT_MS = 30_000
/** The distribution spec's manifest size limit; also bounds token responses and error bodies. */
const MAX_BODY_BYTES = 4 * 1024 * 1024
const MAX_REDIRECTS = 5
const USER_AGENT = 'multiarch-build-push-action'
const TAG = /^\w[\w.-]{0,127}$/
const DIGEST = /^sha256:[a-f0-9]{64}$/

/** Fetches the manifest `ref` (a tag or a digest) of `reference`'s repository. */
export async function fetchManifest(options: {
  reference: ImageReference
  ref: string
  transport: RegistryTransport
  credentials?: Credentials
  timeoutMs?: number
}): Promise<FetchedManifest> {
  const { reference, ref, transport, credentials } = options
  if (!TAG.test(ref) && !DIGEST.test(ref)) {
    throw new Error(`Cannot fetch manifest "${ref}": it is neither a tag nor a sha256 digest`)
  }
  const scheme = transport.plainHttp ? 'http' : 'https'
  const url = new URL(
    `${scheme}://${apiHost(reference.registry)}/v2/${reference.repository}/manifests/${ref}`
  )
  const where = `${reference.registry}/${reference.repository}`

  const session = await Session.open(transport, options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  try {
    const cacheKey = authCacheKey(url.origin, reference.repository, credentials)
    const cached = authCache.get(cacheKey)
    let authorization =
      cached !== undefined && cached.expiresAt > Date.now() ? cached.authorization : undefined
    let response = await session.send('GET', url, manifestHeaders(authorization))

    if (response.status === 401) {
      authCache.delete(cacheKey)
      const challenge = chooseChallenge(parseChallenges(response.headers['www-authenticate']))
      const granted = await authorize(session, {
        challenge,
        manifestUrl: url,
        repository: reference.repository,
        where,
        credentials
      })
      authorization = granted.authorization
      response = await session.send('GET', url, manifestHeaders(authorization))
      if (response.status === 401) {
        throw credentials === undefined
          ? needsCredentials(where, url)
          : new RegistryError(
              `${where} refused the credentials (HTTP 401 from ${display(url)}): they are wrong, or they do not grant pull access to ${reference.repository}`,
              { url: display(url), status: 401 }
            )
      }
      if (response.status === 200) remember(cacheKey, authorization, granted.expiresInSeconds)
    }

    if (response.status === 404) {
      throw new RegistryError(
        `Manifest ${ref} not found in ${where} (HTTP 404 from ${display(url)})${registryErrors(response.body)}`,
        { url: display(url), status: 404 }
      )
    }
    if (response.status !== 200) {
      throw new RegistryError(
        `Fetching manifest ${ref} of ${where} failed: HTTP ${response.status} from ${display(url)}${registryErrors(response.body)}`,
        { url: display(url), status: response.status }
      )
    }
    return checkedManifest(response, ref, url)
  } finally {
    await session.close()
  }
}

/** Forgets every token and Basic authorization kept from earlier fetches. */
export function clearAuthCache(): void {
  authCache.clear()
}

function manifestHeaders(authorization: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { accept: MANIFEST_ACCEPT }
  if (authorization !== undefined) headers['authorization'] = authorization
  return headers
}

function checkedManifest(response: HttpResponse, ref: string, url: URL): FetchedManifest {
  const raw = response.body
  const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`
  if (DIGEST.test(ref) && digest !== ref) {
    throw new RegistryError(
      `${display(url)} served content whose sha256 is ${digest}, not the requested ${ref}`,
      { url: display(url), status: 200 }
    )
  }
  const claimed = firstHeader(response.headers['docker-content-digest'])
  if (claimed?.startsWith('sha256:') && claimed !== digest) {
    throw new RegistryError(
      `${display(url)} says its manifest is ${claimed} (Docker-Content-Digest), but the bytes it served hash to ${digest}`,
      { url: display(url), status: 200 }
    )
  }
  return { raw, mediaType: mediaTypeOf(firstHeader(response.headers['content-type']), raw), digest }
}

function mediaTypeOf(contentType: string | undefined, raw: Buffer): string {
  const declared = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  if (declared !== '' && declared !== 'application/json' && declared !== 'text/plain') return declared
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'))
    if (typeof parsed === 'object' && parsed !== null && 'mediaType' in parsed) {
      if (typeof parsed.mediaType === 'string') return parsed.mediaType
    }
  } catch {
    // Not JSON: report what the server said; the caller's parser explains the problem.
  }
  return declared
}

// ---------------------------------------------------------------------------------------------------------
// Authentication

interface Challenge {
  scheme: string
  params: Record<string, string>
}

interface Granted {
  authorization: string
  expiresInSeconds: number | undefined
}

async function authorize(
  session: Session,
  context: {
    challenge: Challenge | undefined
    manifestUrl: URL
    repository: string
    where: string
    credentials: Credentials | undefined
  }
): Promise<Granted> {
  const { challenge, manifestUrl, credentials, where } = context
  if (challenge === undefined) {
    throw new RegistryError(
      `${where} answered HTTP 401 from ${display(manifestUrl)} without a Bearer or Basic WWW-Authenticate challenge`,
      { url: display(manifestUrl), status: 401 }
    )
  }
  if (challenge.scheme === 'basic') {
    if (credentials === undefined) throw needsCredentials(where, manifestUrl)
    return { authorization: basic(credentials), expiresInSeconds: undefined }
  }

  const realm = challenge.params['realm']
  let tokenUrl: URL
  try {
    tokenUrl = new URL(realm ?? '')
  } catch {
    throw new RegistryError(
      `${where} asked for a Bearer token without a usable realm (${JSON.stringify(realm ?? null)}) at ${display(manifestUrl)}`,
      { url: display(manifestUrl), status: 401 }
    )
  }
  const service = challenge.params['service']
  const scopes = (challenge.params['scope'] ?? `repository:${context.repository}:pull`)
    .split(' ')
    .filter(s => s)

  let response: HttpResponse
  if (credentials?.identityToken !== undefined) {
    // An OAuth2 refresh token, exchanged like docker does.
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.identityToken,
      client_id: USER_AGENT
    })
    if (service !== undefined) form.set('service', service)
    form.set('scope', scopes.join(' '))
    response = await session.send(
      'POST',
      tokenUrl,
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString()
    )
  } else {
    if (service !== undefined) tokenUrl.searchParams.set('service', service)
    for (const scope of scopes) tokenUrl.searchParams.append('scope', scope)
    const headers: Record<string, string> = {}
    if (credentials !== undefined) headers['authorization'] = basic(credentials)
    response = await session.send('GET', tokenUrl, headers)
  }

  if (response.status === 401 || response.status === 403) {
    if (credentials === undefined) throw needsCredentials(where, manifestUrl)
    throw new RegistryError(
      `The token service of ${where} refused the credentials (HTTP ${response.status} from ${display(tokenUrl)})${registryErrors(response.body)}`,
      { url: display(tokenUrl), status: response.status }
    )
  }
  if (response.status !== 200) {
    throw new RegistryError(
      `Getting a token for ${where} failed: HTTP ${response.status} from ${display(tokenUrl)}${registryErrors(response.body)}`,
      { url: display(tokenUrl), status: response.status }
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(response.body.toString('utf8'))
  } catch {
    parsed = undefined
  }
  const token = pick(parsed, 'token') ?? pick(parsed, 'access_token')
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError(`The token service ${display(tokenUrl)} answered without a token`, {
      url: display(tokenUrl),
      status: 200
    })
  }
  const expiresIn = pick(parsed, 'expires_in')
  return {
    authorization: `Bearer ${token}`,
    expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : 60
  }
}

function needsCredentials(where: string, url: URL): RegistryError {
  return new RegistryError(
    `${where} needs credentials to read the pushed manifest (HTTP 401 from ${display(url)}). Give them with the ` +
      '`registry`, `username` and `password` inputs, or run docker login before this step.',
    { url: display(url), status: 401 }
  )
}

function basic(credentials: Credentials): string {
  const secret = credentials.password !== '' ? credentials.password : (credentials.identityToken ?? '')
  return `Basic ${Buffer.from(`${credentials.username}:${secret}`).toString('base64')}`
}

/** Parses WWW-Authenticate values into challenges (scheme lowercased, parameter names lowercased). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header]
  const challenges: Challenge[] = []
  const param = /^[\s,]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/
  for (const value of values) {
    let rest = value
    for (;;) {
      rest = rest.replace(/^[\s,]+/, '')
      const scheme = /^[^\s,=]+/.exec(rest)
      if (scheme === null) break
      rest = rest.slice(scheme[0].length)
      const challenge: Challenge = { scheme: scheme[0].toLowerCase(), params: {} }
      challenges.push(challenge)
      for (let m = param.exec(rest); m !== null; m = param.exec(rest)) {
        const [whole, name = '', quoted, bare] = m
        challenge.params[name.toLowerCase()] =
          quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '')
        rest = rest.slice(whole.length)
      }
    }
  }
  return challenges
}

function chooseChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find(c => c.scheme === 'bearer') ?? challenges.find(c => c.scheme === 'basic')
}

interface CachedAuthorization {
  authorization: string
  expiresAt: number
}

const authCache = new Map<string, CachedAuthorization>()
const AUTH_CACHE_LIMIT = 64

function authCacheKey(origin: string, repository: string, credentials: Credentials | undefined): string {
  const who =
    credentials === undefined
      ? 'anonymous'
      : createHash('sha256')
          .update(
            JSON.stringify([credentials.username, credentials.password, credentials.identityToken ?? ''])
          )
          .digest('hex')
  return `${origin} ${repository} ${who}`
}

function remember(
  key: string,
  authorization: string | undefined,
  expiresInSeconds: number | undefined
): void {
  if (authorization === undefined) return
  // Basic never expires; tokens are dropped 10 s early so they are not used as they run out.
  const ttlMs = expiresInSeconds === undefined ? 3_600_000 : Math.max(0, expiresInSeconds - 10) * 1000
  if (ttlMs === 0) return
  if (authCache.size >= AUTH_CACHE_LIMIT) authCache.clear()
  authCache.set(key, { authorization, expiresAt: Date.now() + ttlMs })
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/**
 * The connections, CA list and deadline of one fetchManifest call. Node's own http/https clients (and
 * `tunnel` for proxies, as @actions/http-client does): they start nothing that outlives the request, so
 * the step can end the moment its work is done.
 */
class Session {
  private readonly agents = new Map<string, http.Agent>()
  private readonly controller = new AbortController()
  private readonly timer: NodeJS.Timeout
  private timedOut = false

  private constructor(
    private readonly transport: RegistryTransport,
    private readonly ca: string[] | undefined,
    private readonly timeoutMs: number
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true
      this.controller.abort()
    }, timeoutMs)
    this.timer.unref()
  }

  static async open(transport: RegistryTransport, timeoutMs: number): Promise<Session> {
    return new Session(transport, await loadCa(transport.caFiles), timeoutMs)
  }

  async send(
    method: 'GET' | 'POST',
    url: URL,
    headers: Record<string, string>,
    body?: string
  ): Promise<HttpResponse> {
    let current = url
    let sendHeaders: Record<string, string> = { 'user-agent': USER_AGENT, ...headers }
    for (let hop = 0; ; hop++) {
      const response = await this.once(method, current, sendHeaders, body)
      const location = firstHeader(response.headers['location'])
      if (
        method !== 'GET' ||
        ![301, 302, 303, 307, 308].includes(response.status) ||
        location === undefined
      ) {
        return response
      }
      if (hop === MAX_REDIRECTS) {
        throw new RegistryError(`Too many redirects from ${display(url)}`, {
          url: display(url),
          status: response.status
        })
      }
      const next = new URL(location, current)
      // Credentials are for the host that asked for them, not for wherever it redirects.
      if (next.origin !== current.origin) {
        sendHeaders = Object.fromEntries(Object.entries(sendHeaders).filter(([k]) => k !== 'authorization'))
      }
      current = next
    }
  }

  private once(
    method: 'GET' | 'POST',
    url: URL,
    headers: Record<string, string>,
    body: string | undefined
  ): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const fail = (error: unknown): void => {
        reject(error instanceof RegistryError ? error : this.networkError(url, error))
      }
      const client = url.protocol === 'https:' ? https : http
      const request = client.request(
        url,
        {
          method,
          headers,
          agent: this.agentFor(url),
          signal: this.controller.signal,
          ...(url.protocol === 'https:' ? this.tlsOptions() : {})
        },
        response => {
          const chunks: Buffer[] = []
          let size = 0
          response.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY_BYTES) {
              request.destroy(
                new RegistryError(`${display(url)} sent more than ${MAX_BODY_BYTES} bytes`, {
                  url: display(url),
                  status: response.statusCode
                })
              )
            } else {
              chunks.push(chunk)
            }
          })
          response.on('error', fail)
          response.on('end', () => {
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks)
            })
          })
        }
      )
      request.on('error', fail)
      request.end(body)
    })
  }

  /** TLS settings for the registry: BuildKit's (skip verification, or the system roots plus the CAs). */
  private tlsOptions(): { rejectUnauthorized: boolean; ca?: Buffer[] } {
    return {
      rejectUnauthorized: !this.transport.insecure,
      ...(this.ca !== undefined ? { ca: this.ca.map(pem => Buffer.from(pem)) } : {})
    }
  }

  /** A direct agent, or a CONNECT tunnel through the proxy that HTTP(S)_PROXY/NO_PROXY choose for this URL. */
  private agentFor(url: URL): http.Agent {
    const proxy = getProxyUrl(url)
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
      const viaTlsProxy = proxy.protocol === 'https:'
      agent =
        url.protocol === 'https:'
          ? (viaTlsProxy ? tunnel.httpsOverHttps : tunnel.httpsOverHttp)({
              proxy: through,
              ...this.tlsOptions()
            })
          : (viaTlsProxy ? tunnel.httpOverHttps : tunnel.httpOverHttp)({ proxy: through })
    }
    this.agents.set(key, agent)
    return agent
  }

  private networkError(url: URL, error: unknown): RegistryError {
    const shown = display(url)
    const { codes, messages } = unwrap(error)
    const code = codes.find(c => TLS_VERIFY_CODES.has(c)) ?? codes[0]
    const detail = messages[messages.length - 1] ?? 'unknown error'
    const viaProxy = getProxyUrl(url)
    const via = viaProxy === undefined ? '' : ` via proxy ${viaProxy.host}`
    const fail = (message: string): RegistryError =>
      new RegistryError(message, { url: shown, ...(code ? { code } : {}) })

    if (this.timedOut || codes.some(c => TIMEOUT_CODES.has(c))) {
      return fail(`Timed out after ${this.timeoutMs} ms waiting for ${shown}${via}`)
    }
    if (code !== undefined && TLS_VERIFY_CODES.has(code)) {
      return fail(
        `TLS certificate verification failed for ${url.host} (${code}: ${detail}) at ${shown}. ` +
          `Give the registry's CA certificate with the \`ca-certs\` input, or list ${url.host} in ` +
          '`insecure-registries` to skip verification.'
      )
    }
    if (codes.includes('ECONNREFUSED')) return fail(`Connection refused by ${url.host}${via} (${shown})`)
    if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
      return fail(`Cannot resolve the host name ${url.hostname}${via} (${shown})`)
    }
    if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || /wrong version number/i.test(detail)) {
      return fail(
        `TLS handshake with ${url.host} failed (${shown}): it looks like the registry speaks plain HTTP; ` +
          'mark it as an insecure registry (`insecure-registries`) if that is intended.'
      )
    }
    return fail(`Request to ${shown}${via} failed: ${code !== undefined ? `${code}: ` : ''}${detail}`)
  }

  close(): Promise<void> {
    clearTimeout(this.timer)
    // Direct agents keep sockets alive between the token and manifest requests; tunnels close their own.
    for (const agent of this.agents.values()) if (agent instanceof http.Agent) agent.destroy()
    this.agents.clear()
    return Promise.resolve()
  }
}

const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH'
])

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT'])

/** Error codes and messages along an error's cause chain (errors may come from another realm). */
function unwrap(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = []
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') codes.push(current.code)
    if ('message' in current && typeof current.message === 'string' && current.message !== '') {
      messages.push(current.message)
    }
    current = 'cause' in current ? current.cause : undefined
  }
  if (messages.length === 0) messages.push(typeof error === 'string' ? error : 'unknown error')
  return { codes, messages }
}

async function loadCa(files: readonly string[]): Promise<string[] | undefined> {
  // Without extra CA files, keep node's defaults (which include NODE_EXTRA_CA_CERTS).
  if (files.length === 0) return undefined
  const ca = [...tls.rootCertificates]
  const extra = process.env['NODE_EXTRA_CA_CERTS']
  if (extra) {
    try {
      ca.push(await readFile(extra, 'utf8'))
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  for (const file of files) {
    try {
      ca.push(await readFile(file, 'utf8'))
    } catch (error) {
      const { messages } = unwrap(error)
      throw new Error(
        `Cannot read the CA certificate file ${file} (ca-certs): ${messages[0] ?? 'unknown error'}`,
        {
          cause: error
        }
      )
    }
  }
  return ca
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** The URL for messages: never with user info. */
function display(url: URL): string {
  if (url.username === '' && url.password === '') return url.href
  const copy = new URL(url.href)
  copy.username = ''
  copy.password = ''
  return copy.href
}

/** ': CODE: message' from a registry's JSON error body, if it has one. */
function registryErrors(body: Buffer): string {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return ''
  }
  const errors = pick(parsed, 'errors')
  if (!Array.isArray(errors)) return ''
  const parts = errors
    .slice(0, 3)
    .map(e => [pick(e, 'code'), pick(e, 'message')].filter(x => typeof x === 'string' && x !== '').join(': '))
    .filter(s => s !== '')
  const text = parts.join('; ')
  return text === '' ? '' : `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`
}

function pick(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined
}
