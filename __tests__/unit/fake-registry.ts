/**
 * An in-memory registry on the suite's test HTTP server, for the client and merge tests: manifests and
 * blobs per repository, upload sessions (whose Location carries a state query the PUT must bring back),
 * cross-repository mounts (refused when `mounts` is false), Basic or Bearer auth, and helpers to seed
 * images the way BuildKit pushes them (an index with platform and attestation manifests).
 */
import { sha256Digest } from '../../src/oci/oci.js'
import { send, TestHttpServer } from '../http-server.js'
import { serve } from './registry-helpers.js'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'

export interface FakeRegistry {
  server: TestHttpServer
  /** `repository@digest` -> bytes */
  blobs: Map<string, Buffer>
  /** `repository:ref` (a tag or a digest) -> manifest */
  manifests: Map<string, { raw: Buffer; type: string }>
  /** Requests that change something (POST, PUT). */
  writes(): string[]
  /** The scopes of each request to the token endpoint (with `bearerToken`), in order. */
  tokenScopes(): string[][]
}

export async function fakeRegistry(options: {
  mounts: boolean
  /** Answer 401 (HTTP Basic challenge) unless a request carries this Authorization header. */
  authorization?: string
  /**
   * Answer 401 with a Bearer challenge unless a request carries `Bearer <bearerToken>`; the challenge's
   * realm is the registry's own /token, which grants that token.
   */
  bearerToken?: string
}): Promise<FakeRegistry> {
  const blobs = new Map<string, Buffer>()
  const manifests = new Map<string, { raw: Buffer; type: string }>()
  let uploads = 0
  const server = await serve((req, res, self) => {
    const url = new URL(req.path, 'http://x')
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname)
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname)
    const start = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(url.pathname)
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/(\d+)$/.exec(url.pathname)
    const bearer = options.bearerToken
    if (bearer !== undefined && url.pathname === '/token') {
      send(res, { status: 200, body: JSON.stringify({ token: bearer }) })
    } else if (bearer !== undefined && req.headers.authorization !== `Bearer ${bearer}`) {
      send(res, {
        status: 401,
        headers: { 'www-authenticate': `Bearer realm="${self.origin}/token",service="fake"` }
      })
    } else if (options.authorization !== undefined && req.headers.authorization !== options.authorization) {
      send(res, { status: 401, headers: { 'www-authenticate': 'Basic realm="fake"' } })
    } else if (url.pathname === '/v2/') {
      send(res, { status: 200 })
    } else if (manifest && req.method === 'PUT') {
      const type = req.headers['content-type'] ?? ''
      const digest = sha256Digest(req.body)
      manifests.set(`${manifest[1]}:${manifest[2]}`, { raw: req.body, type })
      manifests.set(`${manifest[1]}:${digest}`, { raw: req.body, type })
      send(res, { status: 201, headers: { 'docker-content-digest': digest } })
    } else if (manifest) {
      const found = manifests.get(`${manifest[1]}:${manifest[2]}`)
      if (!found) send(res, { status: 404 })
      else
        send(res, {
          status: 200,
          body: req.method === 'HEAD' ? undefined : found.raw,
          headers: {
            'content-type': found.type,
            'docker-content-digest': sha256Digest(found.raw),
            'content-length': found.raw.length
          }
        })
    } else if (blob) {
      const found = blobs.get(`${blob[1]}@${blob[2]}`)
      if (!found) send(res, { status: 404 })
      else
        send(res, {
          status: 200,
          body: req.method === 'HEAD' ? undefined : found,
          headers: { 'content-length': found.length }
        })
    } else if (start && req.method === 'POST') {
      const mount = url.searchParams.get('mount')
      const from = url.searchParams.get('from')
      const source = blobs.get(`${from ?? ''}@${mount ?? ''}`)
      if (options.mounts && mount && source) {
        blobs.set(`${start[1]}@${mount}`, source)
        send(res, { status: 201 })
      } else {
        const id = ++uploads
        send(res, {
          status: 202,
          headers: { location: `/v2/${start[1]}/blobs/uploads/${id}?_state=s${id}` }
        })
      }
    } else if (upload && req.method === 'PUT') {
      const digest = url.searchParams.get('digest') ?? ''
      if (url.searchParams.get('_state') !== `s${upload[2]}`) {
        send(res, { status: 400, body: JSON.stringify({ errors: [{ code: 'BLOB_UPLOAD_INVALID' }] }) })
        return
      }
      if (sha256Digest(req.body) !== digest) {
        send(res, { status: 400, body: JSON.stringify({ errors: [{ code: 'DIGEST_INVALID' }] }) })
        return
      }
      blobs.set(`${upload[1]}@${digest}`, req.body)
      send(res, { status: 201 })
    } else {
      send(res, { status: 405 })
    }
  })
  return {
    server,
    blobs,
    manifests,
    writes: () => server.log().filter(line => /^(POST|PUT) /.test(line)),
    tokenScopes: () =>
      server.requests
        .map(r => new URL(r.path, 'http://x'))
        .filter(url => url.pathname === '/token')
        .map(url => url.searchParams.getAll('scope'))
  }
}

export interface SeededImage {
  digest: string
  raw: Buffer
  mediaType: string
  /** The config and layer digests. */
  blobs: string[]
}

/** Stores an image manifest (config with the given os/architecture/variant, one layer) in a repository. */
export function seedImage(
  registry: FakeRegistry,
  repository: string,
  config: { os: string; architecture: string; variant?: string },
  options: { mediaType?: string; layer?: string } = {}
): SeededImage {
  const mediaType = options.mediaType ?? OCI_MANIFEST
  const docker = mediaType === DOCKER_MANIFEST
  const configRaw = Buffer.from(JSON.stringify({ ...config, rootfs: { type: 'layers', diff_ids: [] } }))
  const layer = Buffer.from(options.layer ?? `layer of ${JSON.stringify(config)}`)
  const configType = docker
    ? 'application/vnd.docker.container.image.v1+json'
    : 'application/vnd.oci.image.config.v1+json'
  const layerType = docker
    ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
    : 'application/vnd.oci.image.layer.v1.tar+gzip'
  const blobs = [configRaw, layer].map(bytes => {
    const digest = sha256Digest(bytes)
    registry.blobs.set(`${repository}@${digest}`, bytes)
    return { digest, size: bytes.length }
  })
  const [configBlob, layerBlob] = blobs
  const raw = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: configType, ...configBlob },
      layers: [{ mediaType: layerType, ...layerBlob }]
    })
  )
  const digest = sha256Digest(raw)
  registry.manifests.set(`${repository}:${digest}`, { raw, type: mediaType })
  return { digest, raw, mediaType, blobs: blobs.map(b => b.digest) }
}

/** Stores an index under `tag`: the images with their platforms, each with an attestation when asked. */
export function seedIndex(
  registry: FakeRegistry,
  repository: string,
  tag: string,
  images: readonly { image: SeededImage; platform: Record<string, string>; attest?: boolean }[],
  mediaType: string = OCI_INDEX
): { digest: string; attestations: string[] } {
  const attestations: SeededImage[] = []
  const entries: Record<string, unknown>[] = images.map(({ image, platform }) => ({
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.raw.length,
    platform
  }))
  for (const { image, attest } of images) {
    if (!attest) continue
    const attestation = seedImage(
      registry,
      repository,
      { os: 'unknown', architecture: 'unknown' },
      { layer: `provenance of ${image.digest}` }
    )
    attestations.push(attestation)
    entries.push({
      mediaType: attestation.mediaType,
      digest: attestation.digest,
      size: attestation.raw.length,
      annotations: {
        'vnd.docker.reference.digest': image.digest,
        'vnd.docker.reference.type': 'attestation-manifest'
      },
      platform: { architecture: 'unknown', os: 'unknown' }
    })
  }
  const raw = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }))
  registry.manifests.set(`${repository}:${tag}`, { raw, type: mediaType })
  registry.manifests.set(`${repository}:${sha256Digest(raw)}`, { raw, type: mediaType })
  return { digest: sha256Digest(raw), attestations: attestations.map(a => a.digest) }
}
