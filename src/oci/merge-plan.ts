/**
 * Planning a merge: which platform images each source contributes (an index gives its platform manifests,
 * each with the attestation manifests that refer to it, so nothing is nested), the checks every merge
 * passes before anything is pushed, and the bytes of the new index. Pure: the caller fetches and pushes.
 */
import {
  configPlatformProblems,
  platformOf,
  platformSetProblems,
  throwProblems,
  type PlacedPlatform
} from './index-checks.js'
import {
  INDEX_MEDIA_TYPES,
  isAttestation,
  isDigest,
  isRecord,
  manifestKind,
  MEDIA_TYPES,
  parseJsonObject,
  sha256Digest
} from './oci.js'
import { formatPlatform, type Platform } from './platforms.js'

/** The annotation of an attestation manifest that names the image it describes. */
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest'

/** A descriptor as an index holds it (mediaType, digest, size, platform, annotations, …). */
export type Descriptor = Record<string, unknown> & { mediaType: string; digest: string; size: number }

/** What the registry served for one source reference. */
export interface SourceManifest {
  /** The source as the user wrote it. */
  source: string
  raw: Buffer
  mediaType: string
  digest: string
}

/** One platform image that a source contributes, before its manifest and config are read. */
export interface SourcePart {
  source: string
  /** Its entry in the source index (kept as it is), or a descriptor made for a single-manifest source. */
  descriptor: Descriptor
  /** The entry's platform; undefined for a single manifest, whose platform its config gives. */
  platform: Platform | undefined
  /** Entries of the source index that are attestation manifests of this image. */
  attestations: Descriptor[]
}

/** A platform image with its image config read. */
export interface PlatformImage extends SourcePart {
  config: Buffer
}

export interface PlacedImage extends PlatformImage {
  /** Normalised platform, e.g. 'linux/arm/v7'. */
  key: string
  /** Its entry in the new index. */
  entry: Descriptor
}

export interface MergePlan {
  mediaType: string
  /** The index exactly as it is pushed. */
  raw: Buffer
  /** sha256 of raw. */
  digest: string
  /** platform -> image manifest digest, in index order. */
  platforms: Record<string, string>
  /** Every platform image, with its normalised platform and its entry in the new index. */
  images: PlacedImage[]
}

/** The platform images of a source: its own manifest, or the platform entries of its index. */
export function sourceParts(source: SourceManifest): SourcePart[] {
  const parsed = parseJsonObject(source.raw)
  const kind = parsed === undefined ? undefined : manifestKind(source.mediaType, parsed)
  if (parsed === undefined || kind === undefined) {
    throw new Error(`${source.source} is neither an image index nor an image manifest (${source.mediaType})`)
  }
  if (kind === 'manifest') {
    const descriptor = { mediaType: source.mediaType, digest: source.digest, size: source.raw.length }
    return [{ source: source.source, descriptor, platform: undefined, attestations: [] }]
  }
  const entries = (Array.isArray(parsed['manifests']) ? parsed['manifests'] : []).map(entry =>
    descriptorOf(entry, source.source)
  )
  const parts: SourcePart[] = []
  for (const entry of entries) {
    if (isAttestation(entry)) continue
    if (INDEX_MEDIA_TYPES.includes(entry.mediaType)) {
      throw new Error(
        `${source.source} holds another index (${entry.digest}); give that index as a source of its own`
      )
    }
    const platform = platformOf(entry['platform'])
    if (platform === undefined || (platform.os === 'unknown' && platform.architecture === 'unknown')) continue
    const attestations = entries.filter(
      other => isAttestation(other) && annotation(other, REFERENCE_DIGEST_ANNOTATION) === entry.digest
    )
    parts.push({ source: source.source, descriptor: entry, platform, attestations })
  }
  if (parts.length === 0) throw new Error(`${source.source} is an index without any platform image`)
  return parts
}

/**
 * The index of the images, after the checks: every platform exactly once (exactly `platforms` when
 * given) and each config's os/architecture/variant equal to its entry. Throws one error with every
 * problem. A Docker manifest list when every image is a Docker manifest and there are no attestations
 * and no annotations (a manifest list has no place for them); else an OCI image index.
 */
export function planIndex(
  images: readonly PlatformImage[],
  options: { platforms?: readonly string[]; annotations: Readonly<Record<string, string>> }
): MergePlan {
  const problems: string[] = []
  const placed: PlacedImage[] = []
  for (const image of images) {
    const where = `${image.source} (${image.descriptor.digest})`
    if (image.platform !== undefined) {
      problems.push(...configPlatformProblems(image.platform, image.config, where))
      placed.push({ ...image, key: formatPlatform(image.platform), entry: image.descriptor })
      continue
    }
    const config = parseJsonObject(image.config)
    const platform = platformOf(config)
    if (platform === undefined) {
      problems.push(`${where}: its image config has no os/architecture, so its platform is unknown`)
      continue
    }
    const osVersion = config?.['os.version']
    const entry: Descriptor = {
      ...image.descriptor,
      platform: { ...platform, ...(typeof osVersion === 'string' ? { 'os.version': osVersion } : {}) }
    }
    placed.push({ ...image, platform, key: formatPlatform(platform), entry })
  }
  const sets: PlacedPlatform[] = placed.map(p => ({ platform: p.key, from: p.source }))
  problems.push(...platformSetProblems(sets, options.platforms))
  throwProblems('Cannot merge the sources', problems)

  const attestations = placed.flatMap(p => p.attestations)
  const annotations = Object.keys(options.annotations).length > 0 ? { ...options.annotations } : undefined
  const docker =
    placed.every(p => p.entry.mediaType === MEDIA_TYPES.dockerManifest) &&
    attestations.length === 0 &&
    annotations === undefined
  const mediaType = docker ? MEDIA_TYPES.dockerManifestList : MEDIA_TYPES.ociIndex
  const index = {
    schemaVersion: 2,
    mediaType,
    manifests: [...placed.map(p => p.entry), ...attestations],
    ...(annotations ? { annotations } : {})
  }
  const raw = Buffer.from(`${JSON.stringify(index, null, 2)}\n`)
  return {
    mediaType,
    raw,
    digest: sha256Digest(raw),
    platforms: Object.fromEntries(placed.map(p => [p.key, p.entry.digest])),
    images: placed
  }
}

/** The blobs an image manifest refers to: its config and its layers. */
export function manifestBlobs(raw: Buffer, where: string): { digest: string; size: number }[] {
  const parsed = parseJsonObject(raw)
  const layers: unknown[] = Array.isArray(parsed?.['layers']) ? (parsed['layers'] as unknown[]) : []
  const config = parsed?.['config']
  if (!isRecord(config)) throw new Error(`${where} is not an image manifest: it has no config`)
  return [config, ...layers].map(blob => {
    const digest = isRecord(blob) ? blob['digest'] : undefined
    const size = isRecord(blob) ? blob['size'] : undefined
    if (typeof digest !== 'string' || !isDigest(digest) || typeof size !== 'number' || size < 0) {
      throw new Error(`${where} lists a blob without a sha256 digest and size`)
    }
    return { digest, size }
  })
}

function descriptorOf(value: unknown, source: string): Descriptor {
  const ok =
    isRecord(value) &&
    typeof value['mediaType'] === 'string' &&
    typeof value['digest'] === 'string' &&
    isDigest(value['digest']) &&
    typeof value['size'] === 'number'
  if (!ok) throw new Error(`${source} has an index entry without mediaType, sha256 digest and size`)
  return value as Descriptor
}

function annotation(descriptor: Descriptor, key: string): string | undefined {
  const annotations = descriptor['annotations']
  const value = isRecord(annotations) ? annotations[key] : undefined
  return typeof value === 'string' ? value : undefined
}
