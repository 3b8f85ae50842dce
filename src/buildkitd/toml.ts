/**
 * The buildkitd.toml the action hands to `docker buildx create --buildkitd-config`: a table generated from
 * the action's inputs (insecure-registries, ca-certs, registry-mirrors), merged with the user's own TOML
 * and rendered with smol-toml. No TOML is ever assembled from strings: user values are inert data.
 */
import { parse, stringify, TomlError } from 'smol-toml'
import type { TomlTableWithoutBigInt, TomlValueWithoutBigInt } from 'smol-toml'
import { isLoopbackHost } from './registry-name.js'
import type { RegistryHost } from './registry-name.js'

/** A TOML table as smol-toml parses it (integers as numbers, dates as TomlDate). */
export type TomlTable = TomlTableWithoutBigInt
export type TomlValue = TomlValueWithoutBigInt

export interface GeneratedConfigOptions {
  /** http: true => plain HTTP; otherwise HTTPS without certificate verification. */
  insecureRegistries: readonly RegistryHost[]
  /** Registry host -> CA file paths (from writeCaFiles). */
  caFiles: ReadonlyMap<string, readonly string[]>
  /** Registry (e.g. 'docker.io') -> mirror hosts, in order of preference. */
  mirrors: ReadonlyMap<string, readonly RegistryHost[]>
}

export interface ConfigSource {
  /** Shown in error messages, e.g. 'buildkitd-config (./ci/buildkitd.toml)' or 'generated from inputs'. */
  name: string
  table: TomlTable
}

interface RegistryPlan {
  mirrors: string[]
  /** Inputs that ask for plain HTTP to this host. */
  plainHttpFrom: Set<string>
  /** Inputs that ask for HTTPS to this host. */
  httpsFrom: Set<string>
  insecure: boolean
  ca: string[]
}

/**
 * Builds the registry part of buildkitd.toml from the action's inputs:
 * - insecure http://host => `http = true`; insecure host (HTTPS, unverified) => `insecure = true`;
 * - CA files => `ca = [...]`;
 * - mirrors => `mirrors = ["host:port", ...]` on the mirrored registry, plus `http = true` on each mirror
 *   given as http://;
 * - a loopback host (localhost, 127.x, ::1) that must be reached over HTTPS (it has a CA, or is listed as
 *   insecure without http://) gets an explicit `http = false`, since BuildKit would otherwise use plain HTTP.
 *   A loopback mirror given without a scheme keeps BuildKit's default (plain HTTP).
 * Throws when one host is asked for both plain HTTP and HTTPS (e.g. http:// in insecure-registries and a CA
 * in ca-certs). Returns {} when there is nothing to configure.
 */
export function generateBuildkitdConfig(options: GeneratedConfigOptions): TomlTable {
  const plans = new Map<string, RegistryPlan>()
  const plan = (host: string): RegistryPlan => {
    let found = plans.get(host)
    if (!found) {
      found = { mirrors: [], plainHttpFrom: new Set(), httpsFrom: new Set(), insecure: false, ca: [] }
      plans.set(host, found)
    }
    return found
  }

  for (const registry of options.insecureRegistries) {
    const entry = plan(registry.host)
    if (registry.http) {
      entry.plainHttpFrom.add('insecure-registries')
    } else {
      entry.insecure = true
      entry.httpsFrom.add('insecure-registries')
    }
  }
  for (const [host, paths] of options.caFiles) {
    if (paths.length === 0) continue
    const entry = plan(host)
    for (const path of paths) if (!entry.ca.includes(path)) entry.ca.push(path)
    entry.httpsFrom.add('ca-certs')
  }
  for (const [registry, mirrors] of options.mirrors) {
    if (mirrors.length === 0) continue
    const entry = plan(registry)
    for (const mirror of mirrors) {
      if (!entry.mirrors.includes(mirror.host)) entry.mirrors.push(mirror.host)
      if (mirror.http) plan(mirror.host).plainHttpFrom.add('registry-mirrors')
    }
  }

  const registries: TomlTable = {}
  for (const host of [...plans.keys()].sort()) {
    const entry = plans.get(host)
    if (!entry) continue
    if (entry.plainHttpFrom.size > 0 && entry.httpsFrom.size > 0) {
      const httpInputs = [...entry.plainHttpFrom].join(' and ')
      const httpsInputs = [...entry.httpsFrom].join(' and ')
      const why = entry.httpsFrom.has('ca-certs')
        ? `but ${httpsInputs} ${entry.httpsFrom.size > 1 ? 'require' : 'requires'} HTTPS (a CA certificate is only used over HTTPS)`
        : `but ${httpsInputs} lists it without http://, which means HTTPS`
      const inputs = [...new Set([...entry.plainHttpFrom, ...entry.httpsFrom])].join(', ')
      throw new Error(
        `${inputs}: ${JSON.stringify(host)} is given as http:// (plain HTTP) in ${httpInputs} ${why}; ` +
          'list the host one way only'
      )
    }
    const table: TomlTable = {}
    if (entry.mirrors.length > 0) table.mirrors = [...entry.mirrors]
    if (entry.plainHttpFrom.size > 0) table.http = true
    else if (entry.httpsFrom.size > 0 && isLoopbackHost(host)) table.http = false
    if (entry.insecure) table.insecure = true
    if (entry.ca.length > 0) table.ca = [...entry.ca]
    if (Object.keys(table).length > 0) registries[host] = table
  }
  return Object.keys(registries).length > 0 ? { registry: registries } : {}
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  if (typeof value !== 'object' || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function valuesEqual(a: TomlValue, b: TomlValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => valuesEqual(x, b[i] as TomlValue))
    )
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return false
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length &&
      keys.every(key => Object.hasOwn(b, key) && valuesEqual(a[key] as TomlValue, b[key] as TomlValue))
    )
  }
  if (typeof a === 'object' && typeof b === 'object') {
    // Dates (TomlDate keeps local/offset forms apart in its ISO rendering).
    return a.constructor === b.constructor && a.toISOString() === b.toISOString()
  }
  return Object.is(a, b)
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/

function formatKeyPath(path: readonly string[]): string {
  return path.map(key => (BARE_KEY.test(key) ? key : JSON.stringify(key))).join('.')
}

function describeValue(value: TomlValue): string {
  if (isTable(value)) return 'a table'
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object') return value.toISOString()
  return String(value)
}

/** A deep copy into plain null-prototype objects, so no key (not even '__proto__') can reach a prototype. */
function copyValue(value: TomlValue): TomlValue {
  if (Array.isArray(value)) return value.map(copyValue)
  if (isTable(value)) {
    const copy: TomlTable = Object.create(null) as TomlTable
    for (const [key, inner] of Object.entries(value)) copy[key] = copyValue(inner)
    return copy
  }
  return value
}

/**
 * Deep-merges the tables of several sources into a new table (the inputs are not modified). The same key
 * in two sources: tables merge recursively; equal values are fine; different values (or a table against a
 * value) are an error naming the dotted key path and both sources.
 */
export function mergeBuildkitdConfigs(sources: readonly ConfigSource[]): TomlTable {
  const result: TomlTable = Object.create(null) as TomlTable
  /** Which source first set each leaf value, by JSON-encoded key path. */
  const origins = new Map<string, string>()

  const mergeInto = (
    target: TomlTable,
    incoming: TomlTable,
    path: readonly string[],
    source: string
  ): void => {
    for (const [key, value] of Object.entries(incoming)) {
      const keyPath = [...path, key]
      const existing = Object.hasOwn(target, key) ? target[key] : undefined
      if (existing === undefined) {
        target[key] = copyValue(value)
        origins.set(JSON.stringify(keyPath), source)
      } else if (isTable(existing) && isTable(value)) {
        mergeInto(existing, value, keyPath, source)
      } else if (!valuesEqual(existing, value)) {
        const earlier = findOrigin(origins, keyPath) ?? 'an earlier source'
        throw new Error(
          `buildkitd.toml conflict: ${formatKeyPath(keyPath)} is ${describeValue(existing)} in ${earlier} ` +
            `but ${describeValue(value)} in ${source}; set it in one place only`
        )
      }
    }
  }
  for (const source of sources) mergeInto(result, source.table, [], source.name)
  return result
}

/** The source that set the value at `keyPath`, or at the nearest enclosing path when a whole table was copied. */
function findOrigin(origins: ReadonlyMap<string, string>, keyPath: readonly string[]): string | undefined {
  for (let length = keyPath.length; length > 0; length--) {
    const origin = origins.get(JSON.stringify(keyPath.slice(0, length)))
    if (origin !== undefined) return origin
  }
  return undefined
}

/** Parses user TOML; a syntax error becomes an Error naming the source, the line and the column. */
export function parseBuildkitdToml(text: string, sourceName: string): TomlTable {
  try {
    return parse(text, { unsafeKeyBehaviour: 'throw' })
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '')
      throw new Error(
        `${sourceName}: invalid TOML at line ${error.line}, column ${error.column}: ${reason}; ` +
          'expected a buildkitd.toml document',
        { cause: error }
      )
    }
    throw error
  }
}

/** Renders a table as TOML text; '' for an empty table. */
export function renderBuildkitdConfig(table: TomlTable): string {
  return Object.keys(table).length === 0 ? '' : stringify(table)
}

/**
 * The settings BuildKit will apply to one registry host (exactly as keyed, e.g. '127.0.0.1:5443') in the
 * final config, for code that must talk to the same registry the way BuildKit does. plainHttp follows
 * `http` when set, else true for loopback hosts (BuildKit's default), else false; insecure follows
 * `insecure`; ca lists the `ca` paths. Throws when one of these keys has the wrong type.
 */
export function registrySettings(
  table: TomlTable,
  host: string
): { plainHttp: boolean; insecure: boolean; ca: string[] } {
  const registries = Object.hasOwn(table, 'registry') ? table.registry : undefined
  const settings = isTable(registries) && Object.hasOwn(registries, host) ? registries[host] : undefined
  if (settings === undefined) return { plainHttp: isLoopbackHost(host), insecure: false, ca: [] }
  const where = (key: string): string => formatKeyPath(['registry', host, key])
  if (!isTable(settings)) {
    throw new Error(`buildkitd.toml: ${formatKeyPath(['registry', host])} must be a table`)
  }
  const flag = (key: string): boolean | undefined => {
    const value = Object.hasOwn(settings, key) ? settings[key] : undefined
    if (value === undefined || typeof value === 'boolean') return value
    throw new Error(`buildkitd.toml: ${where(key)} is ${describeValue(value)}; expected true or false`)
  }
  const caValue = Object.hasOwn(settings, 'ca') ? settings.ca : undefined
  let ca: string[] = []
  if (caValue !== undefined) {
    if (!Array.isArray(caValue) || !caValue.every(path => typeof path === 'string')) {
      throw new Error(
        `buildkitd.toml: ${where('ca')} is ${describeValue(caValue)}; expected a list of file paths`
      )
    }
    ca = [...caValue]
  }
  return { plainHttp: flag('http') ?? isLoopbackHost(host), insecure: flag('insecure') ?? false, ca }
}
