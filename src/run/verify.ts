/**
 * The digests this action reports: the index digest from buildx's metadata file, checked against what the
 * registry serves (one manifest fetch per pushed repository, talking to each registry the way BuildKit
 * did: same HTTP/HTTPS choice, CAs and verification), and the per-platform digests from that index.
 */
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
import { credentialsFor } from '../docker/credentials.js'
import { parseImageReference } from '../oci/reference.js'
import { RegistryClient, type FetchedManifest } from '../registry/client.js'
import { transientRegistryFailure } from '../registry/errors.js'
import type { ProxyFor } from '../registry/transport.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import type { CommandRunner } from '../core/runner.js'

export interface DigestReport {
  /** The pushed index (or single manifest) digest; '' when nothing was pushed. */
  digest: string
  /** platform -> manifest digest, attestation manifests left out. */
  platforms: Record<string, string>
  /** The images checked in their registries. */
  verified: string[]
  metadata: BuildMetadata
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
  if (!options.pushed) return { digest, platforms: {}, verified: [], metadata }
  if (!digest) {
    throw new Error(
      `buildx reported no image digest in ${options.metadataFile} after pushing, so nothing can be checked ` +
        'in the registry. Is an output other than the registry set (outputs, cache-to)?'
    )
  }

  // One fetch per repository: tags of the same repository share the pushed index.
  const repositories = new Map<string, string>()
  for (const name of metadata.imageNames.length > 0 ? metadata.imageNames : (options.names ?? [])) {
    const ref = parseImageReference(name)
    repositories.set(`${ref.registry}/${ref.repository}`, name)
  }
  const results = await Promise.all(
    [...repositories.values()].map(image => readBack(image, digest, metadata, options))
  )
  return { digest, platforms: results[0]?.platforms ?? {}, verified: [...repositories.values()], metadata }
}

/** Fetches the pushed digest from the image's repository and checks it (and its platforms). */
async function readBack(
  image: string,
  digest: string,
  metadata: BuildMetadata,
  options: VerifyOptions
): Promise<ServedDigests> {
  const reference = parseImageReference(image)
  const settings = registrySettings(options.config, reference.registry)
  const credentials = await credentialsFor(reference.registry, {
    configDir: options.dockerConfigDir,
    runner: options.runner
  })
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
  let fetched: FetchedManifest
  try {
    fetched = await withRetries(
      { ...options.retry, what: `Reading ${image} back`, classify: transientRegistryFailure },
      () => client.getManifest(reference.repository, digest)
    )
  } finally {
    client.close()
  }
  const served = digestsFromManifest(fetched.raw, fetched.mediaType, metadata.platform)
  verifyDigests({ image, expectedDigest: digest, served, expectedPlatforms: options.platforms })
  return served
}

/** @actions/http-client's proxy choice, as a plain URL (its own decodes the user name and password). */
function systemProxy(url: URL): URL | undefined {
  const proxy = getProxyUrl(url)
  return proxy === undefined ? undefined : new URL(proxy.href)
}
