/**
 * Images made in the test: ELF headers as bytes, layers as tar streams (tar-stream's pack, gzip via
 * node:zlib), configs, manifests and an index, served by digest from the suite's HTTP server.
 */
import { gzipSync } from 'node:zlib'
import { pack } from 'tar-stream'
import { MEDIA_TYPES, sha256Digest } from '../../src/oci/oci.js'
import type { TestHttpServer } from '../http-server.js'

export const EM = { i386: 3, s390: 22, ppc64: 21, arm: 40, x8664: 62, aarch64: 183, riscv: 243 } as const

/** The first 64 bytes of an ELF file. */
export function elfBytes(options: { bits: 32 | 64; lsb: boolean; machine: number; type?: number }): Buffer {
  const head = Buffer.alloc(64)
  head.set([0x7f, 0x45, 0x4c, 0x46, options.bits === 64 ? 2 : 1, options.lsb ? 1 : 2, 1])
  const write = (value: number, offset: number): void => {
    if (options.lsb) head.writeUInt16LE(value, offset)
    else head.writeUInt16BE(value, offset)
  }
  write(options.type ?? 2, 16)
  write(options.machine, 18)
  return head
}

export const ELF = {
  amd64: elfBytes({ bits: 64, lsb: true, machine: EM.x8664 }),
  arm64: elfBytes({ bits: 64, lsb: true, machine: EM.aarch64, type: 3 }),
  arm: elfBytes({ bits: 32, lsb: true, machine: EM.arm })
}

export interface TarEntry {
  name: string
  type?: 'file' | 'symlink' | 'link' | 'directory'
  content?: Buffer | string
  linkname?: string
  mode?: number
}

/** A tar archive of the entries (gzip-compressed unless gzip is false). */
export async function tarLayer(entries: readonly TarEntry[], gzip = true): Promise<Buffer> {
  const archive = pack()
  const chunks: Buffer[] = []
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => {
      if (Buffer.isBuffer(chunk)) chunks.push(chunk)
    })
    archive.on('end', () => {
      resolve()
    })
    archive.on('error', reject)
  })
  for (const entry of entries) {
    const type = entry.type ?? 'file'
    const header = {
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {})
    }
    if (type === 'file') archive.entry(header, Buffer.from(entry.content ?? ''))
    else archive.entry(header)
  }
  archive.finalize()
  await done
  const tar = Buffer.concat(chunks)
  return gzip ? gzipSync(tar) : tar
}

export interface PlatformSpec {
  platform: { os: string; architecture: string; variant?: string }
  /** Bottom first, gzip tar bytes. */
  layers: Buffer[]
  config?: Record<string, unknown>
}

export interface BuiltImage {
  index: Buffer
  indexDigest: string
  /** digest -> [media type, bytes] of every manifest and blob */
  content: Map<string, { mediaType: string; bytes: Buffer }>
}

/** An OCI index of the platforms (with an attestation entry per platform when `attestations`). */
export function buildImage(platforms: readonly PlatformSpec[], attestations = true): BuiltImage {
  const content = new Map<string, { mediaType: string; bytes: Buffer }>()
  const put = (mediaType: string, bytes: Buffer): { mediaType: string; digest: string; size: number } => {
    const digest = sha256Digest(bytes)
    content.set(digest, { mediaType, bytes })
    return { mediaType, digest, size: bytes.length }
  }
  const entries: Record<string, unknown>[] = []
  const attestationEntries: Record<string, unknown>[] = []
  for (const spec of platforms) {
    const config = put(
      'application/vnd.oci.image.config.v1+json',
      Buffer.from(JSON.stringify({ ...spec.platform, rootfs: { type: 'layers' }, ...spec.config }))
    )
    const layers = spec.layers.map(layer => put('application/vnd.oci.image.layer.v1.tar+gzip', layer))
    const manifest = put(
      MEDIA_TYPES.ociManifest,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers }))
    )
    entries.push({ ...manifest, platform: spec.platform })
    if (attestations) {
      const statement = put(MEDIA_TYPES.inToto, Buffer.from('{}'))
      const attestation = put(
        MEDIA_TYPES.ociManifest,
        Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [statement] }))
      )
      attestationEntries.push({
        ...attestation,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': manifest.digest
        }
      })
    }
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [...entries, ...attestationEntries]
    })
  )
  content.set(sha256Digest(index), { mediaType: MEDIA_TYPES.ociIndex, bytes: index })
  return { index, indexDigest: sha256Digest(index), content }
}

/** Routes GET manifests/blobs by digest of `repository` to the image's content, and accepts tag PUTs. */
export function serveImage(server: TestHttpServer, repository: string, image: BuiltImage): TestHttpServer {
  for (const [digest, { mediaType, bytes }] of image.content) {
    const headers = { 'content-type': mediaType, 'docker-content-digest': digest }
    server.route('GET', `/v2/${repository}/manifests/${digest}`, { status: 200, headers, body: bytes })
    server.route('GET', `/v2/${repository}/blobs/${digest}`, { status: 200, headers, body: bytes })
  }
  const tag = new RegExp(`^/v2/${repository}/manifests/[\\w][\\w.-]*$`)
  server.route('PUT', tag, { status: 201 })
  server.route('HEAD', tag, {
    status: 200,
    headers: { 'content-type': MEDIA_TYPES.ociIndex, 'docker-content-digest': image.indexDigest }
  })
  return server
}

/** History entries of a build that started at `created`, with `layers` layer-making steps. */
export function buildHistory(created: string, layers: number): Record<string, unknown>[] {
  const history: Record<string, unknown>[] = [
    { created, created_by: 'ARG TARGETARCH', comment: 'buildkit.dockerfile.v0', empty_layer: true }
  ]
  for (let i = 0; i < layers; i++) {
    history.push({ created, created_by: `COPY step ${i} # buildkit`, comment: 'buildkit.dockerfile.v0' })
  }
  return history
}
