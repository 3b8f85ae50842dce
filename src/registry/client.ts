/**
 * An OCI distribution client for one registry: manifests (GET, HEAD, PUT) and blobs (HEAD, GET as a
 * stream, cross-repository mount with a copy when the registry will not mount). Content is checked
 * against its digest. Create one per registry and run; close it when done.
 */
import { pipeline, type Readable } from 'node:stream'
import type { Credentials } from '../docker/credentials.js'
import { bareMediaType, isDigest, MANIFEST_ACCEPT, manifestMediaType, sha256Digest } from '../oci/oci.js'
import { registryNames } from '../oci/reference.js'
import { RegistryAuth, type Access } from './auth.js'
import { displayUrl, registryErrors, RegistryError } from './registry-errors.js'
import { checkedDigest, checkedRef, failed, sizeOf, uploadLocation, verified } from './responses.js'
import { firstHeader, readAll, Transport, type ProxyFor, type RegistryTransport } from './transport.js'

export interface RegistryClientOptions {
  /** The registry as in ImageReference.registry, e.g. 'docker.io', '127.0.0.1:5000'. */
  registry: string
  transport: RegistryTransport
  /** The proxy for each URL (HTTP(S)_PROXY/NO_PROXY), or undefined for a direct connection. */
  proxyFor: ProxyFor
  credentials?: Credentials
  /** NODE_EXTRA_CA_CERTS, kept trusted when transport.caFiles are given. */
  extraCaFile?: string
  /** Time limit of each request. */
  timeoutMs?: number
  /** Milliseconds since the epoch, for token expiry. */
  now: () => number
}

export interface FetchedManifest {
  /** The bytes exactly as served. */
  raw: Buffer
  /** Content-Type without parameters (or the document's own mediaType when the server sent a generic one). */
  mediaType: string
  /** sha256 of raw, 'sha256:<hex>' */
  digest: string
}

export interface ManifestHead {
  /** Docker-Content-Digest, when the registry sent it. */
  digest: string | undefined
  mediaType: string
  size: number | undefined
}

export interface BlobStream {
  /** Content-Length, when the registry sent it. */
  size: number | undefined
  /** The blob's bytes; fails when they pass the byte limit or do not hash to the digest. */
  body: Readable
}

export type MountResult = 'mounted' | 'copied'

export class RegistryClient {
  private readonly where: (repository: string) => string
  private readonly origin: string

  private constructor(
    private readonly transport: Transport,
    private readonly auth: RegistryAuth,
    registry: string
  ) {
    this.where = repository => `${registry}/${repository}`
    this.origin = transport.origin(registryNames(registry).apiHost)
  }

  static async open(options: RegistryClientOptions): Promise<RegistryClient> {
    const transport = await Transport.open({
      registry: registryNames(options.registry).apiHost,
      settings: options.transport,
      proxyFor: options.proxyFor,
      ...(options.extraCaFile !== undefined ? { extraCaFile: options.extraCaFile } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})
    })
    const credentials = options.credentials
    const auth = new RegistryAuth({ transport, now: options.now, ...(credentials ? { credentials } : {}) })
    return new RegistryClient(transport, auth, options.registry)
  }

  /** The manifest `ref` (a tag or a digest) exactly as served, checked against its digest. */
  async getManifest(repository: string, ref: string): Promise<FetchedManifest> {
    const url = this.url(repository, 'manifests', checkedRef(ref, 'fetch'))
    const response = await this.auth.send(
      { method: 'GET', url, headers: { accept: MANIFEST_ACCEPT } },
      this.pull(repository)
    )
    if (response.status === 404) {
      throw new RegistryError(
        `Manifest ${ref} not found in ${this.where(repository)} (HTTP 404 from ${displayUrl(url)})${registryErrors(response.body)}`,
        { url: displayUrl(url), status: 404 }
      )
    }
    if (response.status !== 200)
      throw failed(`Fetching manifest ${ref} of ${this.where(repository)}`, response)
    const raw = response.body
    const digest = sha256Digest(raw)
    if (isDigest(ref) && digest !== ref) {
      throw new RegistryError(
        `${displayUrl(url)} served content whose sha256 is ${digest}, not the requested ${ref}`,
        {
          url: displayUrl(url),
          status: 200
        }
      )
    }
    const claimed = firstHeader(response.headers['docker-content-digest'])
    if (claimed?.startsWith('sha256:') && claimed !== digest) {
      throw new RegistryError(
        `${displayUrl(url)} says its manifest is ${claimed} (Docker-Content-Digest), but the bytes it served hash to ${digest}`,
        { url: displayUrl(url), status: 200 }
      )
    }
    return { raw, mediaType: manifestMediaType(firstHeader(response.headers['content-type']), raw), digest }
  }

  /** Digest, media type and size of the manifest `ref`, or undefined when there is none. */
  async headManifest(repository: string, ref: string): Promise<ManifestHead | undefined> {
    const url = this.url(repository, 'manifests', checkedRef(ref, 'look up'))
    const response = await this.auth.send(
      { method: 'HEAD', url, headers: { accept: MANIFEST_ACCEPT } },
      this.pull(repository)
    )
    if (response.status === 404) return undefined
    if (response.status !== 200)
      throw failed(`Looking up manifest ${ref} of ${this.where(repository)}`, response)
    return {
      digest: firstHeader(response.headers['docker-content-digest']),
      mediaType: bareMediaType(firstHeader(response.headers['content-type'])),
      size: sizeOf(response)
    }
  }

  /** Stores a manifest under `ref` (a tag, or its own digest); returns its digest. */
  async putManifest(
    repository: string,
    ref: string,
    manifest: { raw: Buffer; mediaType: string }
  ): Promise<string> {
    const url = this.url(repository, 'manifests', checkedRef(ref, 'push'))
    const digest = sha256Digest(manifest.raw)
    if (isDigest(ref) && ref !== digest) {
      throw new Error(`Cannot push manifest ${ref}: its bytes hash to ${digest}`)
    }
    const response = await this.auth.send(
      { method: 'PUT', url, headers: { 'content-type': manifest.mediaType }, body: manifest.raw },
      this.push(repository)
    )
    if (response.status !== 201 && response.status !== 200) {
      throw failed(`Pushing manifest ${ref} to ${this.where(repository)}`, response)
    }
    return digest
  }

  /** The size of a blob, or undefined when the repository does not have it. */
  async headBlob(repository: string, digest: string): Promise<{ size: number | undefined } | undefined> {
    const url = this.url(repository, 'blobs', checkedDigest(digest))
    const response = await this.auth.send({ method: 'HEAD', url }, this.pull(repository, 'blobs'))
    if (response.status === 404) return undefined
    if (response.status !== 200)
      throw failed(`Looking up blob ${digest} in ${this.where(repository)}`, response)
    return { size: sizeOf(response) }
  }

  /** A blob as a stream of at most maxBytes, which fails unless its bytes hash to the digest. */
  async getBlob(repository: string, digest: string, maxBytes: number): Promise<BlobStream> {
    const url = this.url(repository, 'blobs', checkedDigest(digest))
    const response = await this.auth.stream({ method: 'GET', url }, this.pull(repository, 'blobs'), maxBytes)
    if (response.status !== 200) {
      const body = await readAll(response.body)
      throw failed(`Fetching blob ${digest} of ${this.where(repository)}`, { ...response, body })
    }
    const check = verified(digest, displayUrl(response.url))
    pipeline(response.body, check, () => undefined)
    return { size: sizeOf(response), body: check }
  }

  /**
   * Makes blob `digest` of repository `from` part of `repository` (same registry): mounted when the
   * registry allows it, else copied through this client (the registry's upload session, one PUT).
   */
  async mountBlob(options: {
    repository: string
    from: string
    digest: string
    maxBytes: number
  }): Promise<MountResult> {
    const { repository, from, digest } = options
    const url = this.url(repository, 'blobs', 'uploads/')
    url.searchParams.set('mount', checkedDigest(digest))
    url.searchParams.set('from', from)
    const access = { ...this.push(repository), extraScopes: [`repository:${from}:pull`] }
    const response = await this.auth.send({ method: 'POST', url }, access)
    if (response.status === 201) return 'mounted'
    if (response.status !== 202)
      throw failed(`Mounting blob ${digest} from ${from} into ${this.where(repository)}`, response)
    const blob = await this.getBlob(from, digest, options.maxBytes)
    await this.finishUpload(access, digest, uploadLocation(response), blob)
    return 'copied'
  }

  /** Uploads a blob in one piece: POST to open an upload session, PUT its bytes. */
  async uploadBlob(
    repository: string,
    digest: string,
    blob: { size: number; body: Buffer | Readable }
  ): Promise<void> {
    const url = this.url(repository, 'blobs', 'uploads/')
    const access = this.push(repository)
    const response = await this.auth.send({ method: 'POST', url }, access)
    if (response.status !== 202) throw failed(`Starting an upload to ${this.where(repository)}`, response)
    await this.finishUpload(access, checkedDigest(digest), uploadLocation(response), blob)
  }

  /**
   * Whether these credentials may push to `repository`, asked the way a push begins: an upload session
   * is opened (the registry's token handshake with push scope, or its Basic check) and cancelled at once.
   * 'allowed', or the registry's answer when it is no verdict (404, 405, 5xx); a refusal (401, 403)
   * throws a RegistryError that says which.
   */
  async checkPush(repository: string): Promise<'allowed' | { inconclusive: string }> {
    const url = this.url(repository, 'blobs', 'uploads/')
    const access = this.push(repository)
    const response = await this.auth.send({ method: 'POST', url }, access)
    if (response.status === 202) {
      // Cancelled so that it holds nothing; a registry that cannot cancel lets it expire.
      await this.auth.send({ method: 'DELETE', url: uploadLocation(response) }, access).catch(() => undefined)
      return 'allowed'
    }
    if (response.status === 401 || response.status === 403)
      throw new RegistryError(
        `${this.where(repository)} refused to let these credentials push (HTTP ${response.status} from ${displayUrl(url)})${registryErrors(response.body)}`,
        { url: displayUrl(url), status: response.status }
      )
    return { inconclusive: `HTTP ${response.status} from ${displayUrl(url)}${registryErrors(response.body)}` }
  }

  close(): void {
    this.transport.close()
  }

  /** PUTs the bytes into an open upload session, with the access (and so the token) that opened it. */
  private async finishUpload(
    access: Access,
    digest: string,
    location: URL,
    blob: { size: number | undefined; body: Buffer | Readable }
  ): Promise<void> {
    location.searchParams.set('digest', digest)
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' }
    if (blob.size !== undefined) headers['content-length'] = String(blob.size)
    const response = await this.auth.send({ method: 'PUT', url: location, headers, body: blob.body }, access)
    if (response.status !== 201) throw failed(`Uploading blob ${digest} to ${access.where}`, response)
  }

  private url(repository: string, kind: 'manifests' | 'blobs', ref: string): URL {
    return new URL(`${this.origin}/v2/${repository}/${kind}/${ref}`)
  }

  private pull(repository: string, what: 'manifests' | 'blobs' = 'manifests'): Access {
    return {
      where: this.where(repository),
      scopes: [`repository:${repository}:pull`],
      purpose: `read its ${what}`,
      permission: `pull access to ${repository}`
    }
  }

  private push(repository: string): Access {
    return {
      where: this.where(repository),
      scopes: [`repository:${repository}:pull,push`],
      purpose: 'push to it',
      permission: `push access to ${repository}`
    }
  }
}
