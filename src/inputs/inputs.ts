/**
 * The action's inputs, read once into a typed object: the input table (fields.ts) read with action.yml's
 * defaults (the generated spec), the cross-input rules (rules.ts), then the shape the run uses. Every
 * problem names its input and says what is accepted; all of them are reported together, before any
 * command runs.
 */
import type { RegistryHost } from '../buildkitd/registry-name.js'
import type { BuildOptionSettings } from '../buildx/build-options.js'
import type { CacheMode } from '../buildx/cache.js'
import type { BuilderNode } from '../buildx/nodes.js'
import type { QemuMode } from '../qemu/qemu.js'
import { INPUTS } from './action-spec.js'
import { buildOptionSettings } from './build-options.js'
import { BUILD_FIELDS } from './fields.js'
import { registryInputs, type RegistryInputs } from './registry-inputs.js'
import { remoteAccessInputs, type Kubeconfig, type RemoteTls } from './remote-access.js'
import { RULES } from './rules.js'
import { runtimeInputs, type RuntimeInputs } from './runtime.js'
import { signingInputs, type SigningInputs } from './signing.js'
import { readTable, type InputSource } from './table.js'

export interface Inputs extends RuntimeInputs, RegistryInputs, SigningInputs {
  /** TLS material for remote+tcp:// nodes. */
  remoteTls: RemoteTls
  /** The kubeconfig for remote+kube-pod:// nodes, when given. */
  kubeconfig?: Kubeconfig
  platforms: string[]
  context: string
  file: string
  tags: string[]
  push: boolean
  /** Push without a tag: `tags` is then one repository, and the image is found by its digest. */
  pushByDigest: boolean
  buildArgs: string[]
  labels: string[]
  target: string
  cacheFrom: string[]
  cacheTo: string[]
  cache: CacheMode
  noCache: boolean
  pull: boolean
  provenance: string
  network: string
  builderName: string
  buildkitImage: string
  driverOpts: string[]
  buildkitdFlags: string
  hostNetwork: boolean
  registryMirrors: Map<string, RegistryHost[]>
  proxy: boolean
  buildkitdConfig: string
  buildkitdConfigInline: string
  qemu: QemuMode
  qemuImage: string
  retries: number
  reuseBuilder: boolean
  buildxVersion: string
  buildxDownloadUrl: string
  buildxChecksumUrl: string
  /** Machines joined to the builder, each building its own platforms. */
  nodes: BuilderNode[]
  /** The build-push-action options (secrets, ssh, annotations, outputs, ...): see build-options.ts. */
  buildOptions: BuildOptionSettings
}

/**
 * Reads and checks every input; relative paths start at `cwd` (the job's working directory). `env` is the
 * step's environment (for secret-envs, ssh, and the GitHub server that github-token belongs to).
 */
export function readInputs(source: InputSource, cwd: string, env: NodeJS.ProcessEnv = {}): Inputs {
  const v = readTable(BUILD_FIELDS, RULES, { source, specs: INPUTS, cwd, env })
  return {
    platforms: v.platforms,
    context: v.context,
    file: v.file,
    tags: v.tags.map(t => t.text),
    push: v.push,
    pushByDigest: v['push-by-digest'],
    buildArgs: v['build-args'],
    labels: v.labels,
    target: v.target,
    cacheFrom: v['cache-from'],
    cacheTo: v['cache-to'],
    cache: v.cache,
    noCache: v['no-cache'],
    pull: v.pull,
    provenance: v.provenance,
    network: v.network,
    builderName: v['builder-name'],
    buildkitImage: v['buildkit-image'],
    driverOpts: v['driver-opts'],
    buildkitdFlags: v['buildkitd-flags'],
    hostNetwork: v['host-network'],
    registryMirrors: v['registry-mirrors'],
    proxy: v.proxy,
    buildkitdConfig: v['buildkitd-config'],
    buildkitdConfigInline: v['buildkitd-config-inline'],
    qemu: v.qemu,
    qemuImage: v['qemu-image'],
    retries: v.retries,
    reuseBuilder: v['reuse-builder'],
    buildxVersion: v['buildx-version'],
    buildxDownloadUrl: v['buildx-download-url'],
    buildxChecksumUrl: v['buildx-checksum-url'],
    nodes: v.nodes,
    buildOptions: buildOptionSettings(v, { context: v.context, serverUrl: env.GITHUB_SERVER_URL ?? '' }),
    ...registryInputs(v),
    ...remoteAccessInputs(v),
    ...runtimeInputs(v),
    ...signingInputs(v)
  }
}
