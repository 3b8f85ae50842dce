/**
 * The digests this action reports: the index digest from buildx's metadata file, checked against what the
 * registry serves (one manifest fetch per pushed repository, talking to each registry the way BuildKit
 * did: same HTTP/HTTPS choice, CAs and verification), and the per-platform digests from that index.
 */
import * as fs from 'node:fs'
import {
  digestsFromManifest,
  parseBuildMetadata,
  verifyDigests,
  type BuildMetadata,
  type ServedDigests
} from '../oci/digests.js'
import { parseImageReference } from '../oci/reference.js'
import type { FetchedManifest, RegistryClient } from '../registry/client.js'
import { transientRegistryFailure } from '../registry/registry-errors.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import type { Reporter } from '../core/reporter.js'
import type { Registries } from '../step/registries.js'

export interface DigestReport {
  /** The pushed index (or single manifest) digest; '' when nothing was pushed. */
  digest: string
  /** platform -> manifest digest, attestation manifests left out. */
  platforms: Record<string, string>
  /** The images checked in their registries. */
  verified: string[]
  metadata: BuildMetadata
  /** Tags that serve another index than this run's by the time it was checked (another run pushed). */
  moved: MovedTag[]
  /** The index (or single manifest) as the first of `verified` serves it; undefined when nothing was pushed. */
  served?: { image: string; manifest: FetchedManifest }
}

export interface MovedTag {
  tag: string
  /** The digest the tag serves now ('' when the tag is gone). */
  served: string
}

export interface VerifyOptions {
  registries: Registries
  reporter: Reporter
  metadataFile: string
  pushed: boolean
  platforms: readonly string[]
  /**
   * The images the inputs asked for (tags, or the repository with push-by-digest), checked when buildx's
   * metadata names none: a build spread over several nodes reports only the digest.
   */
  names?: readonly string[]
  /** The tags are put after the checks (tags.ts): what they serve now is not looked up here. */
  tagsPending?: boolean
  /** How a failed fetch is retried (only registry overload, 5xx and network failures are). */
  retry: Omit<RetryOptions, 'what' | 'classify'>
}

export async function reportDigests(options: VerifyOptions): Promise<DigestReport> {
  const metadata = parseBuildMetadata(fs.readFileSync(options.metadataFile, 'utf8'))
  const digest = metadata.digest ?? ''
  if (!options.pushed) return { digest, platforms: {}, verified: [], metadata, moved: [] }
  if (!digest) {
    throw new Error(
      `buildx reported no image digest in ${options.metadataFile} after pushing, so nothing can be checked ` +
        'in the registry. Is an output other than the registry set (outputs, cache-to)?'
    )
  }

  // One fetch per repository (tags of the same repository share the pushed index), one look-up per tag.
  const repositories = new Map<string, string[]>()
  for (const name of metadata.imageNames.length > 0 ? metadata.imageNames : (options.names ?? [])) {
    const ref = parseImageReference(name)
    const key = `${ref.registry}/${ref.repository}`
    repositories.set(key, [...(repositories.get(key) ?? []), name])
  }
  const results = await Promise.all(
    [...repositories.values()].map(images => readBack(images, digest, metadata, options))
  )
  const moved = results.flatMap(r => r.moved)
  warnMoved(options.reporter, digest, moved)
  const verified = [...repositories.values()].map(images => images[images.length - 1] ?? '')
  const first = results[0]
  return {
    digest,
    platforms: first?.served.platforms ?? {},
    verified,
    metadata,
    moved,
    ...(first && verified[0] ? { served: { image: verified[0], manifest: first.manifest } } : {})
  }
}

/** A warning per tag that serves another index than this run's (another run pushed it later). */
export function warnMoved(reporter: Reporter, digest: string, moved: readonly MovedTag[]): void {
  for (const { tag, served } of moved) {
    reporter.warning(
      `${tag} no longer serves this run's index ${digest}: it serves ${served || 'nothing (the tag is gone)'}. ` +
        'Another run pushed the same tag after this one; this run’s image is still there by its digest.',
      { title: 'Tag moved on' }
    )
  }
}

/**
 * Fetches the pushed digest from the images' repository and checks it (and its platforms); then looks up
 * what each tag serves now.
 */
async function readBack(
  images: readonly string[],
  digest: string,
  metadata: BuildMetadata,
  options: VerifyOptions
): Promise<{ served: ServedDigests; moved: MovedTag[]; manifest: FetchedManifest }> {
  const image = images[0] ?? ''
  const reference = parseImageReference(image)
  // The run's client for this registry: its token serves the retries and the later phases too.
  const client = await options.registries.client(reference.registry)
  const retry = { ...options.retry, classify: transientRegistryFailure }
  const fetched: FetchedManifest = await withRetries({ ...retry, what: `Reading ${image} back` }, () =>
    client.getManifest(reference.repository, digest)
  )
  const served = digestsFromManifest(fetched.raw, fetched.mediaType, metadata.platform)
  verifyDigests({ image, expectedDigest: digest, served, expectedPlatforms: options.platforms })
  const moved: MovedTag[] = []
  const tags = options.tagsPending ? [] : images.map(parseImageReference)
  for (const tag of tags) {
    if (tag.tag === undefined) continue
    const found = await movedTag(client, { ...reference, tag: tag.tag }, digest, options.retry)
    if (found) moved.push(found)
  }
  return { served, moved, manifest: fetched }
}

/**
 * Looks up what `tag` serves now: a moved tag when it serves another digest or is gone, undefined while it
 * serves `digest` (or the registry answers without a digest header, which says nothing either way).
 */
export async function movedTag(
  client: RegistryClient,
  tag: { registry: string; repository: string; tag: string },
  digest: string,
  retry: Omit<RetryOptions, 'what' | 'classify'>
): Promise<MovedTag | undefined> {
  const name = `${tag.registry}/${tag.repository}:${tag.tag}`
  const head = await withRetries(
    { ...retry, what: `Looking up ${name}`, classify: transientRegistryFailure },
    () => client.headManifest(tag.repository, tag.tag)
  )
  const now = head?.digest ?? ''
  return now !== digest && (head === undefined || now !== '') ? { tag: name, served: now } : undefined
}

/** Logs the digests: the index, where it was checked, and each platform's manifest. */
export function logDigests(reporter: Reporter, report: DigestReport): DigestReport {
  const where = report.verified.join(', ') || 'no registry (push is false)'
  reporter.info(`index ${report.digest || '(none)'}; checked in ${where}`)
  for (const [platform, digest] of Object.entries(report.platforms)) reporter.info(`${platform}  ${digest}`)
  return report
}
