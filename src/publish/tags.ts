/**
 * Tags are put last: the image was pushed by digest, read back and checked; only then is its index PUT
 * under each tag (one manifest PUT per tag). A failed check never gets here, so every tag still points
 * where it pointed before the run.
 */
import { parseImageReference } from '../oci/reference.js'
import type { FetchedManifest } from '../registry/client.js'
import { transientRegistryFailure } from '../registry/registry-errors.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import type { Reporter } from '../core/reporter.js'
import type { Registries } from '../step/registries.js'
import { movedTag, type MovedTag } from './read-back.js'

export interface TagOptions {
  registries: Registries
  reporter: Reporter
  /** The tags input: full image references ('registry/repo:tag'; no tag means latest). */
  tags: readonly string[]
  /** The index (or manifest) exactly as the registry serves it by digest. */
  manifest: FetchedManifest
  retry: Omit<RetryOptions, 'what' | 'classify'>
}

/**
 * PUTs the manifest under every tag (one client per registry), then looks each tag up again: returns the
 * tags that serve something else by then (another run pushed the same tag just after this one).
 */
export async function putTags(options: TagOptions): Promise<MovedTag[]> {
  const { digest } = options.manifest
  for (const tag of options.tags) {
    const reference = parseImageReference(tag)
    const client = await options.registries.client(reference.registry)
    await withRetries({ ...options.retry, what: `Tagging ${tag}`, classify: transientRegistryFailure }, () =>
      client.putManifest(reference.repository, reference.tag ?? 'latest', options.manifest)
    )
    options.reporter.info(`${tag} -> ${digest}`)
  }
  const moved: MovedTag[] = []
  for (const tag of options.tags) {
    const reference = parseImageReference(tag)
    const client = await options.registries.client(reference.registry)
    const found = await movedTag(
      client,
      { ...reference, tag: reference.tag ?? 'latest' },
      digest,
      options.retry
    )
    if (found) moved.push(found)
  }
  return moved
}
