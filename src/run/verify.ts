/**
 * The digests this action reports: the index digest from buildx's metadata file, checked against what the
 * registry serves (one manifest fetch per pushed repository, talking to each registry the way BuildKit
 * did: same HTTP/HTTPS choice, CAs and verification), and the per-platform digests from that index.
 */
import * as core from '@actions/core'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import * as fs from 'node:fs'
import { registrySettings, type TomlTable } from '../buildkitd/toml.js'
import {
  digestsFromManifest,
  parseBuildMetadata,
  verifyDigests,
  type BuildMetadata,
  type ServedDigests
} from '../oci/digests.js'
import { credentialsFor, type Credentials } from '../docker/credentials.js'
import { canonicalRegistry, parseImageReference } from '../oci/reference.js'
import { RegistryClient, type FetchedManifest } from '../registry/client.js'
import { transientRegistryFailure } from '../registry/errors.js'
import type { ProxyFor } from '../registry/transport.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import type { CommandRunner } from '../core/runner.js'
import { messageOf } from '../core/errors.js'

export interface DigestReport {
  /** The pushed index (or single manifest) digest; '' when nothing was pushed. */
  digest: string
  /** platform -> manifest digest, attestation manifests left out. */
  platforms: Record<string, string>
  /** The images checked in their registries. */
  verified: string[]
  metadata: BuildMetadata
  /** Tags that serve another index than this run's by the time it was checked (another run pushed). */
  moved: MovedTag[]
}

export interface MovedTag {
  tag: string
  /** The digest the tag serves now ('' when the tag is gone). */
  served: string
}

export interface VerifyOptions {
  metadataFile: string
  pushed: boolean
  platforms: readonly string[]
  /**
   * The images the inputs asked for (tags, or the repository with push-by-digest), checked when buildx's
   * metadata names none: a build spread over several nodes reports only the digest.
   */
  names?: readonly string[]
  config: TomlTable
  dockerConfigDir: string
  /** The login inputs: their registry is read with them, whatever the docker config holds. */
  login?: { registry: string; username: string; password: string }
  runner: CommandRunner
  /** How a failed fetch is retried (only registry overload, 5xx and network failures are). */
  retry: Omit<RetryOptions, 'what' | 'classify'>
  /** The environment: NODE_EXTRA_CA_CERTS. Default: this process's. */
  env?: Readonly<Record<string, string | undefined>>
  /** The proxy for each registry URL. Default: HTTP(S)_PROXY/NO_PROXY, as @actions/http-client reads them. */
  proxyFor?: ProxyFor
  /** Milliseconds since the epoch (token expiry). Default: Date.now. */
  now?: () => number
  /** Time limit of each registry request, in milliseconds. Default 30 s. */
  timeoutMs?: number
}

export async function reportDigests(options: VerifyOptions): Promise<DigestReport> {
  const metadata = parseBuildMetadata(fs.readFileSync(options.metadataFile, 'utf8'))
  const digest = metadata.digest ?? ''
  if (!options.pushed) return { digest, platforms: {}, verified: [], metadata, moved: [] }
  if (!digest) {
    throw new Error(
      `buildx reported no image digest in ${options.metadataFile} after pushing, so nothing can be checked ` +
        'in the registry. Is an output other than the registry set (outputs, cache-to)?'
    )
  }

  // One fetch per repository (tags of the same repository share the pushed index), one look-up per tag.
  const repositories = new Map<string, string[]>()
  for (const name of metadata.imageNames.length > 0 ? metadata.imageNames : (options.names ?? [])) {
    const ref = parseImageReference(name)
    const key = `${ref.registry}/${ref.repository}`
    repositories.set(key, [...(repositories.get(key) ?? []), name])
  }
  const results = await Promise.all(
    [...repositories.values()].map(images => readBack(images, digest, metadata, options))
  )
  const moved = results.flatMap(r => r.moved)
  for (const { tag, served } of moved) {
    core.warning(
      `${tag} no longer serves this run's index ${digest}: it serves ${served || 'nothing (the tag is gone)'}. ` +
        'Another run pushed the same tag after this one; this run’s image is still there by its digest.',
      { title: 'Tag moved on' }
    )
  }
  const verified = [...repositories.values()].map(images => images[images.length - 1] ?? '')
  return { digest, platforms: results[0]?.served.platforms ?? {}, verified, metadata, moved }
}

/**
 * Fetches the pushed digest from the images' repository and checks it (and its platforms); then looks up
 * what each tag serves now.
 */
async function readBack(
  images: readonly string[],
  digest: string,
  metadata: BuildMetadata,
  options: VerifyOptions
): Promise<{ served: ServedDigests; moved: MovedTag[] }> {
  const image = images[0] ?? ''
  const reference = parseImageReference(image)
  const settings = registrySettings(options.config, reference.registry)
  const credentials = await credentialsOf(reference.registry, options)
  const extraCaFile = (options.env ?? process.env)['NODE_EXTRA_CA_CERTS']
  // One client per repository for this run: its token serves the retries too.
  const client = await RegistryClient.open({
    registry: reference.registry,
    transport: { plainHttp: settings.plainHttp, insecure: settings.insecure, caFiles: settings.ca },
    proxyFor: options.proxyFor ?? systemProxy,
    now: options.now ?? Date.now,
    ...(credentials ? { credentials } : {}),
    ...(extraCaFile ? { extraCaFile } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})
  })
  const retry = { ...options.retry, classify: transientRegistryFailure }
  try {
    const fetched: FetchedManifest = await withRetries({ ...retry, what: `Reading ${image} back` }, () =>
      client.getManifest(reference.repository, digest)
    )
    const served = digestsFromManifest(fetched.raw, fetched.mediaType, metadata.platform)
    verifyDigests({ image, expectedDigest: digest, served, expectedPlatforms: options.platforms })
    const moved: MovedTag[] = []
    for (const tag of images.map(parseImageReference).filter(ref => ref.tag !== undefined)) {
      const head = await withRetries({ ...retry, what: `Looking up ${tag.tag ?? ''} of ${image}` }, () =>
        client.headManifest(reference.repository, tag.tag ?? '')
      )
      const now = head?.digest ?? ''
      if (now !== digest && (head === undefined || now !== ''))
        moved.push({ tag: `${reference.registry}/${reference.repository}:${tag.tag ?? ''}`, served: now })
    }
    return { served, moved }
  } finally {
    client.close()
  }
}

/**
 * The credentials to read `registry` with: the login inputs for their registry, else the run's docker
 * config. A docker config that cannot be read (or a credential helper that fails) is a warning, and the
 * registry is read anonymously, as buildx goes on without it.
 */
async function credentialsOf(registry: string, options: VerifyOptions): Promise<Credentials | undefined> {
  const login = options.login
  if (login && canonicalRegistry(login.registry) === registry)
    return { username: login.username, password: login.password }
  try {
    return await credentialsFor(registry, { configDir: options.dockerConfigDir, runner: options.runner })
  } catch (error) {
    core.warning(`${messageOf(error)}. Reading ${registry} back without credentials.`, {
      title: 'Docker credentials unavailable'
    })
    return undefined
  }
}

/** @actions/http-client's proxy choice, as a plain URL (its own decodes the user name and password). */
export function systemProxy(url: URL): URL | undefined {
  const proxy = getProxyUrl(url)
  return proxy === undefined ? undefined : new URL(proxy.href)
}
