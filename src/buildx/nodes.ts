/**
 * Extra BuildKit nodes: machines that already run Docker, joined to this run's builder so that the
 * platforms they serve are built there (natively) instead of under QEMU on the runner. Each node is
 * appended with the first node's driver, driver options, buildkitd flags and buildkitd.toml, so every
 * node reaches the registries the same way. `docker buildx rm` removes the builder from every node.
 */
import { CommandError, runChecked, type CommandRunner } from '../core/runner.js'
import { lastLine } from '../core/errors.js'
import { builderOptionArgs, type BuilderOptions } from './builder.js'

/** One line of the `nodes` input: the platforms a machine builds, and how buildx reaches its engine. */
export interface BuilderNode {
  /** Canonical platforms (`linux/arm64`), at least one. */
  platforms: string[]
  /**
   * What `docker buildx create` takes as endpoint: a docker context name or a unix/tcp/ssh URL of a Docker
   * engine, or with `remote` a BuildKit daemon's address (tcp://HOST:PORT).
   */
  endpoint: string
  /**
   * A BuildKit daemon, reached with the remote driver (written `remote+tcp://…` or `remote+kube-pod://…`
   * in the input); the endpoint is then what follows `remote+`.
   */
  remote?: true
}

/** A daemon reached over TCP (with the remote-tls-* inputs), not through kubectl. */
export function isTcpDaemon(node: BuilderNode): boolean {
  return node.remote === true && node.endpoint.startsWith('tcp://')
}

/** A BuildKit pod, reached through kubectl exec (with the kubeconfig input). */
export function isKubePod(node: BuilderNode): boolean {
  return node.remote === true && node.endpoint.startsWith('kube-pod://')
}

/** How a node is written in the nodes input (and named in messages). */
export function nodeLabel(node: BuilderNode): string {
  return node.remote ? `remote+${node.endpoint}` : node.endpoint
}

/** The name of the n-th node (0 is the runner's own): buildx names the container `buildx_buildkit_<node>`. */
export function nodeName(builder: string, index: number): string {
  return `${builder}${index}`
}

/**
 * `docker buildx create --append` for node `index` (1, 2, …): the same driver settings as the first node,
 * the platforms this node serves, its endpoint last.
 */
export function appendNodeArgs(options: BuilderOptions, node: BuilderNode, index: number): string[] {
  return [
    'buildx',
    'create',
    '--append',
    '--name',
    options.name,
    '--node',
    nodeName(options.name, index),
    ...builderOptionArgs(options),
    '--platform',
    node.platforms.join(','),
    '--bootstrap',
    node.endpoint
  ]
}

/** Which node builds each platform: the nodes' own platforms, every other one on the runner (node 0). */
export function nodePlacement(
  builder: string,
  platforms: readonly string[],
  nodes: readonly BuilderNode[]
): Record<string, { node: string; endpoint: string }> {
  const placement: Record<string, { node: string; endpoint: string }> = {}
  for (const platform of platforms) {
    const index = nodes.findIndex(n => n.platforms.includes(platform))
    const node = nodes[index]
    placement[platform] = node
      ? { node: nodeName(builder, index + 1), endpoint: node.endpoint }
      : { node: nodeName(builder, 0), endpoint: '' }
  }
  return placement
}

/** The platforms no node serves: those the runner builds itself (natively or under QEMU). */
export function runnerPlatforms(platforms: readonly string[], nodes: readonly BuilderNode[]): string[] {
  return platforms.filter(p => !nodes.some(n => n.platforms.includes(p)))
}

/** Output of buildx or docker that means the node's engine cannot be reached at all. */
const UNREACHABLE =
  /Cannot connect to the Docker daemon|error during connect|no such file or directory|connection refused|no such host|ssh: |could not read from remote|context ".*" does not exist|i\/o timeout|failed to find driver/i

/**
 * Appends the nodes, one after another (buildx keeps one record per builder). A node that cannot be
 * reached fails with an error naming it, its endpoint and the platforms it was meant to build; other
 * failures stay CommandErrors (so start-up flakes are retried), also naming the node.
 */
export async function appendNodes(
  runner: CommandRunner,
  options: BuilderOptions,
  nodes: readonly BuilderNode[]
): Promise<void> {
  for (const [i, node] of nodes.entries()) {
    const index = i + 1
    const name = nodeName(options.name, index)
    const what = `Adding builder node ${name} (${node.endpoint}) for ${node.platforms.join(', ')}`
    try {
      await runChecked(runner, 'docker', appendNodeArgs(options, node, index), { what })
    } catch (error) {
      if (error instanceof CommandError && UNREACHABLE.test(`${error.stderr}\n${error.stdout}`)) {
        throw new Error(
          `Builder node ${node.endpoint} (nodes input, for ${node.platforms.join(', ')}) is not reachable: ` +
            `${lastLine(error.stderr) || `exit code ${error.exitCode}`}. Check that its Docker engine runs ` +
            'and that this runner can reach it (docker context, unix socket, tcp:// with TLS, or ssh:// ' +
            'with a key in the agent), or remove the line from nodes.',
          { cause: error }
        )
      }
      throw error
    }
  }
}
