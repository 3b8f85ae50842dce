/**
 * The parsed inputs that shape a run, as log lines. No secret ever appears: the password is never shown,
 * CA certificates only by registry (and file path), inline TOML only by its size, caches only by type;
 * build-args and driver-opts not at all.
 */
import type { RegistryHost } from '../buildkitd/registry-name.js'
import type { Inputs } from './inputs.js'
import { describeBuildOptions } from './build-option-inputs.js'
import { formatBytes } from '../buildkitd/gc.js'
import { nodeLabel } from '../buildx/nodes.js'

const hosts = (list: readonly RegistryHost[]): string =>
  list.map(h => (h.http ? `http://${h.host}` : h.host)).join(', ')

const cacheTypes = (entries: readonly string[]): string =>
  entries.map(e => /(?:^|,)type=([^,]*)/.exec(e)?.[1] ?? 'registry').join(', ')

/** `key (transparency log: no)`, `keyless (your own sigstore instance)`: no key, no password. */
export function signing(inputs: Pick<Inputs, 'sign' | 'signTransparencyLog' | 'signSigningConfig'>): string {
  const own =
    inputs.sign === 'keyless' && inputs.signSigningConfig !== '' ? ', your own sigstore instance' : ''
  return `${inputs.sign} (transparency log: ${inputs.signTransparencyLog ? 'yes' : 'no'}${own})`
}

export function describeInputs(inputs: Inputs): string[] {
  const lines: [string, string][] = [
    ['platforms', inputs.platforms.join(', ')],
    ['tags', inputs.tags.join(', ') || '(none)'],
    ['push', inputs.pushByDigest ? 'true, by digest (no tag)' : String(inputs.push)],
    ['context', inputs.context],
    ['file', inputs.file || '(Dockerfile in the context)'],
    [
      'builder',
      inputs.builderName ? `${inputs.builderName}${inputs.reuseBuilder ? ' (reuse)' : ''}` : '(unique name)'
    ],
    ['buildkit-image', inputs.buildkitImage],
    ['buildx-version', inputs.buildxVersion || "(the runner's if recent enough)"],
    ['qemu', `${inputs.qemu} (${inputs.qemuImage})`],
    ['host-network', String(inputs.hostNetwork)],
    ['network', inputs.network || 'default'],
    ['proxy', String(inputs.proxy)],
    ['retries', String(inputs.retries)],
    [
      'check-binaries',
      inputs.checkBinaries === 'false'
        ? 'false'
        : `${inputs.checkBinaries} (up to ${Math.round(inputs.checkBinariesBudget / 1024 / 1024)} MiB of layers per platform)`
    ],
    ['media-types', inputs.mediaTypes]
  ]
  for (const node of inputs.nodes) lines.push(['node', `${node.platforms.join(', ')} on ${nodeLabel(node)}`])
  if (inputs.smokeTest.length > 0)
    lines.push([
      'smoke-test',
      `${inputs.smokeTest.join(' ')} (at most ${inputs.smokeTestTimeout} s per platform)`
    ])
  if (inputs.cacheMaxSize !== undefined) lines.push(['cache-max-size', formatBytes(inputs.cacheMaxSize)])
  if (inputs.sign !== 'false') lines.push(['sign', signing(inputs)])
  if (inputs.insecureRegistries.length > 0)
    lines.push(['insecure-registries', hosts(inputs.insecureRegistries)])
  if (inputs.caCerts.length > 0) {
    const certs = inputs.caCerts.map(c =>
      c.source === 'file' ? `${c.host} (${c.value})` : `${c.host} (PEM)`
    )
    lines.push(['ca-certs', certs.join(', ')])
  }
  for (const [registry, mirrors] of inputs.registryMirrors)
    lines.push(['registry-mirrors', `${registry} -> ${hosts(mirrors)}`])
  if (inputs.buildkitdConfig) lines.push(['buildkitd-config', inputs.buildkitdConfig])
  if (inputs.buildkitdConfigInline) {
    const count = inputs.buildkitdConfigInline.split('\n').length
    lines.push(['buildkitd-config-inline', `${count} line${count === 1 ? '' : 's'} of TOML`])
  }
  if (inputs.registry) {
    lines.push([
      'login',
      inputs.username ? `${inputs.registry} (username and password given)` : inputs.registry
    ])
  }
  // Cache entries may carry credentials (s3 keys): only their types are shown.
  if (inputs.cache) lines.push(['cache', `${inputs.cache}, one per platform`])
  if (inputs.cacheFrom.length > 0) lines.push(['cache-from', cacheTypes(inputs.cacheFrom)])
  if (inputs.cacheTo.length > 0) lines.push(['cache-to', cacheTypes(inputs.cacheTo)])
  lines.push(...describeBuildOptions(inputs.buildOptions))
  return lines.map(([name, value]) => `${name}: ${value}`)
}
