/**
 * The `cache` input's entries: one word (registry or gha) turned into buildx's --cache-from and --cache-to,
 * one cache per platform so that the jobs of a per-platform build never overwrite each other's cache.
 *
 * registry: `REPOSITORY:buildcache-<platform>` next to the first tag (linux/arm/v7 -> buildcache-linux-arm-v7),
 * pulled and pushed by BuildKit with the run's registry settings (buildkitd.toml) and login (docker config).
 * gha: GitHub's cache service, `scope=buildcache-<repository path>-<platform>`; buildx reads the service's URL and
 * token from its own environment (ACTIONS_CACHE_URL, ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN,
 * ACTIONS_CACHE_SERVICE_V2 choosing version 2), so the token never reaches argv.
 *
 * A build of several platforms is one BuildKit solve with one cache: each of its platforms' entries gets
 * that whole cache (the blobs are shared in the repository, so the extra refs cost a manifest each). A
 * one-platform job reads and writes its own platform's entry only.
 * Every export has ignore-error=true: a cache that cannot be written is a warning, not a failed build.
 */
import { parseImageReference } from '../oci/reference.js'
import type { Step } from './progress.js'

export const CACHE_MODES = ['', 'registry', 'gha'] as const
export type CacheMode = (typeof CACHE_MODES)[number]

/** The tag prefix of registry cache refs and the prefix of gha scopes. */
export const CACHE_PREFIX = 'buildcache'

export interface CacheSettings {
  cache: CacheMode
  platforms: readonly string[]
  /** The tags (or, with push-by-digest, the repository); the first names where a registry cache lives. */
  tags: readonly string[]
  /** Given explicitly: each direction given wins over the cache input's entries for that direction. */
  cacheFrom: readonly string[]
  cacheTo: readonly string[]
}

/** linux/arm/v7 -> linux-arm-v7 (a tag and scope part). */
export function platformSlug(platform: string): string {
  return platform.replace(/[^A-Za-z0-9._-]+/g, '-')
}

/** The cache entry of one platform, as `type=...` without import or export options. */
export function platformCache(
  cache: Exclude<CacheMode, ''>,
  platform: string,
  tags: readonly string[]
): string {
  const first = tags[0]
  const reference = first === undefined ? undefined : parseImageReference(first)
  if (cache === 'registry') {
    if (!reference) throw new Error('cache: registry needs a tag: the cache lives next to the first one')
    return `type=registry,ref=${reference.registry}/${reference.repository}:${CACHE_PREFIX}-${platformSlug(platform)}`
  }
  const image = reference ? `-${platformSlug(reference.repository)}` : ''
  return `type=gha,scope=${CACHE_PREFIX}${image}-${platformSlug(platform)}`
}

/** The --cache-from and --cache-to entries of a build: the explicit ones, or the cache input's. */
export function cacheEntries(s: CacheSettings): { from: string[]; to: string[] } {
  if (s.cache === '') return { from: [...s.cacheFrom], to: [...s.cacheTo] }
  const mode = s.cache
  const own = s.platforms.map(platform => platformCache(mode, platform, s.tags))
  return {
    from: s.cacheFrom.length > 0 ? [...s.cacheFrom] : own,
    to: s.cacheTo.length > 0 ? [...s.cacheTo] : own.map(entry => `${entry},mode=max,ignore-error=true`)
  }
}

/** BuildKit's names for its cache export steps (registry, local, gha, s3, azblob, inline). */
const CACHE_EXPORT_STEP = /^exporting (cache|to GitHub Actions Cache|to Amazon S3|to Azure Blob Storage)/i

/**
 * The cache exports that failed in a build that went on (ignore-error=true): a warning each, since the
 * image itself was built and pushed.
 */
export function failedCacheExports(steps: readonly Step[]): string[] {
  return steps
    .filter(step => step.error !== '' && CACHE_EXPORT_STEP.test(step.name))
    .map(
      step =>
        `${step.name} failed: ${step.error}. The image was built and pushed; the next run starts without this cache`
    )
}
