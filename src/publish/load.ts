/**
 * `load` with `push`: once the pushed image has passed its checks and its tags are in place, the image of
 * the engine's platform is copied from the registry into the Docker engine under every tag, so that later
 * steps run exactly what was pushed. The registry is read the way the checks read it (HTTP, private CAs,
 * credentials), so this works for every registry the build can push to, where a `docker pull` would need
 * the engine to trust it too. The image ID is read back from the engine, whichever image store it uses.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runChecked, type CommandRunner } from '../core/runner.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import { fullName, writeImageArchive } from '../docker/image-archive.js'
import { enginePlatform, imageIds } from '../docker/engine.js'
import { manifestBlobs } from '../oci/merge-plan.js'
import { parseImageReference } from '../oci/reference.js'
import { transientRegistryFailure } from '../registry/registry-errors.js'
import type { Reporter } from '../core/reporter.js'
import type { Registries } from '../step/registries.js'

export interface LoadOptions {
  registries: Registries
  reporter: Reporter
  /** Runs docker (the engine's platform, docker load). */
  runner: CommandRunner
  /** Every tag; the first one's repository holds the pushed manifests. */
  tags: readonly string[]
  /** Each built platform's manifest digest, as the registry serves it. */
  platforms: Readonly<Record<string, string>>
  /** Where the archive is written (and removed again). */
  work: string
  retry: Omit<RetryOptions, 'what' | 'classify'>
}

export interface LoadedImage {
  platform: string
  /** The platform's manifest digest in the registry. */
  digest: string
  /** The ID `docker image inspect` shows for every loaded tag. */
  imageId: string
}

/**
 * The platform to load into an engine of platform `engine`: the built one it runs natively (same
 * architecture, the variant too where both name one), else the first one built, which it runs under
 * emulation.
 */
export function loadPlatform(
  built: readonly string[],
  engine: string
): { platform: string; native: boolean } {
  const [os, architecture, variant] = engine.split('/')
  const native =
    built.find(p => p === engine) ??
    built.find(p => {
      const [pOs, pArchitecture, pVariant] = p.split('/')
      return pOs === os && pArchitecture === architecture && (!variant || !pVariant || variant === pVariant)
    })
  const first = built[0]
  if (native !== undefined) return { platform: native, native: true }
  if (first === undefined) throw new Error('No platform was built, so there is nothing to load')
  return { platform: first, native: false }
}

export async function loadPushedImage(options: LoadOptions): Promise<LoadedImage> {
  const { runner, reporter, tags } = options
  const [firstTag] = tags
  if (firstTag === undefined) throw new Error('load with push needs a tag to load the image under')
  const engine = await enginePlatform(runner)
  const { platform, native } = loadPlatform(Object.keys(options.platforms), engine)
  const digest = options.platforms[platform] ?? ''
  reporter.info(
    native
      ? `loading ${platform} (the engine's platform) into the Docker engine`
      : `the engine is ${engine} and no built platform runs there natively: loading ${platform} (it runs under emulation)`
  )
  const reference = parseImageReference(firstTag)
  const client = await options.registries.client(reference.registry)
  const file = path.join(options.work, `load-${digest.replace(':', '-')}.tar`)
  try {
    await withRetries(
      { ...options.retry, what: `Reading ${platform} for the load`, classify: transientRegistryFailure },
      async () => {
        const manifest = await client.getManifest(reference.repository, digest)
        const blobs = manifestBlobs(manifest.raw, `${firstTag}@${digest}`)
        await writeImageArchive(file, { manifest, blobs, names: tags }, async blob => {
          const stream = await client.getBlob(reference.repository, blob.digest, blob.size)
          return stream.body
        })
      }
    )
    await runChecked(runner, 'docker', ['load', '--input', file], { what: 'docker load' })
  } finally {
    fs.rmSync(file, { force: true })
  }
  const names = tags.map(fullName)
  const ids = await imageIds(runner, names)
  const [imageId] = ids
  if (imageId === undefined || ids.length !== names.length || ids.some(id => id !== imageId))
    throw new Error(
      `docker load did not give every tag the loaded image: ${names.map((n, i) => `${n} -> ${ids[i] ?? '(none)'}`).join(', ')}`
    )
  reporter.info(`loaded ${platform} (${digest}) as ${tags.join(', ')}; image ID ${imageId}`)
  return { platform, digest, imageId }
}

/**
 * The image ID of a build loaded by buildx itself (`load` without push), as the engine shows it: by the
 * first tag, or without one by the digests buildx reported (the manifest or index digest names it on the
 * containerd store, the config digest on the classic one); '' when the engine knows none of them.
 */
export async function loadedImageId(
  runner: CommandRunner,
  tags: readonly string[],
  metadata: Readonly<Record<string, unknown>>
): Promise<string> {
  const candidates = [tags[0], metadata['containerimage.digest'], metadata['containerimage.config.digest']]
  for (const reference of candidates) {
    if (typeof reference !== 'string' || reference === '') continue
    const [id] = await imageIds(runner, [reference]).catch(() => [])
    if (id) return id
  }
  return ''
}
