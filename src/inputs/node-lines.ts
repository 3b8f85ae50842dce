/**
 * The `nodes` input: one `PLATFORMS=ENDPOINT` line per machine joined to the builder, e.g.
 * `linux/arm64,linux/arm/v7=ssh://ci@arm-box.internal` (a Docker engine) or
 * `linux/arm64=remote+tcp://buildkitd-arm64.ci:1234` (a BuildKit daemon, reached with the remote driver).
 * Checked completely here, so a typo stops the run before any docker command.
 */
import { nodeLabel, type BuilderNode } from '../buildx/nodes.js'
import { formatPlatform, parsePlatform } from '../oci/platforms.js'

/** Endpoints buildx takes as a URL (what DOCKER_HOST takes). */
const ENDPOINT_URL = /^(unix|tcp|ssh|npipe):\/\/\S+$/
/** A docker context name (docker's own rule). */
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/

/** A BuildKit daemon's address after `remote+`. */
const REMOTE_TCP = /^tcp:\/\/[^\s/:?#]+(:\d{1,5})$|^tcp:\/\/\[[0-9a-fA-F:.]+\](:\d{1,5})$/

const EXAMPLE =
  'e.g. linux/arm64=ssh://ci@arm-box.internal, linux/arm64,linux/arm/v7=arm-context or ' +
  'linux/arm64=remote+tcp://buildkitd.internal:1234 or linux/arm64=remote+kube-pod://buildkitd-0?namespace=ci'

/** A pod name (a DNS-1123 subdomain), and the query keys BuildKit's kube-pod helper takes. */
const POD_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/
const KUBE_POD_KEYS = ['namespace', 'context', 'container']

/**
 * The endpoint after `remote+`, checked: a buildkitd's tcp://HOST:PORT, or a BuildKit pod as
 * kube-pod://POD[?namespace=NS&context=CTX&container=C] (reached through kubectl exec).
 */
function remoteEndpoint(endpoint: string): string {
  const address = endpoint.slice('remote+'.length)
  if (REMOTE_TCP.test(address)) return address
  if (address.startsWith('tcp://'))
    throw new Error(`"${endpoint}" needs a host and a port: remote+tcp://HOST:PORT (a buildkitd's --addr)`)
  if (address.startsWith('kube-pod://')) {
    const rest = address.slice('kube-pod://'.length)
    const [pod = '', query = ''] = rest.split('?', 2)
    if (!POD_NAME.test(pod))
      throw new Error(`"${endpoint}" needs a pod name: remote+kube-pod://POD?namespace=NS (a BuildKit pod)`)
    const params = new URLSearchParams(query)
    for (const [key, value] of params) {
      if (!KUBE_POD_KEYS.includes(key))
        throw new Error(`"${endpoint}": ${key} is not a kube-pod option; use ${KUBE_POD_KEYS.join(', ')}`)
      if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(value))
        throw new Error(`"${endpoint}": ${key}=${value} is not a Kubernetes name`)
    }
    return address
  }
  throw new Error(
    `"${endpoint}" is not a remote node; use remote+tcp://HOST:PORT (a buildkitd over TLS) or ` +
      'remote+kube-pod://POD?namespace=NS (a BuildKit pod)'
  )
}

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
    const remote = endpoint.startsWith('remote+') ? remoteEndpoint(endpoint) : undefined
    const engineOk = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)
      ? ENDPOINT_URL.test(endpoint)
      : CONTEXT_NAME.test(endpoint)
    if (remote === undefined && !engineOk) {
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
    nodes.push(remote !== undefined ? { platforms, endpoint: remote, remote: true } : { platforms, endpoint })
  }
  // A remote-driver builder reaches BuildKit daemons, a docker-container builder Docker engines: buildx
  // cannot mix drivers in one builder.
  const engine = nodes.find(n => !n.remote)
  const daemon = nodes.find(n => n.remote)
  if (engine && daemon) {
    throw new Error(
      `${nodeLabel(engine)} (a Docker engine) and ${nodeLabel(daemon)} (a BuildKit daemon) cannot serve one ` +
        'builder (buildx cannot mix its docker-container and remote drivers); run a buildkitd on the engine ' +
        'and list it as remote+tcp://, or build the two in separate steps'
    )
  }
  return nodes
}
