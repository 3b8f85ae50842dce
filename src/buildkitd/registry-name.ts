/**
 * Validation of the registry host names users type into inputs such as insecure-registries, ca-certs,
 * registry-mirrors and registry. A value that passes is made only of lowercase letters, digits, '.', '-',
 * and (for a port or an IPv6 literal) ':', '[' and ']', so it cannot inject TOML, shell syntax or log
 * commands wherever it is used later.
 */
import { isIPv4, isIPv6 } from 'node:net'

export interface RegistryHost {
  /** 'name[:port]', lowercased; an IPv6 address keeps its brackets, e.g. '[::1]:5000'. */
  host: string
  /** True when the user wrote the host with the http:// scheme, i.e. the registry speaks plain HTTP. */
  http: boolean
}

export interface ParseRegistryHostOptions {
  /** Name of the action input the value comes from; every error message starts with it. */
  input: string
  /** Whether 'http://host' (plain HTTP) is meaningful for this input. */
  allowHttpScheme: boolean
}

const MAX_DNS_NAME_LENGTH = 253
const MAX_DNS_LABEL_LENGTH = 63
const MAX_QUOTED_LENGTH = 120
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/
const PORT = /^[1-9][0-9]{0,4}$/
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i
const IPV6_LITERAL = /^\[([0-9a-f:.]+)\](?::([^:]*))?$/
const NAME_AND_PORT = /^([^:]*)(?::([^:]*))?$/

/** Quotes a user value for an error message: JSON escaping keeps newlines and control characters visible. */
function quote(value: string): string {
  const shown = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value
  return JSON.stringify(shown)
}

/**
 * Parses one registry host as typed by a user: 'host', 'host:port', '[ipv6]:port', optionally with a scheme.
 *
 * - 'http://host[:port]' means the registry speaks plain HTTP; it is accepted only when
 *   `options.allowHttpScheme` is true and then yields `http: true`.
 * - 'https://host[:port]' is accepted and the scheme stripped: HTTPS is what a bare host means anyway, so
 *   it yields `http: false`.
 * - Any other scheme, a path (one trailing '/' is tolerated), user info, a query, whitespace, quotes,
 *   control characters or an empty value is rejected.
 *
 * Throws an Error whose message starts with `<input>: `, quotes the bad value and says what is accepted.
 */
export function parseRegistryHost(value: string, options: ParseRegistryHostOptions): RegistryHost {
  const { input, allowHttpScheme } = options
  const expected = allowHttpScheme
    ? 'expected host[:port] such as registry.corp:5000 (or http://host[:port] for plain HTTP)'
    : 'expected host[:port] such as registry.corp:5000'
  function fail(problem: string): never {
    throw new Error(`${input}: ${quote(value)} ${problem}; ${expected}`)
  }

  let rest = value.trim()
  if (rest === '') {
    throw new Error(`${input}: empty registry host; ${expected}`)
  }
  let http = false
  const scheme = SCHEME.exec(rest)
  if (scheme) {
    const name = (scheme[1] ?? '').toLowerCase()
    if (name === 'http') {
      if (!allowHttpScheme) fail('uses http://, which is not accepted here')
      http = true
    } else if (name !== 'https') {
      fail(`uses the scheme ${name}://, which is not supported`)
    }
    rest = rest.slice(scheme[0].length)
  }
  if (rest.endsWith('/')) rest = rest.slice(0, -1)

  if (rest === '') fail('has no host name')
  // Only printable ASCII: no whitespace, control characters or look-alike Unicode letters.
  if (/[^\x21-\x7e]|["'\\=`]/.test(rest)) fail('is not a registry host')
  if (rest.includes('@')) fail('must not contain user info (user@)')
  if (rest.includes('/')) fail('must not contain a path')
  if (/[?#]/.test(rest)) fail('must not contain a query or fragment')

  let name: string
  let port: string | undefined
  if (rest.startsWith('[')) {
    const literal = IPV6_LITERAL.exec(rest.toLowerCase())
    if (!literal || !isIPv6(literal[1] ?? ''))
      fail('is not a valid bracketed IPv6 address such as [::1]:5000')
    name = `[${literal[1] ?? ''}]`
    port = literal[2]
  } else {
    const parts = NAME_AND_PORT.exec(rest.toLowerCase())
    if (!parts) {
      if (isIPv6(rest)) fail('is an IPv6 address without brackets; write it as [address]:port')
      fail('is not a registry host')
    }
    name = parts[1] ?? ''
    port = parts[2]
    if (!isValidHostName(name)) fail('is not a registry host')
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) {
    fail('has an invalid port (expected a number from 1 to 65535)')
  }
  return { host: port === undefined ? name : `${name}:${port}`, http }
}

/** A DNS name (labels of a-z, 0-9 and '-') or a dotted-quad IPv4 address; `name` is already lowercase. */
function isValidHostName(name: string): boolean {
  if (/^[0-9.]+$/.test(name)) return isIPv4(name)
  if (name.length === 0 || name.length > MAX_DNS_NAME_LENGTH) return false
  return name.split('.').every(label => label.length <= MAX_DNS_LABEL_LENGTH && DNS_LABEL.test(label))
}

/**
 * Whether a registry host (as returned by parseRegistryHost, with or without a port) is a loopback
 * address: 'localhost', 127.0.0.0/8, ::1 (bracketed or not), or an IPv4-mapped 127.x address. These are
 * the hosts BuildKit talks to over plain HTTP unless told otherwise.
 */
export function isLoopbackHost(host: string): boolean {
  const value = host.trim().toLowerCase()
  let name: string
  if (value.startsWith('[')) {
    const end = value.indexOf(']')
    if (end < 0) return false
    name = value.slice(1, end)
  } else if (value.split(':').length > 2) {
    name = value // a bare IPv6 address such as ::1
  } else {
    name = value.split(':')[0] ?? ''
  }
  if (name === 'localhost') return true
  if (isIPv4(name)) return name.startsWith('127.')
  if (isIPv6(name)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name)
    if (mapped) return isLoopbackHost(mapped[1] ?? '')
    const normalized = new URL(`http://[${name}]`).hostname
    return normalized === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normalized)
  }
  return false
}
