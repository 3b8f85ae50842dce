/**
 * Image references as Docker reads them: `[registry/]repository[:tag][@digest]`, with Docker Hub's
 * implicit `docker.io` registry and `library/` namespace filled in.
 */

export interface ImageReference {
  /** Registry as users write it, e.g. 'docker.io', 'ghcr.io', '127.0.0.1:5000'. */
  registry: string
  /** Full repository path inside the registry, e.g. 'library/alpine', 'owner/app'. */
  repository: string
  tag?: string
  /** 'sha256:<64 hex>' */
  digest?: string
}

import { isDigest, isTag } from './oci.js'

export const DOCKER_HUB = 'docker.io'
const DOCKER_HUB_API_HOST = 'registry-1.docker.io'
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'
/** Every name Docker Hub goes by; all of them mean DOCKER_HUB. */
export const DOCKER_HUB_ALIASES: readonly string[] = [
  DOCKER_HUB,
  'index.docker.io',
  DOCKER_HUB_API_HOST,
  'registry.hub.docker.com'
]

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/
const MAX_NAME_LENGTH = 255

/** Parses and normalises an image reference; throws an Error explaining what is wrong with an invalid one. */
export function parseImageReference(ref: string): ImageReference {
  const input = ref.trim()
  if (input === '') throw new Error('Invalid image reference "": it is empty')
  const fail = (why: string): never => {
    throw new Error(`Invalid image reference "${ref}": ${why}`)
  }

  let rest = input
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at !== -1) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!isDigest(digest)) fail(`digest "${digest}" is not of the form sha256:<64 lowercase hex digits>`)
  }

  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!isTag(tag)) {
      fail(
        `tag "${tag}" must be 1 to 128 characters of letters, digits, '_', '.' or '-', not starting with '.' or '-'`
      )
    }
  }

  if (rest === '') fail('the repository name is missing')
  const slash = rest.indexOf('/')
  const first = slash === -1 ? rest : rest.slice(0, slash)
  let registry: string
  let repository: string
  if (slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first
    repository = rest.slice(slash + 1)
    if (!HOST.test(registry)) fail(`registry "${registry}" is not a valid host[:port]`)
    registry = canonicalRegistry(registry)
  } else {
    registry = DOCKER_HUB
    repository = rest
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`

  for (const component of repository.split('/')) {
    if (component === '') fail(`repository "${repository}" has an empty path component`)
    if (!COMPONENT.test(component)) {
      fail(
        `repository component "${component}" must be lowercase letters and digits, optionally separated by '.', '_', '__' or '-'`
      )
    }
  }
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    fail(`the name is longer than ${MAX_NAME_LENGTH} characters`)
  }

  const result: ImageReference = { registry, repository }
  if (tag !== undefined) result.tag = tag
  if (digest !== undefined) result.digest = digest
  return result
}

/** How one registry is named: as references say it, where its API is, its key in docker's config.json. */
export interface RegistryNames {
  /** 'docker.io' for any Docker Hub alias, else the host[:port] as given. */
  registry: string
  /** Host (and port) that serves the registry's /v2/ API. */
  apiHost: string
  /** Key under which the docker CLI (and buildx) store this registry's credentials in config.json. */
  configKey: string
}

/** The names of a registry host; any Docker Hub alias (docker.io, index.docker.io, …) is Docker Hub. */
export function registryNames(host: string): RegistryNames {
  const registry = canonicalRegistry(host)
  return registry === DOCKER_HUB
    ? { registry, apiHost: DOCKER_HUB_API_HOST, configKey: DOCKER_HUB_CONFIG_KEY }
    : { registry, apiHost: registry, configKey: registry }
}

/** 'docker.io' for any Docker Hub alias (in any case), else the host unchanged. */
export function canonicalRegistry(host: string): string {
  return DOCKER_HUB_ALIASES.includes(host.toLowerCase()) ? DOCKER_HUB : host
}

/** Host (and port) that serves the registry's /v2/ API. */
export function apiHost(registry: string): string {
  return registryNames(registry).apiHost
}

/** Key under which the docker CLI stores this registry's credentials in config.json. */
export function configKey(registry: string): string {
  return registryNames(registry).configKey
}

/** Each distinct 'registry/repository' of image references ('a/b:1', 'a/b:2' -> 'docker.io/a/b'), in order. */
export function repositoriesOf(references: readonly string[]): string[] {
  const repositories = references.map(ref => {
    const parsed = parseImageReference(ref)
    return `${parsed.registry}/${parsed.repository}`
  })
  return [...new Set(repositories)]
}
