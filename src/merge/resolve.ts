/**
 * Reading the sources of a merge: each source's manifest (by tag or digest), the platform manifests of
 * a source index, their image configs (to check their platform) and the attestation manifests that come
 * along. Nothing is written anywhere.
 */
import { mapLimit } from '../core/pool.js'
import { manifestBlobs, sourceParts, type PlatformImage } from '../oci/merge-plan.js'
import { manifestKind, parseJsonObject } from '../oci/oci.js'
import { parseImageReference } from '../oci/reference.js'
import { readAll } from '../registry/transport.js'
import type { CopiedManifest, RepositoryAt } from '../registry/copy.js'
import type { Registries } from '../step/registries.js'

/** Image configs are small JSON documents; a larger one is refused. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/** A manifest to bring to the target, and where it is now. */
export interface ManifestAt {
  from: Omit<RepositoryAt, 'client'>
  manifest: CopiedManifest
}

export interface ResolvedSources {
  images: PlatformImage[]
  /** Every platform and attestation manifest of the images, by digest. */
  manifests: Map<string, ManifestAt>
}

export type Retry = <T>(what: string, operation: () => Promise<T>) => Promise<T>

export interface ResolveOptions {
  sources: readonly string[]
  registries: Registries
  retry: Retry
  /** Requests in flight at once. */
  concurrency: number
}

export async function resolveSources(options: ResolveOptions): Promise<ResolvedSources> {
  const { registries, retry } = options
  const manifests = new Map<string, ManifestAt>()
  const perSource = await mapLimit(options.sources, options.concurrency, async source => {
    const reference = parseImageReference(source)
    const from = { registry: reference.registry, repository: reference.repository }
    const client = await registries.client(reference.registry)
    const ref = reference.digest ?? reference.tag ?? 'latest'
    const top = await retry(`Reading ${source}`, () => client.getManifest(reference.repository, ref))
    const parts = sourceParts({ source, ...top })

    /** A manifest of this source's repository, as served (the source's own when it is one). */
    const fetch = async (digest: string, what: string): Promise<CopiedManifest> => {
      const fetched =
        digest === top.digest
          ? top
          : await retry(`Reading ${what} of ${source}`, () =>
              client.getManifest(reference.repository, digest)
            )
      const parsed = parseJsonObject(fetched.raw)
      if (parsed === undefined || manifestKind(fetched.mediaType, parsed) !== 'manifest') {
        throw new Error(`${source}: ${digest} is not an image manifest (${fetched.mediaType})`)
      }
      const blobs = manifestBlobs(fetched.raw, `${source} (${digest})`)
      const manifest = { ...fetched, blobs }
      manifests.set(digest, { from, manifest })
      return manifest
    }

    return mapLimit(parts, options.concurrency, async (part): Promise<PlatformImage> => {
      const manifest = await fetch(part.descriptor.digest, 'a platform manifest')
      await Promise.all(part.attestations.map(a => fetch(a.digest, 'an attestation manifest')))
      const config = manifest.blobs[0]
      if (config === undefined) throw new Error(`${source}: ${manifest.digest} has no config`)
      if (config.size > MAX_CONFIG_BYTES) {
        throw new Error(
          `${source}: the image config of ${manifest.digest} is ${config.size} bytes, too large`
        )
      }
      const bytes = await retry(`Reading the image config of ${source}`, async () => {
        const blob = await client.getBlob(reference.repository, config.digest, config.size)
        return readAll(blob.body)
      })
      return { ...part, config: bytes }
    })
  })
  return { images: perSource.flat(), manifests }
}
