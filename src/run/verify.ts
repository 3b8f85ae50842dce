/**
 * The digests this action reports: the index digest from buildx's metadata file, checked against what the
 * registry serves (one manifest fetch per pushed repository, talking to each registry the way BuildKit
 * did: same HTTP/HTTPS choice, CAs and verification), and the per-platform digests from that index.
 */
import * as fs from 'node:fs'
import { registrySettings, type TomlTable } from '../buildkitd/toml.js'
import { digestsFromManifest, parseBuildMetadata, verifyDigests, type BuildMetadata } from '../oci/digests.js'
import { credentialsFor } from '../docker/credentials.js'
import { parseImageReference } from '../oci/reference.js'
import { fetchManifest, transientRegistryFailure } from '../registry/client.js'
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
  config: TomlTable
  dockerConfigDir: string
  runner: CommandRunner
  /** How a failed fetch is retried (only registry overload, 5xx and network failures are). */
  retry: Omit<RetryOptions, 'what' | 'classify'>
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
  for (const name of metadata.imageNames) {
    const ref = parseImageReference(name)
    repositories.set(`${ref.registry}/${ref.repository}`, name)
  }
  const results = await Promise.all(
    [...repositories.values()].map(async image => {
      const reference = parseImageReference(image)
      const transport = registrySettings(options.config, reference.registry)
      const credentials = await credentialsFor(reference.registry, {
        configDir: options.dockerConfigDir,
        runner: options.runner
      })
      const fetched = await withRetries(
        { ...options.retry, what: `Reading ${image} back`, classify: transientRegistryFailure },
        () =>
          fetchManifest({
            reference,
            ref: digest,
            transport: {
              plainHttp: transport.plainHttp,
              insecure: transport.insecure,
              caFiles: transport.ca
            },
            ...(credentials ? { credentials } : {})
          })
      )
      const served = digestsFromManifest(fetched.raw, fetched.mediaType, metadata.platform)
      verifyDigests({ image, expectedDigest: digest, served, expectedPlatforms: options.platforms })
      return served
    })
  )
  return { digest, platforms: results[0]?.platforms ?? {}, verified: [...repositories.values()], metadata }
}
