/**
 * Registry authentication: answers a 401's WWW-Authenticate challenge with Basic credentials or a Bearer
 * token from the registry's token service (docker's flow: Basic credentials, anonymous, or an OAuth2
 * refresh token exchanged with grant_type=refresh_token). What was granted is kept in this object only,
 * until it expires, so one client's later requests to the same repository cost one request each.
 */
import { Readable } from 'node:stream'
import type { Credentials } from '../docker/credentials.js'
import { parseJsonObject } from '../oci/oci.js'
import { displayUrl, registryErrors, RegistryError } from './registry-errors.js'
import { USER_AGENT, type HttpRequest, type HttpResponse, type Transport } from './transport.js'

export interface Challenge {
  /** Lowercased: 'bearer', 'basic', … */
  scheme: string
  /** Parameter names lowercased. */
  params: Record<string, string>
}

/** What a request needs access to, and how to say so when it is refused. */
export interface Access {
  /** `registry/repository`, for messages. */
  where: string
  /** Token scopes when the challenge names none, e.g. ['repository:fx/img:pull']. */
  scopes: readonly string[]
  /** Scopes asked for in addition to the challenge's, e.g. the source repository of a blob mount. */
  extraScopes?: readonly string[]
  /** What the request does, e.g. 'read the pushed manifest'. */
  purpose: string
  /** The permission it needs, e.g. 'pull access to fx/img'. */
  permission: string
}

export interface AuthOptions {
  transport: Transport
  credentials?: Credentials
  /** Milliseconds since the epoch; tokens expire by it. */
  now: () => number
}

interface Granted {
  authorization: string
  /** undefined: Basic, which does not expire. */
  expiresInSeconds: number | undefined
}

/** Basic authorizations are kept this long; tokens as long as they last, less a margin. */
const BASIC_TTL_MS = 3_600_000
const TOKEN_MARGIN_SECONDS = 10
const DEFAULT_TOKEN_SECONDS = 60

/** Sends requests with the authorization they need, for one registry and one set of credentials. */
export class RegistryAuth {
  private readonly granted = new Map<string, { authorization: string; expiresAt: number }>()

  constructor(private readonly options: AuthOptions) {}

  /** Sends the request (body read whole), answering one 401 challenge and sending it again. */
  send(request: HttpRequest, access: Access): Promise<HttpResponse> {
    return this.exchange(request, access, r => this.options.transport.send(r))
  }

  /** Like send, with the answer's body as a stream of at most maxBytes. */
  stream(request: HttpRequest, access: Access, maxBytes: number): Promise<HttpResponse<Readable>> {
    return this.exchange(request, access, r => this.options.transport.stream(r, maxBytes))
  }

  private async exchange<B>(
    request: HttpRequest,
    access: Access,
    send: (request: HttpRequest) => Promise<HttpResponse<B>>
  ): Promise<HttpResponse<B>> {
    const key = `${request.url.origin} ${[...access.scopes, ...(access.extraScopes ?? [])].join(' ')}`
    const kept = this.kept(key) ?? this.kept(`${request.url.origin} basic`)
    let response = await send(withAuthorization(request, kept))
    if (response.status !== 401) return response
    discard(response.body)
    this.granted.delete(key)
    // A streamed body was sent already: it cannot be sent again with the new authorization.
    if (request.body instanceof Readable) throw this.refused(request.url, access)
    const granted = await this.authorize(response.headers['www-authenticate'], request.url, access)
    response = await send(withAuthorization(request, granted.authorization))
    if (response.status === 401) {
      discard(response.body)
      throw this.refused(request.url, access)
    }
    // Accepted (whatever the answer): later requests, and retries, send it at once.
    this.keep(granted.expiresInSeconds === undefined ? `${request.url.origin} basic` : key, granted)
    return response
  }

  private kept(key: string): string | undefined {
    const entry = this.granted.get(key)
    return entry !== undefined && entry.expiresAt > this.options.now() ? entry.authorization : undefined
  }

  private keep(key: string, granted: Granted): void {
    const seconds = granted.expiresInSeconds
    const ttlMs = seconds === undefined ? BASIC_TTL_MS : Math.max(0, seconds - TOKEN_MARGIN_SECONDS) * 1000
    if (ttlMs > 0) {
      this.granted.set(key, { authorization: granted.authorization, expiresAt: this.options.now() + ttlMs })
    }
  }

  private async authorize(header: string | string[] | undefined, url: URL, access: Access): Promise<Granted> {
    const { credentials } = this.options
    const challenge = chooseChallenge(parseChallenges(header))
    if (challenge === undefined) {
      throw new RegistryError(
        `${access.where} answered HTTP 401 from ${displayUrl(url)} without a Bearer or Basic WWW-Authenticate challenge`,
        { url: displayUrl(url), status: 401 }
      )
    }
    if (challenge.scheme === 'basic') {
      if (credentials === undefined) throw this.refused(url, access)
      return { authorization: basic(credentials), expiresInSeconds: undefined }
    }
    const realm = challenge.params['realm']
    if (realm === undefined || !URL.canParse(realm)) {
      throw new RegistryError(
        `${access.where} asked for a Bearer token without a usable realm (${JSON.stringify(realm ?? null)}) at ${displayUrl(url)}`,
        { url: displayUrl(url), status: 401 }
      )
    }
    const challenged = challenge.params['scope']?.split(' ').filter(s => s !== '')
    const scopes =
      challenged === undefined
        ? [...access.scopes, ...(access.extraScopes ?? [])]
        : [...challenged, ...(access.extraScopes ?? []).filter(s => !challenged.includes(s))]
    return this.token(new URL(realm), challenge.params['service'], scopes, url, access)
  }

  private async token(
    tokenUrl: URL,
    service: string | undefined,
    scopes: readonly string[],
    url: URL,
    access: Access
  ): Promise<Granted> {
    const { credentials, transport } = this.options
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
      response = await transport.send({
        method: 'POST',
        url: tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString()
      })
    } else {
      if (service !== undefined) tokenUrl.searchParams.set('service', service)
      for (const scope of scopes) tokenUrl.searchParams.append('scope', scope)
      const headers: Record<string, string> = {}
      if (credentials !== undefined) headers['authorization'] = basic(credentials)
      response = await transport.send({ method: 'GET', url: tokenUrl, headers })
    }
    const shown = displayUrl(tokenUrl)
    if (response.status === 401 || response.status === 403) {
      if (credentials === undefined) throw this.refused(url, access)
      throw new RegistryError(
        `The token service of ${access.where} refused the credentials (HTTP ${response.status} from ${shown})${registryErrors(response.body)}`,
        { url: shown, status: response.status }
      )
    }
    if (response.status !== 200) {
      throw new RegistryError(
        `Getting a token for ${access.where} failed: HTTP ${response.status} from ${shown}${registryErrors(response.body)}`,
        { url: shown, status: response.status }
      )
    }
    const answer = parseJsonObject(response.body)
    const token = answer?.['token'] ?? answer?.['access_token']
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError(`The token service ${shown} answered without a token`, {
        url: shown,
        status: 200
      })
    }
    const expiresIn = answer?.['expires_in']
    return {
      authorization: `Bearer ${token}`,
      expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : DEFAULT_TOKEN_SECONDS
    }
  }

  /** A final 401: no credentials where some are needed, or credentials that do not allow this. */
  private refused(url: URL, access: Access): RegistryError {
    const shown = displayUrl(url)
    if (this.options.credentials === undefined) {
      return new RegistryError(
        `${access.where} needs credentials to ${access.purpose} (HTTP 401 from ${shown}). Give them with the ` +
          '`registry`, `username` and `password` inputs, or run docker login before this step.',
        { url: shown, status: 401 }
      )
    }
    return new RegistryError(
      `${access.where} refused the credentials (HTTP 401 from ${shown}): they are wrong, or they do not grant ${access.permission}`,
      { url: shown, status: 401 }
    )
  }
}

function withAuthorization(request: HttpRequest, authorization: string | undefined): HttpRequest {
  if (authorization === undefined) return request
  return { ...request, headers: { ...request.headers, authorization } }
}

function discard(body: unknown): void {
  if (body instanceof Readable) body.resume()
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

/** Bearer when offered (it works for token-only registries), else Basic. */
export function chooseChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find(c => c.scheme === 'bearer') ?? challenges.find(c => c.scheme === 'basic')
}
