/**
 * Tags are put last: the image was pushed by digest, read back and checked; only then is its index PUT
 * under each tag (one manifest PUT per tag). A failed check never gets here, so every tag still points
 * where it pointed before the run.
 */
import { parseImageReference } from '../oci/reference.js'
import type { FetchedManifest, RegistryClient } from '../registry/client.js'
import { transientRegistryFailure } from '../registry/errors.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import { openRegistryClient, type RegistryAccess } from './registry-access.js'
import type { MovedTag } from './verify.js'

export interface TagOptions extends RegistryAccess {
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
  const clients = new Map<string, Promise<RegistryClient>>()
  try {
    for (const tag of options.tags) {
      const reference = parseImageReference(tag)
      let client = clients.get(reference.registry)
      if (!client) {
        client = openRegistryClient(reference.registry, options)
        clients.set(reference.registry, client)
      }
      const opened = await client
      const name = reference.tag ?? 'latest'
      await withRetries(
        { ...options.retry, what: `Tagging ${tag}`, classify: transientRegistryFailure },
        () => opened.putManifest(reference.repository, name, options.manifest)
      )
      options.reporter.info(`${tag} -> ${options.manifest.digest}`)
    }
    const moved: MovedTag[] = []
    for (const tag of options.tags) {
      const reference = parseImageReference(tag)
      const client = await clients.get(reference.registry)
      const name = reference.tag ?? 'latest'
      const head = await withRetries(
        { ...options.retry, what: `Looking up ${tag}`, classify: transientRegistryFailure },
        async () => client?.headManifest(reference.repository, name)
      )
      const now = head?.digest ?? ''
      if (now !== options.manifest.digest && (head === undefined || now !== '')) {
        moved.push({ tag: `${reference.registry}/${reference.repository}:${name}`, served: now })
      }
    }
    return moved
  } finally {
    for (const client of clients.values()) {
      const opened = await client.catch(() => undefined)
      opened?.close()
    }
  }
}
