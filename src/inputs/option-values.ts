/**
 * Checks of the build-push-action option values that need no file system or environment: annotations,
 * attestations, outputs, hosts, limits, entitlements, stage names, call, image references, and the list
 * syntax they share. Each throws a message saying what is accepted (readInputs adds the input's name).
 */
import * as net from 'node:net'
import { parseImageReference } from '../oci/reference.js'
import { messageOf } from '../core/errors.js'

/** Dockerfile stage names (BuildKit's rule) and what no-cache-filters and target accept. */
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/
const ANNOTATION =
  /^(?:(?:index|manifest|index-descriptor|manifest-descriptor)(?:\[[A-Za-z0-9/._-]+\])?(?:,(?:index|manifest|index-descriptor|manifest-descriptor)(?:\[[A-Za-z0-9/._-]+\])?)*:)?[A-Za-z0-9][A-Za-z0-9._/-]*=/
const SHM_SIZE = /^\d+(\.\d+)?\s*([kmgtp]i?b?|b)?$/i
const ULIMIT_TYPES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack'
]
const OUTPUT_TYPES = ['local', 'tar', 'oci', 'docker', 'image', 'registry', 'cacheonly']
const ENTITLEMENTS = ['network.host', 'security.insecure', 'device', 'fs', 'fs.read', 'fs.write']
const CALL_METHODS = ['build', 'check', 'outline', 'targets']
const ATTEST_TYPES = ['provenance', 'sbom']
const BOOLEAN = /^(true|false)$/i
/**
 * A list input as build-push-action reads it: one item per line (or per comma, with `commas`), blanks
 * dropped; an item wrapped in double quotes is taken whole, commas and newlines included (`""` is a
 * quote), which is how a multi-line secret is written: `"KEY=line 1<newline>line 2"`.
 */
export function parseList(value: string, commas: boolean): string[] {
  const items: string[] = []
  let i = 0
  while (i < value.length) {
    while (i < value.length && /[\s,]/.test(value[i] ?? '') && (commas || value[i] !== ',')) i++
    if (i >= value.length) break
    if (value[i] === '"') {
      let item = ''
      let j = i + 1
      for (;;) {
        if (j >= value.length) throw new Error('a quoted item has no closing double quote')
        if (value[j] === '"') {
          if (value[j + 1] === '"') {
            item += '"'
            j += 2
            continue
          }
          break
        }
        item += value.charAt(j)
        j++
      }
      items.push(item)
      i = j + 1
    } else {
      const end = value.slice(i).search(commas ? /[\n,]/ : /\n/)
      const item = end === -1 ? value.slice(i) : value.slice(i, i + end)
      items.push(item.trim())
      i = end === -1 ? value.length : i + end
    }
  }
  return items.filter(item => item !== '')
}

/** `[index:|manifest:|index-descriptor:|manifest-descriptor:[PLATFORM]]KEY=VALUE`, one per line. */
export function parseAnnotations(value: string): string[] {
  return parseList(value, false).map(item => {
    if (!ANNOTATION.test(item)) {
      throw new Error(
        `"${item}" is not [LEVEL:]KEY=VALUE (LEVEL: index, manifest, index-descriptor or manifest-descriptor)`
      )
    }
    return item
  })
}

/** provenance / sbom: '', true, false, or attributes `key=value,...` (e.g. mode=max, generator=IMAGE). */
export function parseAttestValue(value: string, kind: 'provenance' | 'sbom'): string {
  if (value === '' || BOOLEAN.test(value)) return value.toLowerCase()
  for (const field of value.split(',')) {
    const [key, attr] = splitOnce(field.trim())
    if (!/^[a-z][a-z0-9-]*$/.test(key) || attr === undefined || attr === '' || /\s/.test(attr))
      throw new Error(`"${value}" is not true, false or KEY=VALUE attributes (e.g. ${example(kind)})`)
    if (key === 'type') throw new Error(`"${value}": the type is implied (${kind}); leave type= out`)
    if (kind === 'provenance' && key === 'mode' && !['min', 'max'].includes(attr))
      throw new Error(`mode=${attr} is not a provenance mode; use mode=min or mode=max`)
    if (key === 'generator') imageReference(attr)
  }
  return value
}

function example(kind: 'provenance' | 'sbom'): string {
  return kind === 'provenance' ? 'mode=max' : 'generator=docker/buildkit-syft-scanner:stable-1'
}

/** Lines of `type=provenance|sbom,KEY=VALUE...`. */
export function parseAttests(value: string): string[] {
  return parseList(value, false).map(item => {
    const fields = item.split(',').map(f => splitOnce(f.trim()))
    const type = fields.find(([key]) => key === 'type')?.[1] ?? ''
    if (!ATTEST_TYPES.includes(type)) throw new Error(`"${item}" needs type=provenance or type=sbom`)
    parseAttestValue(
      fields
        .filter(([key]) => key !== 'type')
        .map(([key, v]) => (v === undefined ? key : `${key}=${v}`))
        .join(','),
      type as 'provenance' | 'sbom'
    )
    return item
  })
}

/** Lines as buildx --output: `type=TYPE,...`, or a bare directory (type=local). */
export function parseOutputs(value: string): string[] {
  return parseList(value, false).map(item => {
    if (!item.includes('=')) return item
    const type = item
      .split(',')
      .map(f => splitOnce(f.trim()))
      .find(([key]) => key === 'type')?.[1]
    if (type === undefined || !OUTPUT_TYPES.includes(type))
      throw new Error(`"${item}" needs type= one of ${OUTPUT_TYPES.join(', ')}`)
    return item
  })
}

/** `host:ip` (or host=ip), comma or newline separated; ip may be host-gateway. Returned as host=ip. */
export function parseAddHosts(value: string): string[] {
  return parseList(value, true).map(item => {
    const at = item.search(/[=:]/)
    const host = at === -1 ? '' : item.slice(0, at)
    const ip = at === -1 ? '' : item.slice(at + 1).replace(/^\[(.*)\]$/, '$1')
    if (!HOST_NAME.test(host) || (net.isIP(ip) === 0 && ip !== 'host-gateway'))
      throw new Error(`"${item}" is not HOST:IP (e.g. registry.corp:10.0.0.5)`)
    return `${host}=${ip}`
  })
}

export function parseShmSize(value: string): string {
  if (value !== '' && !SHM_SIZE.test(value)) throw new Error(`"${value}" is not a size (e.g. 512m or 2g)`)
  return value
}

/** `type=soft[:hard]` lines, e.g. nofile=1024:4096. */
export function parseUlimits(value: string): string[] {
  return parseList(value, false).map(item => {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(item)
    if (!m?.[1] || !ULIMIT_TYPES.includes(m[1]))
      throw new Error(`"${item}" is not TYPE=SOFT[:HARD] with TYPE one of ${ULIMIT_TYPES.join(', ')}`)
    if (m[3] !== undefined && Number(m[3]) !== -1 && (Number(m[2]) > Number(m[3]) || Number(m[2]) === -1))
      throw new Error(`"${item}": the soft limit is above the hard one`)
    return item
  })
}

export function parseCgroupParent(value: string): string {
  if (/[\s,]/.test(value)) throw new Error(`"${value}" is not a cgroup path`)
  return value
}

/** Entitlements, comma or newline separated: network.host, security.insecure, device[=...], fs...=PATH. */
export function parseAllow(value: string): string[] {
  return [
    ...new Set(
      parseList(value, true).map(item => {
        if (!ENTITLEMENTS.includes(item.split('=')[0] ?? ''))
          throw new Error(`"${item}" is not an entitlement; use ${ENTITLEMENTS.join(', ')}`)
        return item
      })
    )
  ]
}

export function parseStageNames(value: string, commas: boolean): string[] {
  return parseList(value, commas).map(item => parseStageName(item))
}

export function parseStageName(value: string): string {
  if (value !== '' && !STAGE_NAME.test(value))
    throw new Error(`"${value}" is not a stage name (letters, digits, '_', '.', '-', starting with a letter)`)
  return value
}

/** build (default), check, outline or targets, optionally with `,format=...` / `,ignorestatus=BOOL`. */
export function parseCall(value: string): string {
  if (value === '') return ''
  const [method, ...options] = value.split(',').map(f => f.trim())
  if (!CALL_METHODS.includes(method ?? ''))
    throw new Error(`"${value}" is not a call method; use ${CALL_METHODS.join(', ')}`)
  for (const option of options) {
    const [key, v] = splitOnce(option)
    if (!(key === 'format' && v) && !(key === 'ignorestatus' && BOOLEAN.test(v ?? '')))
      throw new Error(`"${option}" is not a call option; use format=FORMAT or ignorestatus=true|false`)
  }
  return value
}

/** An image reference input (buildkit-image, qemu-image, an SBOM generator, a docker-image:// context). */
export function imageReference(value: string): string {
  try {
    parseImageReference(value)
  } catch (error) {
    throw new Error(messageOf(error), { cause: error })
  }
  return value
}

export function splitOnce(field: string): [string, string | undefined] {
  const at = field.indexOf('=')
  return at === -1 ? [field, undefined] : [field.slice(0, at), field.slice(at + 1)]
}
