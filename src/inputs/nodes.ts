/**
 * The `nodes` input: one `PLATFORMS=ENDPOINT` line per machine joined to the builder, e.g.
 * `linux/arm64,linux/arm/v7=ssh://ci@arm-box.internal`. Checked completely here, so a typo stops the run
 * before any docker command.
 */
import type { BuilderNode } from '../buildx/nodes.js'
import { formatPlatform, parsePlatform } from '../oci/platforms.js'

/** Endpoints buildx takes as a URL (what DOCKER_HOST takes). */
const ENDPOINT_URL = /^(unix|tcp|ssh|npipe):\/\/\S+$/
/** A docker context name (docker's own rule). */
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/

const EXAMPLE = 'e.g. linux/arm64=ssh://ci@arm-box.internal or linux/arm64,linux/arm/v7=arm-context'

/** Parses the input; throws a message naming the offending line (the caller adds the input name). */
export function parseNodes(value: string): BuilderNode[] {
  const nodes: BuilderNode[] = []
  const platformOwner = new Map<string, string>()
  const endpoints = new Set<string>()
  for (const raw of value.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    const eq = line.indexOf('=')
    if (eq === -1) throw new Error(`"${line}" is not PLATFORMS=ENDPOINT (${EXAMPLE})`)
    const platformText = line.slice(0, eq).trim()
    const endpoint = line.slice(eq + 1).trim()
    const items = platformText.split(',').map(p => p.trim())
    if (platformText === '' || items.some(p => p === '')) {
      throw new Error(`"${line}" needs platforms before '=', separated by commas (${EXAMPLE})`)
    }
    if (endpoint === '') throw new Error(`"${line}" has no endpoint after '=' (${EXAMPLE})`)
    if (
      /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? !ENDPOINT_URL.test(endpoint) : !CONTEXT_NAME.test(endpoint)
    ) {
      throw new Error(
        `"${endpoint}" is not a node endpoint; use a docker context name or a unix://, tcp:// or ssh:// URL`
      )
    }
    if (endpoints.has(endpoint)) {
      throw new Error(`${endpoint} is listed twice; put all its platforms on one line, separated by commas`)
    }
    endpoints.add(endpoint)
    const platforms: string[] = []
    for (const item of items) {
      const platform = formatPlatform(parsePlatform(item))
      const owner = platformOwner.get(platform)
      if (owner !== undefined) {
        throw new Error(
          owner === endpoint
            ? `${platform} is listed twice for ${endpoint}`
            : `${platform} is given to two nodes (${owner} and ${endpoint}); each platform is built by one node`
        )
      }
      platformOwner.set(platform, endpoint)
      platforms.push(platform)
    }
    nodes.push({ platforms, endpoint })
  }
  return nodes
}
