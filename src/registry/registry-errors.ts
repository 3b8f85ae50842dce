/** Failed registry requests: the error type, which failures are worth retrying, and how URLs are shown. */
import { errorChain } from '../core/errors.js'
import { isRecord, parseJsonObject } from '../oci/oci.js'

/** A failed registry request. `url` never carries a password. */
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

/** A URL for messages and logs: a password in it is replaced by `***`. Text that is no URL is kept. */
export function displayUrl(url: URL | string): string {
  const text = typeof url === 'string' ? url : url.href
  if (!URL.canParse(text)) return text
  const parsed = new URL(text)
  if (parsed.password === '') return text
  parsed.password = '***'
  return parsed.href
}

/** ': CODE: message; …' from a registry's JSON error body (at most 3 errors, 300 characters), or ''. */
export function registryErrors(body: Buffer): string {
  const errors = parseJsonObject(body)?.['errors']
  if (!Array.isArray(errors)) return ''
  const parts = errors
    .slice(0, 3)
    .map((e: unknown) =>
      isRecord(e) ? [e['code'], e['message']].filter(x => typeof x === 'string' && x !== '').join(': ') : ''
    )
    .filter(s => s !== '')
  const text = parts.join('; ')
  return text === '' ? '' : `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`
}

/** A RegistryError that says what failed to reach `url` and what to do about it. */
export function networkError(url: URL, error: unknown, via: string): RegistryError {
  const shown = displayUrl(url)
  const { codes, messages } = errorChain(error)
  const code = codes.find(c => TLS_VERIFY_CODES.has(c)) ?? codes[0]
  const detail = messages[messages.length - 1] ?? 'unknown error'
  const fail = (message: string): RegistryError =>
    new RegistryError(message, { url: shown, ...(code ? { code } : {}) })

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
