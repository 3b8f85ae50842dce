/**
 * Checks of an image index's content, for anything that assembles or pushes one: every platform exactly
 * once (and, when asked, exactly the expected set), and each platform manifest's image config naming the
 * same os/architecture/variant as its index entry; for an index as pushed (pushedIndexProblems) also no
 * index nested in it, and attestation manifests only as attestation entries. Pure: the caller fetches the
 * bytes. Each check returns its problems (one sentence each); `throwProblems` turns them into one error.
 */
import {
  INDEX_MEDIA_TYPES,
  isAttestation,
  isRecord,
  manifestKind,
  MEDIA_TYPES,
  parseJsonObject,
  type ManifestKind
} from './oci.js'
import { formatPlatform, normalizePlatform, type Platform } from './platforms.js'

/** A platform image and where it comes from (a source reference, an index entry: what users recognise). */
export interface PlacedPlatform {
  /** Normalised, e.g. 'linux/arm/v7'. */
  platform: string
  /** Where this image comes from, for messages. */
  from: string
}

/** The `platform` object of a descriptor or the os/architecture/variant of an image config, or undefined. */
export function platformOf(value: unknown): Platform | undefined {
  if (!isRecord(value)) return undefined
  const { os, architecture, variant } = value
  if (typeof os !== 'string' || typeof architecture !== 'string' || os === '' || architecture === '') {
    return undefined
  }
  return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture }
}

/**
 * Each platform exactly once; with `expected`, exactly those platforms. Problems name the sources of a
 * duplicate, the platforms missing from every source, and platforms that `expected` does not list.
 */
export function platformSetProblems(
  placed: readonly PlacedPlatform[],
  expected?: readonly string[]
): string[] {
  const problems: string[] = []
  const byPlatform = new Map<string, string[]>()
  for (const { platform, from } of placed) {
    const key = normalizePlatform(platform)
    byPlatform.set(key, [...(byPlatform.get(key) ?? []), from])
  }
  for (const [platform, froms] of byPlatform) {
    if (froms.length > 1) problems.push(`${platform} is in more than one source: ${froms.join(', ')}`)
  }
  if (expected === undefined) return problems
  const wanted = expected.map(normalizePlatform)
  const held = [...byPlatform.keys()]
  const missing = wanted.filter(p => !byPlatform.has(p))
  if (missing.length > 0) {
    problems.push(
      `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} in platforms but in none of the sources ` +
        `(they hold ${held.length > 0 ? held.join(', ') : 'no platform image'})`
    )
  }
  for (const platform of held.filter(p => !wanted.includes(p))) {
    const froms = byPlatform.get(platform) ?? []
    problems.push(`${platform} (from ${froms.join(', ')}) is not in platforms (${wanted.join(', ')})`)
  }
  return problems
}

/**
 * The image config's os/architecture/variant against the index entry's platform (both normalised, so
 * arm64/v8 equals arm64). `where` names the image for the message.
 */
export function configPlatformProblems(entry: Platform, config: Buffer, where: string): string[] {
  const parsed = parseJsonObject(config)
  const fromConfig = platformOf(parsed)
  if (fromConfig === undefined) {
    return [`${where}: its image config has no os/architecture, so its platform cannot be checked`]
  }
  const listed = formatPlatform(entry)
  const actual = formatPlatform(fromConfig)
  return listed === actual
    ? []
    : [`${where} is listed as ${listed}, but its image config says ${actual} (os/architecture/variant)`]
}

/**
 * The platform images of an index (attestation manifests and unknown/unknown entries left out), each
 * placed as `entry N (digest)`: the input of platformSetProblems for an index already pushed.
 */
export function indexPlatforms(raw: Buffer, mediaType: string): PlacedPlatform[] {
  const parsed = parseJsonObject(raw)
  if (parsed === undefined || manifestKind(mediaType, parsed) !== 'index') {
    throw new Error(`Expected an image index (${mediaType || 'no media type'}), got something else`)
  }
  const manifests = Array.isArray(parsed['manifests']) ? (parsed['manifests'] as unknown[]) : []
  const placed: PlacedPlatform[] = []
  for (const [n, entry] of manifests.entries()) {
    if (!isRecord(entry) || isAttestation(entry)) continue
    const platform = platformOf(entry['platform'])
    if (platform === undefined || (platform.os === 'unknown' && platform.architecture === 'unknown')) continue
    placed.push({ platform: formatPlatform(platform), from: `entry ${n} (${String(entry['digest'])})` })
  }
  return placed
}

/** Checks a pushed (or about to be pushed) index: each platform once, and exactly `expected` if given. */
export function indexProblems(raw: Buffer, mediaType: string, expected?: readonly string[]): string[] {
  return platformSetProblems(indexPlatforms(raw, mediaType), expected)
}

/** An error listing every problem, or nothing when there is none. */
export function throwProblems(what: string, problems: readonly string[]): void {
  if (problems.length === 0) return
  throw new Error(
    problems.length === 1
      ? `${what}: ${problems[0] ?? ''}`
      : `${what}:\n${problems.map(p => `  - ${p}`).join('\n')}`
  )
}

/** What was fetched for one platform entry of a pushed index. */
export interface ListedManifest {
  kind: ManifestKind | undefined
  /** Its layers are in-toto statements: an attestation manifest. */
  attestation: boolean
  /** The image config's bytes (undefined for an index or an attestation manifest). */
  config?: Buffer
}

export interface PushedIndex {
  /** The parsed index document. */
  index: Record<string, unknown>
  /** The platforms the build was asked for. */
  requested: readonly string[]
  /** digest -> what the registry serves for it, for the index's platform entries. */
  manifests: ReadonlyMap<string, ListedManifest>
}

export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest'

/**
 * Every problem of an index as pushed: each requested platform exactly once and no other
 * (platformSetProblems), each config's platform (configPlatformProblems), no nested index, attestation
 * manifests only as attestation entries (unknown/unknown, pointing at an image of the index).
 */
export function pushedIndexProblems(input: PushedIndex): string[] {
  const problems: string[] = []
  const placed: PlacedPlatform[] = []
  const attestations: { from: string; platform: Platform | undefined; refersTo: unknown }[] = []
  const entries = Array.isArray(input.index['manifests']) ? (input.index['manifests'] as unknown[]) : []
  for (const [n, entry] of entries.entries()) {
    if (!isRecord(entry) || typeof entry['digest'] !== 'string') {
      problems.push(`entry ${n} of the index has no digest`)
      continue
    }
    const from = `entry ${n} (${entry['digest']})`
    const platform = platformOf(entry['platform'])
    if (isAttestation(entry)) {
      const annotations = entry['annotations'] as Record<string, unknown>
      attestations.push({ from, platform, refersTo: annotations[REFERENCE_DIGEST_ANNOTATION] })
      continue
    }
    const name = platform ? formatPlatform(platform) : ''
    if (typeof entry['mediaType'] === 'string' && INDEX_MEDIA_TYPES.includes(entry['mediaType'])) {
      problems.push(`${name || 'an entry'}: ${from} is an index nested in the index`)
      continue
    }
    if (!platform || (platform.os === 'unknown' && platform.architecture === 'unknown')) {
      problems.push(
        `${from} has ${platform ? 'platform unknown/unknown' : 'no platform'} but is not marked as an ` +
          'attestation manifest (vnd.docker.reference.type)'
      )
      continue
    }
    placed.push({ platform: name, from })
    problems.push(...listedProblems(platform, `${name}: ${from}`, input.manifests.get(entry['digest'])))
  }
  const images = new Set(placed.map(p => /\((.*)\)$/.exec(p.from)?.[1]))
  for (const { from, platform, refersTo } of attestations) {
    if (platform && !(platform.os === 'unknown' && platform.architecture === 'unknown')) {
      problems.push(
        `${formatPlatform(platform)}: ${from} is an attestation manifest listed with that platform, not unknown/unknown`
      )
    }
    if (typeof refersTo !== 'string' || !images.has(refersTo)) {
      problems.push(
        `${from} is an attestation manifest for ${String(refersTo)}, which is no image of the index`
      )
    }
  }
  return [...problems, ...platformSetProblems(placed, input.requested)]
}

/** The problems of a single image manifest pushed without an index (one platform requested). */
export function singleManifestProblems(requested: readonly string[], manifest: ListedManifest): string[] {
  const [only] = requested
  if (requested.length !== 1 || only === undefined) {
    return [`a single image manifest was pushed for ${requested.length} platforms`]
  }
  const [os = '', architecture = '', variant] = normalizePlatform(only).split('/')
  const platform = variant ? { os, architecture, variant } : { os, architecture }
  return listedProblems(platform, `${formatPlatform(platform)}: the pushed manifest`, manifest)
}

function listedProblems(platform: Platform, where: string, manifest: ListedManifest | undefined): string[] {
  if (!manifest) return [`${where} was not read`]
  if (manifest.kind === 'index') return [`${where} is an index nested in the index`]
  if (manifest.kind === undefined) return [`${where} is not an image manifest`]
  if (manifest.attestation)
    return [`${where} is an attestation manifest (${MEDIA_TYPES.inToto} layers), not an image`]
  return configPlatformProblems(platform, manifest.config ?? Buffer.from('{}'), where)
}
