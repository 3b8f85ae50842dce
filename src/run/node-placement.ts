/** Builder nodes in a run: which ones join, and which node builds each platform (for the summary). */
import { nodePlacement } from '../buildx/nodes.js'
import type { Reporter } from '../core/reporter.js'
import type { Inputs } from '../inputs/inputs.js'
import type { NodeOfPlatform } from './summary.js'

/** The inputs with only the nodes that build at least one platform asked for (others would only start). */
export function nodesInUse(reporter: Reporter, inputs: Inputs): Inputs {
  const nodes = inputs.nodes.filter(node => {
    const used = node.platforms.some(p => inputs.platforms.includes(p))
    if (!used)
      reporter.info(`nodes: ${node.endpoint} is not joined: it builds none of ${inputs.platforms.join(', ')}`)
    return used
  })
  return { ...inputs, nodes }
}

/** `{ nodes }` for the outputs when the builder has nodes, else nothing. */
export function placementOf(
  builder: string,
  inputs: Pick<Inputs, 'platforms' | 'nodes'>
): { nodes?: Record<string, NodeOfPlatform> } {
  return inputs.nodes.length > 0 ? { nodes: nodePlacement(builder, inputs.platforms, inputs.nodes) } : {}
}
