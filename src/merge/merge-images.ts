/**
 * One index from images that already exist, pushed under every tag: read the sources, check them (every
 * platform exactly once, exactly `platforms` when given, each config matching its entry) before anything
 * is written, bring every platform and attestation manifest with its blobs to each target repository
 * (mounted within a registry, copied between registries), PUT the index under each tag, and read each
 * tag back. Takes typed options, so the action and a command line can both call it.
 */
import { mapLimit } from '../core/pool.js'
import { indexProblems, throwProblems } from '../oci/index-checks.js'
import { planIndex } from '../oci/merge-plan.js'
import { parseImageReference } from '../oci/reference.js'
import { copyManifest, emptyCounts, type CopyCounts } from '../registry/copy.js'
import type { Registries } from '../step/registries.js'
import { resolveSources, type Retry } from './resolve.js'

export interface MergeOptions {
  sources: readonly string[]
  /** References with a tag (no tag: latest). */
  tags: readonly string[]
  annotations: Readonly<Record<string, string>>
  /** The exact platforms the index must hold; undefined: whatever the sources hold. */
  platforms?: readonly string[] | undefined
  registries: Registries
  retry: Retry
  /** Progress, one line at a time. */
  log: (line: string) => void
  /** Requests in flight at once. Default 4. */
  concurrency?: number
  /**
   * Runs once the index is in every target repository by digest and before any tag is put (the
   * signature); a failure leaves every tag where it was.
   */
  beforeTags?: (index: { digest: string; platforms: Record<string, string> }) => Promise<void>
}

export interface MergedImage {
  platform: string
  digest: string
  source: string
  attestations: number
}

export interface MergeResult {
  /** sha256 of the index bytes pushed. */
  digest: string
  mediaType: string
  /** platform -> image manifest digest. */
  platforms: Record<string, string>
  images: MergedImage[]
  tags: readonly string[]
  /** How the blobs got to the targets, over all of them. */
  counts: CopyCounts
}

export async function mergeImages(options: MergeOptions): Promise<MergeResult> {
  const { registries, retry, log } = options
  const concurrency = options.concurrency ?? 4
  const resolved = await resolveSources({ sources: options.sources, registries, retry, concurrency })
  const plan = planIndex(resolved.images, {
    annotations: options.annotations,
    ...(options.platforms ? { platforms: options.platforms } : {})
  })
  const images = plan.images.map(image => ({
    platform: image.key,
    digest: image.entry.digest,
    source: image.source,
    attestations: image.attestations.length
  }))
  for (const image of images) {
    const extra = image.attestations > 0 ? ` (+${image.attestations} attestation manifest)` : ''
    log(`${image.platform}  ${image.digest}  from ${image.source}${extra}`)
  }
  log(`index ${plan.digest} (${plan.mediaType}): checks passed, pushing`)

  const targets = new Map<string, { registry: string; repository: string; tags: string[] }>()
  for (const tag of options.tags) {
    const reference = parseImageReference(tag)
    const key = `${reference.registry}/${reference.repository}`
    const target = targets.get(key) ?? {
      registry: reference.registry,
      repository: reference.repository,
      tags: []
    }
    target.tags.push(reference.tag ?? 'latest')
    targets.set(key, target)
  }
  const manifests = plan.images.flatMap(image => [image.entry, ...image.attestations])
  const counts = emptyCounts()
  const tagged: (() => Promise<void>)[] = []
  for (const [where, target] of targets) {
    const client = await registries.client(target.registry)
    const to = { client, registry: target.registry, repository: target.repository }
    const before = { ...counts }
    const blobsDone = new Map<string, Promise<void>>()
    await mapLimit(manifests, concurrency, async descriptor => {
      const source = resolved.manifests.get(descriptor.digest)
      if (source === undefined) throw new Error(`${descriptor.digest} was not read from any source`)
      const from = { ...source.from, client: await registries.client(source.from.registry) }
      await copyManifest({ from, to, manifest: source.manifest, counts, retry, concurrency, blobsDone })
    })
    log(
      `${registries.describe(target.registry)} ${target.repository}: ` +
        `${counts.mounted - before.mounted} blobs mounted, ${counts.copied - before.copied} copied, ` +
        `${counts.present - before.present} already there; ${counts.manifests - before.manifests} manifests pushed`
    )
    if (options.beforeTags)
      await retry(`Pushing the index to ${where}@${plan.digest}`, () =>
        client.putManifest(target.repository, plan.digest, { raw: plan.raw, mediaType: plan.mediaType })
      )
    tagged.push(async () => {
      for (const tag of target.tags) {
        await retry(`Pushing the index to ${where}:${tag}`, () =>
          client.putManifest(target.repository, tag, { raw: plan.raw, mediaType: plan.mediaType })
        )
        const served = await retry(`Reading ${where}:${tag} back`, () =>
          client.getManifest(target.repository, tag)
        )
        if (served.digest !== plan.digest) {
          throw new Error(
            `${where}:${tag} serves ${served.digest} after pushing ${plan.digest}: something else changed the tag`
          )
        }
        throwProblems(`${where}:${tag}`, indexProblems(served.raw, served.mediaType, options.platforms))
        log(`${where}:${tag} -> ${plan.digest}`)
      }
    })
  }
  // Every target holds every manifest (and, to be signed, the index by digest) before any tag moves.
  await options.beforeTags?.({ digest: plan.digest, platforms: plan.platforms })
  for (const putTags of tagged) await putTags()
  return {
    digest: plan.digest,
    mediaType: plan.mediaType,
    platforms: plan.platforms,
    images,
    tags: options.tags,
    counts
  }
}
