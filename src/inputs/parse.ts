/**
 * Parsers for the inputs' own formats (lists, KEY=VALUE lines, platforms, tags, mirrors). Each throws a
 * message saying what is wrong; the input table (table.ts) prefixes the input's name.
 */
import { formatPlatform, parsePlatform } from '../oci/platforms.js'
import { parseImageReference } from '../oci/reference.js'
import { parseRegistryHost, type RegistryHost } from '../buildkitd/registry-name.js'
import { messageOf } from '../core/errors.js'

const BUILD_ARG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/

/** A list input: items separated by newlines, or by commas when `commas` is set; blanks dropped. */
export function splitList(value: string, commas: boolean): string[] {
  return value
    .split(commas ? /[\n,]/ : /\n/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

export function parsePlatforms(value: string): string[] {
  const items = splitList(value, true)
  if (items.length === 0) throw new Error('at least one platform is needed, e.g. linux/amd64,linux/arm64')
  // A trailing comma before a newline is fine; `a,,b` or `a, ,b` is a typo worth reporting.
  if (value.split('\n').some(line => /,\s*,|^\s*,/.test(line))) {
    throw new Error(`"${value}" has an empty item; separate platforms with commas or newlines`)
  }
  const seen = new Set<string>()
  return items.map(item => {
    const platform = formatPlatform(parsePlatform(item))
    if (seen.has(platform)) throw new Error(`${platform} is listed twice`)
    seen.add(platform)
    return platform
  })
}

export function parseTags(value: string, push: boolean): string[] {
  const tags = splitList(value, true)
  if (push && tags.length === 0) {
    throw new Error(
      'push is true but no tag is given; set the tags input, e.g. registry.example.com/team/app:1.0'
    )
  }
  for (const tag of tags) {
    let digest: string | undefined
    try {
      digest = parseImageReference(tag).digest
    } catch (error) {
      throw new Error(`"${tag}" is not a valid image reference: ${messageOf(error)}`, { cause: error })
    }
    if (digest !== undefined) {
      throw new Error(
        `"${tag}" has a digest (@${digest.slice(0, 15)}…): a pushed image gets its digest from its content; ` +
          'give repository:tag only'
      )
    }
  }
  return tags
}

export const BINARIES_MODES = ['error', 'warning', 'false'] as const
export type BinariesMode = (typeof BINARIES_MODES)[number]

/** check-binaries: error, warning or false. */
export function parseBinariesMode(value: string): BinariesMode {
  const mode = BINARIES_MODES.find(m => m === value.toLowerCase())
  if (!mode) throw new Error(`"${value}" is not a mode; use error, warning or false`)
  return mode
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4
}

/**
 * A size in bytes: '256MiB', '1.5 GB', '2TB', '1048576' (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of
 * 1024, as in BuildKit's and Docker's own output).
 */
export function parseByteSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim())
  const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()]
  if (!match || unit === undefined) {
    throw new Error(`"${value}" is not a size; use e.g. 256MiB, 1GiB, 500MB or a number of bytes`)
  }
  const bytes = Math.floor(Number(match[1]) * unit)
  if (bytes <= 0) throw new Error(`"${value}" is not a size above zero`)
  if (!Number.isSafeInteger(bytes))
    throw new Error(`"${value}" is not a size this action can count; use a smaller one`)
  return bytes
}

/** `KEY=VALUE` lines (build-args may also be a bare `KEY`, taken from the environment by buildx). */
export function parseKeyValues(value: string, bareKeyAllowed: boolean): string[] {
  const items = splitList(value, false)
  for (const item of items) {
    const eq = item.indexOf('=')
    const key = eq === -1 ? item : item.slice(0, eq)
    if ((eq === -1 && !bareKeyAllowed) || key === '' || (bareKeyAllowed && !BUILD_ARG_KEY.test(key))) {
      throw new Error(`"${item}" is not KEY=VALUE${bareKeyAllowed ? ' (or KEY)' : ''}; put one per line`)
    }
  }
  return items
}

/** `docker.io=mirror.example:5000` (several mirrors: several lines, or `;` between them). */
export function parseMirrors(value: string): Map<string, RegistryHost[]> {
  const mirrors = new Map<string, RegistryHost[]>()
  for (const item of splitList(value, false)) {
    const eq = item.indexOf('=')
    if (eq === -1) {
      throw new Error(`"${item}" is not REGISTRY=MIRROR, e.g. docker.io=mirror.example.com:5000`)
    }
    const options = { input: 'registry-mirrors', allowHttpScheme: false }
    const registry = parseRegistryHost(item.slice(0, eq), options).host
    const list = mirrors.get(registry) ?? []
    for (const mirror of item.slice(eq + 1).split(';')) {
      list.push(parseRegistryHost(mirror, { ...options, allowHttpScheme: true }))
    }
    mirrors.set(registry, list)
  }
  return mirrors
}

export function isRemoteContext(value: string): boolean {
  return /^(https?:\/\/|git:\/\/|ssh:\/\/|git@|github\.com\/)/.test(value) || value === '-'
}

export function resolvePath(cwd: string, value: string): string {
  return value.startsWith('/') ? value : `${cwd}/${value}`
}

/**
 * Why buildx's CSV reader would refuse `value` (it reads each --driver-opt as one CSV record), or
 * undefined: a quote may only open a field and close it, doubled inside.
 */
export function csvProblem(value: string): string | undefined {
  let i = 0
  while (i <= value.length) {
    if (value[i] === '"') {
      i++
      for (;;) {
        if (i >= value.length) return 'a quoted field is not closed'
        if (value[i] === '"') {
          if (value[i + 1] === '"') i += 2
          else break
        } else i++
      }
      i++
      if (i < value.length && value[i] !== ',') return 'a quoted field goes on after its closing quote'
    } else {
      const end = value.indexOf(',', i)
      const field = value.slice(i, end === -1 ? value.length : end)
      if (field.includes('"')) return `the field ${field} has a quote that does not open it`
      if (end === -1) break
      i = end
    }
    i++
  }
  return undefined
}

/** The driver-opts input: KEY=VALUE lines that buildx's CSV reader takes. */
export function parseDriverOpts(value: string): string[] {
  const items = parseKeyValues(value, false)
  for (const item of items) {
    const problem = csvProblem(item)
    if (problem)
      throw new Error(
        `"${item}" is not what buildx reads as a driver option (${problem}); put a value with commas or ` +
          'quotes in quotes as a whole, doubling the quotes inside: "env.NO_PROXY=a,b"'
      )
  }
  return items
}
