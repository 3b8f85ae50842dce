/**
 * cache-from and cache-to, checked against buildx's cache syntax before anything runs: one entry per line,
 * each `type=TYPE,key=value,...` (a value holding a comma in double quotes), or a bare image reference
 * meaning `type=registry,ref=REFERENCE`. Each type's required keys are asked for, `mode` is export only
 * (min or max), and yes/no keys take true or false. Keys this action does not know are passed on, so a
 * newer BuildKit's options still work.
 */
import { parseImageReference } from '../oci/reference.js'
import { messageOf } from '../core/errors.js'
import { splitList } from './parse.js'
import { CACHE_MODES, type CacheMode } from '../buildx/cache.js'
import type { FieldContext } from './table.js'

export type CacheDirection = 'cache-from' | 'cache-to'

interface CacheType {
  /** Keys an entry of this type must have, by direction. */
  required: Partial<Record<CacheDirection, readonly string[]>>
  /** The directions the type works in. */
  directions: readonly CacheDirection[]
}

const BOTH: readonly CacheDirection[] = ['cache-from', 'cache-to']

const CACHE_TYPES: Readonly<Record<string, CacheType>> = {
  registry: { required: { 'cache-from': ['ref'], 'cache-to': ['ref'] }, directions: BOTH },
  local: { required: { 'cache-from': ['src'], 'cache-to': ['dest'] }, directions: BOTH },
  // The inline cache lives in the image itself: it is read back with type=registry,ref=IMAGE.
  inline: { required: {}, directions: ['cache-to'] },
  gha: { required: {}, directions: BOTH },
  s3: { required: { 'cache-from': ['bucket'], 'cache-to': ['bucket'] }, directions: BOTH },
  azblob: { required: {}, directions: BOTH }
}

const BOOLEAN_KEYS = [
  'ignore-error',
  'oci-mediatypes',
  'image-manifest',
  'force-compression',
  'use_path_style'
]
const EXPORT_ONLY_KEYS = ['mode', 'ignore-error', 'compression', 'compression-level', 'force-compression']
const COMPRESSIONS = ['gzip', 'estargz', 'zstd', 'uncompressed']

/** `a=1,"b=x,y"` -> ['a=1', 'b=x,y']: fields split on commas outside double quotes. */
function csvFields(entry: string): string[] {
  const fields: string[] = []
  let current = ''
  let quoted = false
  for (const char of entry) {
    if (char === '"') quoted = !quoted
    else if (char === ',' && !quoted) {
      fields.push(current.trim())
      current = ''
    } else current += char
  }
  if (quoted) throw new Error(`"${entry}" has a double quote that is not closed`)
  fields.push(current.trim())
  return fields
}

/** One entry's keys and values; a bare reference becomes type=registry,ref=... */
export function parseCacheEntry(entry: string, direction: CacheDirection): Map<string, string> {
  if (!entry.includes('='))
    return checked(
      new Map([
        ['type', 'registry'],
        ['ref', entry]
      ]),
      entry,
      direction
    )
  const attrs = new Map<string, string>()
  for (const item of csvFields(entry)) {
    const eq = item.indexOf('=')
    const key = eq === -1 ? item : item.slice(0, eq).trim()
    if (eq === -1 || key === '')
      throw new Error(
        `"${entry}": "${item}" is not KEY=VALUE (e.g. type=registry,ref=registry.example.com/app:cache)`
      )
    if (attrs.has(key)) throw new Error(`"${entry}" gives ${key} twice`)
    attrs.set(key, item.slice(eq + 1).trim())
  }
  if (!attrs.has('type')) {
    throw new Error(
      `"${entry}" has no type=; start it with type=registry, local, gha, s3, azblob${direction === 'cache-to' ? ' or inline' : ''}`
    )
  }
  return checked(attrs, entry, direction)
}

function checked(attrs: Map<string, string>, entry: string, direction: CacheDirection): Map<string, string> {
  const type = attrs.get('type') ?? ''
  const spec = CACHE_TYPES[type]
  if (!spec) {
    const known = Object.keys(CACHE_TYPES).filter(t => CACHE_TYPES[t]?.directions.includes(direction))
    throw new Error(`"${entry}": type=${type} is not a cache type; use ${known.join(', ')}`)
  }
  if (!spec.directions.includes(direction)) {
    throw new Error(
      `"${entry}": type=${type} only works in cache-to; read an inline cache back with type=registry,ref=IMAGE`
    )
  }
  for (const key of spec.required[direction] ?? []) {
    if (!attrs.get(key)) throw new Error(`"${entry}": type=${type} needs ${key}=`)
  }
  if (direction === 'cache-from') {
    const exportOnly = EXPORT_ONLY_KEYS.find(key => attrs.has(key))
    if (exportOnly) throw new Error(`"${entry}": ${exportOnly}= applies to cache-to only`)
  }
  const mode = attrs.get('mode')
  if (mode !== undefined && mode !== 'min' && mode !== 'max')
    throw new Error(`"${entry}": mode=${mode} is not a cache mode; use min or max`)
  for (const key of BOOLEAN_KEYS) {
    const value = attrs.get(key)
    if (value !== undefined && !/^(true|false)$/i.test(value))
      throw new Error(`"${entry}": ${key}=${value} is not a boolean; use true or false`)
  }
  const compression = attrs.get('compression')
  if (compression !== undefined && !COMPRESSIONS.includes(compression))
    throw new Error(`"${entry}": compression=${compression} is not one of ${COMPRESSIONS.join(', ')}`)
  const ref = attrs.get('ref')
  if (type === 'registry' && ref !== undefined) {
    try {
      parseImageReference(ref)
    } catch (error) {
      throw new Error(`"${entry}": ref=${ref} is not an image reference: ${messageOf(error)}`, {
        cause: error
      })
    }
  }
  return attrs
}

/** cache-from / cache-to: the entries as written, each checked. */
export function parseCacheEntries(value: string, direction: CacheDirection): string[] {
  const entries = splitList(value, false)
  for (const entry of entries) parseCacheEntry(entry, direction)
  return entries
}

/** The variables buildx reads the GitHub cache service from (version 1, version 2). */
export const GHA_URL_VARIABLES = ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL']

/**
 * cache: '', registry or gha. gha needs the runner's cache service variables, which GitHub gives to actions
 * (not to `run:` steps), so a job without them is told before anything runs.
 */
export function parseCacheMode(value: string, { env }: Pick<FieldContext, 'env'>): CacheMode {
  const mode = CACHE_MODES.find(m => m === value.toLowerCase())
  if (mode === undefined) throw new Error(`"${value}" is not a cache; use registry, gha or leave it empty`)
  if (mode === 'gha' && (!env.ACTIONS_RUNTIME_TOKEN || !GHA_URL_VARIABLES.some(name => env[name]))) {
    throw new Error(
      `gha needs GitHub's cache service: ACTIONS_RUNTIME_TOKEN and ${GHA_URL_VARIABLES.join(' or ')} ` +
        '(the runner gives them to actions); outside GitHub Actions use cache: registry'
    )
  }
  return mode
}
