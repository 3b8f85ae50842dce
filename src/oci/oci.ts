/**
 * OCI and Docker distribution facts, in one place: media types, the digest and tag grammar, the sha256
 * digest of bytes, which kind of manifest a document is, and which index entries are attestations.
 */
import { createHash } from 'node:crypto'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  /** The layers of a BuildKit attestation manifest (SLSA provenance, SBOM). */
  inToto: 'application/vnd.in-toto+json'
} as const

export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]
export const IMAGE_MANIFEST_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifest
]

/** The Accept header of a manifest request: every index and image manifest type. */
export const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...IMAGE_MANIFEST_MEDIA_TYPES].join(', ')

/** The annotation BuildKit puts on an index entry that is an attestation manifest. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type'
export const ATTESTATION_REFERENCE_TYPE = 'attestation-manifest'

const DIGEST = /^sha256:[a-f0-9]{64}$/
const TAG = /^\w[\w.-]{0,127}$/

/** A `sha256:<64 lowercase hex>` digest (the only algorithm registries and buildx use here). */
export function isDigest(value: string): boolean {
  return DIGEST.test(value)
}

/** A tag: 1 to 128 of letters, digits, `_`, `.`, `-`, not starting with `.` or `-`. */
export function isTag(value: string): boolean {
  return TAG.test(value)
}

/** 'sha256:<hex>' of the bytes. */
export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

export type ManifestKind = 'index' | 'manifest'

/** A Content-Type value without parameters, lowercased ('' when there is none). */
export function bareMediaType(contentType: string | undefined): string {
  return contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * The media type of a served manifest: the Content-Type without parameters, or the document's own
 * `mediaType` when the registry sent a generic type (application/json, text/plain) or none.
 */
export function manifestMediaType(contentType: string | undefined, raw: Buffer): string {
  const declared = bareMediaType(contentType)
  if (declared !== '' && declared !== 'application/json' && declared !== 'text/plain') return declared
  const own = parseJsonObject(raw)?.['mediaType']
  return typeof own === 'string' ? own : declared
}

/**
 * Whether a document is an image index or an image manifest: by its media type, else (a generic type
 * was served) by its own `mediaType`, else by its shape. undefined when it is neither.
 */
export function manifestKind(mediaType: string, parsed: Record<string, unknown>): ManifestKind | undefined {
  const declared = bareMediaType(mediaType)
  if (INDEX_MEDIA_TYPES.includes(declared)) return 'index'
  if (IMAGE_MANIFEST_MEDIA_TYPES.includes(declared)) return 'manifest'
  const own = parsed['mediaType']
  if (typeof own === 'string' && INDEX_MEDIA_TYPES.includes(own)) return 'index'
  if (typeof own === 'string' && IMAGE_MANIFEST_MEDIA_TYPES.includes(own)) return 'manifest'
  if (own === undefined && Array.isArray(parsed['manifests'])) return 'index'
  if (own === undefined && isRecord(parsed['config']) && Array.isArray(parsed['layers'])) return 'manifest'
  return undefined
}

/** An index entry that is a BuildKit attestation manifest rather than a platform's image. */
export function isAttestation(entry: Record<string, unknown>): boolean {
  const annotations = entry['annotations']
  return isRecord(annotations) && annotations[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_REFERENCE_TYPE
}

/** The JSON object in the bytes, or undefined when they are not one. */
export function parseJsonObject(raw: Buffer | string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw.toString())
    return isRecord(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
