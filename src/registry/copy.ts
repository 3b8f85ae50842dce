/**
 * Copying an image manifest and its blobs from one repository to another, by digest: within one registry
 * each blob is mounted (the registry copies it itself when it will not mount), between registries each
 * blob the target lacks is streamed from the source into the target. The manifest is PUT by its digest,
 * with the exact bytes the source served, after its blobs.
 */
import { mapLimit } from '../core/pool.js'
import type { RegistryClient } from './client.js'

/** A repository and the client for its registry. */
export interface RepositoryAt {
  client: RegistryClient
  /** As in ImageReference.registry. */
  registry: string
  repository: string
}

export interface CopiedManifest {
  raw: Buffer
  mediaType: string
  digest: string
  /** Its config and layers. */
  blobs: readonly { digest: string; size: number }[]
}

/** How each blob got to the target. */
export interface CopyCounts {
  /** Cross-repository mounts the registry accepted. */
  mounted: number
  /** Blobs whose bytes went through this client (a refused mount, or another registry). */
  copied: number
  /** Blobs the target already had. */
  present: number
  /** Manifests PUT by digest. */
  manifests: number
}

export interface CopyOptions {
  from: RepositoryAt
  to: RepositoryAt
  manifest: CopiedManifest
  counts: CopyCounts
  /** Runs one registry operation, retrying it when it fails for a transient reason. */
  retry: <T>(what: string, operation: () => Promise<T>) => Promise<T>
  /** Blobs in flight at once. Default 4. */
  concurrency?: number
  /**
   * Blobs already brought to this target (or on their way) by earlier copies of the same run, shared
   * by them: a blob several manifests refer to is transferred and counted once.
   */
  blobsDone?: Map<string, Promise<void>>
}

export function emptyCounts(): CopyCounts {
  return { mounted: 0, copied: 0, present: 0, manifests: 0 }
}

/** Whether two repositories are the same one (then there is nothing to copy). */
export function sameRepository(a: Omit<RepositoryAt, 'client'>, b: Omit<RepositoryAt, 'client'>): boolean {
  return a.registry === b.registry && a.repository === b.repository
}

/** Makes the manifest and its blobs part of the target repository (nothing to do when it is the source). */
export async function copyManifest(options: CopyOptions): Promise<void> {
  const { from, to, manifest, counts, retry } = options
  if (sameRepository(from, to)) return
  const where = `${to.registry}/${to.repository}`
  const done = options.blobsDone ?? new Map<string, Promise<void>>()
  await mapLimit(manifest.blobs, options.concurrency ?? 4, blob => {
    const key = `${to.registry}/${to.repository}@${blob.digest}`
    let transfer = done.get(key)
    if (transfer === undefined) {
      transfer = copyBlob(options, blob)
      transfer.catch(() => undefined) // awaited below; a failure elsewhere must not leave it unhandled
      done.set(key, transfer)
    }
    return transfer
  })
  await retry(`Pushing manifest ${manifest.digest} to ${where}`, () =>
    to.client.putManifest(to.repository, manifest.digest, manifest)
  )
  counts.manifests++
}

/** Brings one blob to the target: mounted within a registry, else streamed unless the target has it. */
async function copyBlob(options: CopyOptions, blob: { digest: string; size: number }): Promise<void> {
  const { from, to, counts, retry } = options
  const where = `${to.registry}/${to.repository}`
  if (from.registry === to.registry) {
    const how = await retry(`Mounting blob ${blob.digest} into ${where}`, () =>
      to.client.mountBlob({
        repository: to.repository,
        from: from.repository,
        digest: blob.digest,
        maxBytes: blob.size
      })
    )
    counts[how]++
    return
  }
  const present = await retry(`Looking up blob ${blob.digest} in ${where}`, () =>
    to.client.headBlob(to.repository, blob.digest)
  )
  if (present !== undefined) {
    counts.present++
    return
  }
  await retry(`Copying blob ${blob.digest} to ${where}`, async () => {
    const stream = await from.client.getBlob(from.repository, blob.digest, blob.size)
    await to.client.uploadBlob(to.repository, blob.digest, { size: blob.size, body: stream.body })
  })
  counts.copied++
}
