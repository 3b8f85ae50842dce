/**
 * Digests of a pushed image: what buildx reported (its --metadata-file) and what the registry serves,
 * and the comparison of the two. Pure functions; the registry client fetches the bytes.
 */
import { formatPlatform, normalizePlatform, type Platform } from './platforms.js'
import { isAttestation, isDigest, isRecord, manifestKind, sha256Digest } from './oci.js'
import { messageOf } from '../core/errors.js'

export interface BuildMetadata {
  /** containerimage.digest (or containerimage.descriptor.digest): what buildx pushed, 'sha256:<hex>'. */
  digest?: string
  /** containerimage.descriptor.mediaType */
  mediaType?: string
  /** image.name split on commas: every name buildx pushed to. */
  imageNames: string[]
  /** containerimage.descriptor.platform, normalised like formatPlatform (set for single-platform images). */
  platform?: string
  /** The whole metadata object, for anything else a caller wants. */
  raw: Record<string, unknown>
}

/** Parses the JSON buildx writes with --metadata-file. */
export function parseBuildMetadata(json: string): BuildMetadata {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (error) {
    throw new Error(`The buildx metadata file is not valid JSON: ${messageOf(error)}`, { cause: error })
  }
  if (!isRecord(parsed)) throw new Error('The buildx metadata file does not hold a JSON object')

  const names = parsed['image.name']
  const imageNames =
    typeof names === 'string'
      ? names
          .split(',')
          .map(name => name.trim())
          .filter(name => name !== '')
      : []
  const result: BuildMetadata = { imageNames, raw: parsed }

  const descriptor = parsed['containerimage.descriptor']
  const digest = parsed['containerimage.digest'] ?? (isRecord(descriptor) ? descriptor['digest'] : undefined)
  if (digest !== undefined) {
    if (typeof digest !== 'string' || !isDigest(digest)) {
      throw new Error(`The buildx metadata has an invalid containerimage.digest: ${JSON.stringify(digest)}`)
    }
    result.digest = digest
  }
  if (isRecord(descriptor)) {
    if (typeof descriptor['mediaType'] === 'string') result.mediaType = descriptor['mediaType']
    const platform = platformOf(descriptor['platform'])
    if (platform !== undefined) result.platform = formatPlatform(platform)
  }
  return result
}

export interface ServedDigests {
  /** sha256 of the bytes the registry served, 'sha256:<hex>'. */
  digest: string
  /** Normalised platform ('linux/arm/v7') -> digest of that platform's image manifest. */
  platforms: Record<string, string>
}

/**
 * From the raw bytes the registry served: digest (sha256 of the bytes) and platform -> digest.
 * Index/manifest-list: every entry with a platform, EXCLUDING attestation manifests (annotation
 * vnd.docker.reference.type = attestation-manifest, or platform unknown/unknown); the first entry wins
 * when two share a platform. Single image manifest: { [fallbackPlatform]: digest } (fallbackPlatform from
 * metadata; if absent, throws a clear error).
 */
export function digestsFromManifest(
  raw: Buffer,
  mediaType: string,
  fallbackPlatform?: string
): ServedDigests {
  const digest = sha256Digest(raw)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.toString('utf8'))
  } catch (error) {
    throw new Error(`The manifest ${digest} is not valid JSON: ${messageOf(error)}`, { cause: error })
  }
  if (!isRecord(parsed)) throw new Error(`The manifest ${digest} is not a JSON object`)

  const kind = manifestKind(mediaType, parsed)
  if (kind === undefined) {
    throw new Error(
      `The manifest ${digest} has media type "${mediaType}", which is neither an image index nor an image manifest`
    )
  }

  if (kind === 'manifest') {
    if (fallbackPlatform === undefined || fallbackPlatform.trim() === '') {
      throw new Error(
        `The registry serves a single-platform image manifest (${digest}), and the build metadata does not say ` +
          'which platform it is for (containerimage.descriptor.platform is missing)'
      )
    }
    return { digest, platforms: { [normalizePlatform(fallbackPlatform)]: digest } }
  }

  const manifests = parsed['manifests']
  if (!Array.isArray(manifests)) throw new Error(`The image index ${digest} has no "manifests" list`)
  const platforms: Record<string, string> = {}
  for (const entry of manifests) {
    if (!isRecord(entry) || isAttestation(entry)) continue
    const platform = platformOf(entry['platform'])
    const entryDigest = entry['digest']
    if (platform === undefined || typeof entryDigest !== 'string') continue
    if (platform.os === 'unknown' && platform.architecture === 'unknown') continue
    const key = formatPlatform(platform)
    if (!(key in platforms)) platforms[key] = entryDigest
  }
  return { digest, platforms }
}

/**
 * Compares what the registry served with what buildx reported; throws an Error naming both digests and
 * the image when they differ, or when expectedPlatforms (e.g. ['linux/amd64','linux/arm64']) are missing
 * from what is served, or when nothing served has a platform.
 */
export function verifyDigests(options: {
  image: string
  expectedDigest: string
  served: ServedDigests
  expectedPlatforms: readonly string[]
}): void {
  const { image, expectedDigest, served } = options
  if (served.digest.toLowerCase() !== expectedDigest.toLowerCase()) {
    throw new Error(
      `The registry serves ${served.digest} for ${image}, but buildx reported pushing ${expectedDigest}; ` +
        'the tag was changed by something else, or the push did not complete'
    )
  }
  const servedPlatforms = Object.keys(served.platforms)
  if (servedPlatforms.length === 0) {
    throw new Error(`The registry serves ${served.digest} for ${image}, but it lists no platform images`)
  }
  const missing = options.expectedPlatforms.filter(p => !(normalizePlatform(p) in served.platforms))
  if (missing.length > 0) {
    throw new Error(
      `The registry serves ${served.digest} for ${image} without ${missing.join(', ')}; ` +
        `it has ${servedPlatforms.join(', ')}`
    )
  }
}

function platformOf(value: unknown): Platform | undefined {
  if (!isRecord(value)) return undefined
  const { os, architecture, variant } = value
  if (typeof os !== 'string' || typeof architecture !== 'string' || os === '' || architecture === '') {
    return undefined
  }
  return typeof variant === 'string' && variant !== '' ? { os, architecture, variant } : { os, architecture }
}
