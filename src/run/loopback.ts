/**
 * Registries on this machine's loopback (`localhost:5000`, `127.0.0.1:5000`): the builder runs in a
 * container, whose own loopback is not the runner's, so it reaches them only on the host network. A run
 * that names one (a tag, an insecure registry, a CA, a mirror) gets the host network, and the log says why.
 */
import { isLoopbackHost } from '../buildkitd/registry-name.js'
import type { LogSink } from '../core/reporter.js'
import type { Inputs } from '../inputs/inputs.js'
import { parseImageReference } from '../oci/reference.js'

/** The loopback registries the inputs name, each once, in input order. */
export function loopbackRegistries(
  inputs: Pick<Inputs, 'tags' | 'insecureRegistries' | 'caCerts' | 'registryMirrors'>
): string[] {
  const hosts = [
    ...inputs.tags.map(tag => parseImageReference(tag).registry),
    ...inputs.insecureRegistries.map(r => r.host),
    ...inputs.caCerts.map(c => c.host),
    ...[...inputs.registryMirrors.values()].flatMap(mirrors => mirrors.map(m => m.host))
  ]
  return [...new Set(hosts.filter(isLoopbackHost))]
}

/**
 * The inputs with the host network on when a loopback registry needs it (unless driver-opts choose the
 * builder's network themselves); as they are otherwise.
 */
export function hostNetworkForLoopback(log: LogSink, inputs: Inputs): Inputs {
  if (inputs.hostNetwork || inputs.reuseBuilder) return inputs
  const loopback = loopbackRegistries(inputs)
  if (loopback.length === 0) return inputs
  if (inputs.driverOpts.some(opt => /^network=/.test(opt))) return inputs
  log.info(
    `host-network: true, because ${loopback.join(', ')} ${loopback.length > 1 ? 'are' : 'is'} on this machine's ` +
      'loopback, which the builder container reaches only on the host network'
  )
  return { ...inputs, hostNetwork: true }
}
