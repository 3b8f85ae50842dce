/**
 * One image as a `docker load` archive: the layout `docker save` writes since Docker 25, an OCI image
 * layout (oci-layout, index.json, blobs/sha256/...) with a `manifest.json` beside it. Engines on the
 * containerd image store import the OCI index (the image keeps its manifest, and so its registry digest);
 * the classic store reads manifest.json. The blobs are the registry's bytes as they are, compressed.
 */
import * as fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import { pack } from 'tar-stream'
import { parseImageReference } from '../oci/reference.js'

export interface ArchivedImage {
  /** The image manifest as the registry serves it. */
  manifest: { raw: Buffer; mediaType: string; digest: string }
  /** Its config, then its layers (manifestBlobs). */
  blobs: readonly { digest: string; size: number }[]
  /** The names it is loaded under (`registry/repository:tag`). */
  names: readonly string[]
}

/** `registry/repository:tag`, as the containerd store names an image (`app:1` -> `docker.io/library/app:1`). */
export function fullName(name: string): string {
  const ref = parseImageReference(name)
  return `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`
}

const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`

/** The archive's JSON files: oci-layout, index.json (one entry per name) and manifest.json. */
export function archiveMetadata(image: ArchivedImage): { name: string; content: Buffer }[] {
  const { manifest, blobs, names } = image
  const [config, ...layers] = blobs
  if (!config) throw new Error(`Manifest ${manifest.digest} lists no config`)
  const full = names.map(fullName)
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: full.map(name => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.raw.length,
      annotations: {
        'io.containerd.image.name': name,
        'org.opencontainers.image.ref.name': parseImageReference(name).tag ?? 'latest'
      }
    }))
  }
  const dockerManifest = [
    { Config: blobPath(config.digest), RepoTags: full, Layers: layers.map(l => blobPath(l.digest)) }
  ]
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))
  return [
    { name: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', content: json(index) },
    { name: 'manifest.json', content: json(dockerManifest) }
  ]
}

/**
 * Writes the archive to `file`: the JSON files, the manifest, then each blob once, streamed from
 * `openBlob` (a blob whose stream ends short of its size fails the write).
 */
export async function writeImageArchive(
  file: string,
  image: ArchivedImage,
  openBlob: (blob: { digest: string; size: number }) => Promise<Readable>
): Promise<void> {
  const tar = pack()
  const written = pipeline(tar, fs.createWriteStream(file, { mode: 0o600 }))
  const add = (name: string, size: number, body: Readable | Buffer): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const entry = tar.entry({ name, size, mode: 0o644 }, error => {
        if (error) reject(error)
        else resolve()
      })
      if (Buffer.isBuffer(body)) entry.end(body)
      else body.on('error', reject).pipe(entry)
    })
  try {
    for (const { name, content } of archiveMetadata(image)) await add(name, content.length, content)
    await add(blobPath(image.manifest.digest), image.manifest.raw.length, image.manifest.raw)
    const seen = new Set<string>()
    for (const blob of image.blobs) {
      if (seen.has(blob.digest)) continue
      seen.add(blob.digest)
      await add(blobPath(blob.digest), blob.size, await openBlob(blob))
    }
    tar.finalize()
  } catch (error) {
    tar.destroy(error instanceof Error ? error : new Error(String(error)))
    await written.catch(() => undefined)
    throw error
  }
  await written
}
