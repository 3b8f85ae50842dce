/**
 * A builder that mixes the runner's own BuildKit with the BuildKit daemons of a build farm. buildx cannot
 * mix drivers in one builder, but its remote driver reaches both: the runner's docker-container builder
 * (created as without remote nodes: generated buildkitd.toml, CAs, QEMU, host network) joins as
 * `docker-container://buildx_buildkit_<runner builder>0`, and each daemon as `tcp://HOST:PORT` with the
 * client certificate. One `buildx build` then sends each platform to the node that serves it, and buildx
 * merges the nodes' results into one index. A remote daemon keeps its own buildkitd.toml: the remote
 * driver takes no --config and no --buildkitd-flags.
 */
import { CommandError, runChecked, type CommandRunner } from '../core/runner.js'
import { lastLine } from '../core/errors.js'
import { isTcpDaemon, nodeLabel, nodeName, type BuilderNode } from './nodes.js'
import { describeTlsProblem, probeTls } from './tls-probe.js'

/** Where buildx finds the TLS material of the remote+tcp nodes (absolute paths), and the name to check. */
export interface RemoteTlsFiles {
  cacert: string
  cert?: string
  key?: string
  serverName: string
}

/** One node of the remote-driver builder: the platforms it builds and where it is. */
export interface RemoteNode {
  platforms: readonly string[]
  /** docker-container://CONTAINER for the runner's BuildKit, tcp://HOST:PORT for a daemon. */
  endpoint: string
  /** The node as the nodes input names it ('' for the runner's own). */
  label: string
  /** The TLS driver options, for a daemon. */
  tls?: RemoteTlsFiles
}

/** The container buildx runs for a docker-container builder's first node. */
export function builderContainer(builder: string): string {
  return `buildx_buildkit_${nodeName(builder, 0)}`
}

/** The name of the runner's docker-container builder that serves a remote-driver builder. */
export function runnerBuilderName(builder: string): string {
  return `${builder}-runner`
}

/**
 * The remote builder's nodes in order: the runner's BuildKit for the platforms no daemon serves (left out
 * when there are none), then each daemon.
 */
export function remoteNodes(options: {
  builder: string
  runnerPlatforms: readonly string[]
  nodes: readonly BuilderNode[]
  /** For tcp:// daemons; undefined when every daemon is a pod. */
  tls: RemoteTlsFiles | undefined
}): RemoteNode[] {
  const own: RemoteNode[] =
    options.runnerPlatforms.length > 0
      ? [
          {
            platforms: options.runnerPlatforms,
            endpoint: `docker-container://${builderContainer(runnerBuilderName(options.builder))}`,
            label: ''
          }
        ]
      : []
  const daemons = options.nodes.map(node => ({
    platforms: node.platforms,
    endpoint: node.endpoint,
    label: nodeLabel(node),
    // A BuildKit pod is reached through kubectl exec: no TLS of its own.
    ...(isTcpDaemon(node) && options.tls ? { tls: options.tls } : {})
  }))
  return [...own, ...daemons]
}

/** `docker buildx create [--append]` of node `index` of the remote-driver builder `builder`. */
export function remoteNodeArgs(builder: string, node: RemoteNode, index: number): string[] {
  const args = ['buildx', 'create', ...(index > 0 ? ['--append'] : [])]
  args.push('--name', builder, '--node', nodeName(builder, index), '--driver', 'remote')
  if (node.tls) {
    args.push('--driver-opt', `cacert=${node.tls.cacert}`)
    if (node.tls.cert) args.push('--driver-opt', `cert=${node.tls.cert}`)
    if (node.tls.key) args.push('--driver-opt', `key=${node.tls.key}`)
    if (node.tls.serverName) args.push('--driver-opt', `servername=${node.tls.serverName}`)
  }
  args.push('--platform', node.platforms.join(','), '--bootstrap', node.endpoint)
  return args
}

/** buildx output that means the TLS handshake with a daemon failed. */
const TLS_FAILURE = /tls:|x509:|certificate|handshake/i
/** buildx output that means the daemon cannot be reached at all. */
const UNREACHABLE = /connection refused|no such host|i\/o timeout|no route to host|deadline exceeded/i

/**
 * Creates the remote-driver builder, node by node. A daemon that refuses the TLS handshake, or cannot be
 * reached, fails with an error naming its line of nodes; other failures stay CommandErrors (so start-up
 * flakes are retried).
 */
export async function createRemoteBuilder(
  runner: CommandRunner,
  builder: string,
  nodes: readonly RemoteNode[]
): Promise<void> {
  for (const [index, node] of nodes.entries()) {
    const name = nodeName(builder, index)
    const where = node.label || 'the runner’s BuildKit'
    const what = `Adding builder node ${name} (${where}) for ${node.platforms.join(', ')}`
    try {
      await runChecked(runner, 'docker', remoteNodeArgs(builder, node, index), { what })
    } catch (error) {
      if (!(error instanceof CommandError) || !node.label) throw error
      const output = `${error.stderr}\n${error.stdout}`
      const reason = lastLine(error.stderr) || `exit code ${error.exitCode}`
      const head = `Builder node ${node.label} (nodes input, for ${node.platforms.join(', ')})`
      // buildx often says only "context deadline exceeded": one handshake of our own tells why.
      const problem = node.tls ? await probeTls(node.endpoint, node.tls) : undefined
      if (problem) {
        throw new Error(`${head} could not be used (buildx: ${reason}): ${describeTlsProblem(problem)}.`, {
          cause: error
        })
      }
      if (TLS_FAILURE.test(output)) {
        throw new Error(
          `${head}: the TLS handshake with the BuildKit daemon failed: ${reason}. Check that remote-tls-ca is ` +
            "the CA of the daemon's certificate, that remote-tls-cert and remote-tls-key are a client " +
            'certificate the daemon trusts (its --tlscacert) with its key, and remote-tls-server-name when the ' +
            "certificate does not name the node's host.",
          { cause: error }
        )
      }
      if (UNREACHABLE.test(output)) {
        throw new Error(
          `${head} is not reachable: ${reason}. Check that its buildkitd listens there (--addr tcp://...) ` +
            'and that this runner can reach it, or remove the line from nodes.',
          { cause: error }
        )
      }
      throw error
    }
  }
}
