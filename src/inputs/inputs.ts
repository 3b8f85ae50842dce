/**
 * The action's inputs, read once into a typed object and validated in one place. Every rejection names
 * the input and says what is accepted; all problems are reported together, before any command runs.
 */
import * as fs from 'node:fs'
import { DEFAULT_DOWNLOAD_URL, normalizeBuildxVersion, parseDownloadUrlTemplate } from '../buildx/release.js'
import type { CaCertEntry } from '../buildkitd/certificates.js'
import { readRegistryInputs } from './registry-inputs.js'
import type { RegistryHost } from '../buildkitd/registry-name.js'
import type { BuilderNode } from '../buildx/nodes.js'
import { parseNodes } from './nodes.js'
import {
  collectProblems,
  isRemoteContext,
  parseKeyValues,
  parseMirrors,
  parsePlatforms,
  parseRepository,
  parseTags,
  resolvePath,
  splitList
} from './parse.js'
import { QEMU_MODES, type QemuMode } from '../qemu/qemu.js'
import { checkDockerfile, parseBuildkitdFlags, parseProvenance, parseTarget } from './checks.js'
import { evaluates, type BuildOptionSettings } from '../buildx/build-options.js'
import { readBuildOptions } from './build-options.js'
import { imageReference } from './option-values.js'
import { readRuntimeInputs, type RuntimeInputs } from './runtime.js'

export interface Inputs extends RuntimeInputs {
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
  noCache: boolean
  pull: boolean
  provenance: string
  network: string
  builderName: string
  buildkitImage: string
  driverOpts: string[]
  buildkitdFlags: string
  hostNetwork: boolean
  insecureRegistries: RegistryHost[]
  caCerts: CaCertEntry[]
  registryMirrors: Map<string, RegistryHost[]>
  proxy: boolean
  buildkitdConfig: string
  buildkitdConfigInline: string
  registry: string
  username: string
  password: string
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

/** Defaults, the same as action.yml's (a unit test keeps the two in agreement). */
export const DEFAULTS = {
  platforms: 'linux/amd64,linux/arm64',
  context: '.',
  push: 'true',
  'push-by-digest': 'false',
  'buildkit-image': 'moby/buildkit:buildx-stable-1',
  'host-network': 'false',
  proxy: 'true',
  qemu: 'auto',
  'qemu-image': 'tonistiigi/binfmt:qemu-v10.2.3-68',
  'no-cache': 'false',
  pull: 'false',
  retries: '2',
  'reuse-builder': 'false',
  'buildx-download-url': DEFAULT_DOWNLOAD_URL,
  load: 'false',
  'media-types': 'oci',
  'smoke-test-timeout': '120',
  'check-binaries': 'error',
  'check-binaries-budget': '256MiB'
} as const satisfies Record<string, string>

/** Reads one input the way @actions/core does: trimmed, '' when unset. */
export type InputSource = (name: string) => string

/** All the problems found in the inputs, one line each. */
export class InputError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Invalid input${problems.length > 1 ? 's' : ''}:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'InputError'
    this.problems = problems
  }
}

const BUILDER_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$/
const NETWORK_MODES = ['', 'default', 'none', 'host']

/**
 * Reads and checks every input; relative paths start at `cwd` (the job's working directory). `env` is the
 * step's environment (for secret-envs, ssh, and the GitHub server that github-token belongs to).
 */
export function readInputs(source: InputSource, cwd: string, env: NodeJS.ProcessEnv = {}): Inputs {
  const problems: string[] = []
  const get = (name: string): string => {
    const value = source(name)
    if (value !== '') return value
    return (DEFAULTS as Record<string, string>)[name] ?? ''
  }
  const check = collectProblems(problems)
  const bool = (name: string): boolean =>
    check(name, false, () => {
      const value = get(name).toLowerCase()
      if (value === 'true') return true
      if (value === 'false') return false
      throw new Error(`"${get(name)}" is not a boolean; use true or false`)
    })
  const existingPath = (name: string, kind: 'file' | 'directory'): string =>
    check(name, '', () => {
      const value = get(name)
      if (value === '') return ''
      const stat = fs.statSync(resolvePath(cwd, value), { throwIfNoEntry: false })
      if (!stat) throw new Error(`"${value}" does not exist (relative paths start at ${cwd})`)
      if (kind === 'file' ? !stat.isFile() : !stat.isDirectory())
        throw new Error(`"${value}" is not a ${kind}`)
      return value
    })

  const platforms = check('platforms', [] as string[], () => parsePlatforms(get('platforms')))
  const context = check('context', '.', () => {
    const value = get('context')
    if (isRemoteContext(value)) return value
    return existingPath('context', 'directory') || value
  })
  // With a remote context, buildx reads `file` inside that context: nothing to check here.
  const file = isRemoteContext(get('context'))
    ? get('file')
    : check('file', '', () => {
        const value = existingPath('file', 'file')
        if (value !== '') checkDockerfile(value, resolvePath(cwd, value))
        return value
      })
  const push = bool('push')
  const pushByDigest = bool('push-by-digest')
  if (pushByDigest && !push && !problems.some(p => p.startsWith('push:'))) {
    problems.push('push-by-digest: needs push: true (an image pushed by digest is pushed)')
  }
  const buildOptions = readBuildOptions({ get, check, bool, cwd, env }, get('context'))
  // call: check (outline, targets) evaluates the build and pushes nothing, so it needs no tag.
  const tags = check('tags', [] as string[], () =>
    pushByDigest
      ? parseRepository(get('tags'))
      : parseTags(get('tags'), push && !evaluates(buildOptions.call))
  )
  const buildArgs = check('build-args', [] as string[], () => parseKeyValues(get('build-args'), true))
  const labels = check('labels', [] as string[], () => parseKeyValues(get('labels'), false))
  const network = check('network', '', () => {
    const value = get('network')
    if (!NETWORK_MODES.includes(value))
      throw new Error(`"${value}" is not a RUN network mode; use default, none or host`)
    return value
  })
  const builderName = check('builder-name', '', () => {
    const value = get('builder-name')
    if (value !== '' && !BUILDER_NAME.test(value)) {
      throw new Error(
        `"${value}" is not a builder name; use letters, digits, '_', '.', '-', starting with a letter`
      )
    }
    if (value.toLowerCase() === 'default')
      throw new Error(
        '"default" is the docker driver builder, which cannot build several platforms; use another name'
      )
    return value
  })
  const buildkitImage = check('buildkit-image', '', () => imageReference(get('buildkit-image')))
  const qemuImage = check('qemu-image', '', () => imageReference(get('qemu-image')))
  const driverOpts = check('driver-opts', [] as string[], () => parseKeyValues(get('driver-opts'), false))
  const registryMirrors = check('registry-mirrors', new Map<string, RegistryHost[]>(), () =>
    parseMirrors(get('registry-mirrors'))
  )
  const buildkitdConfig = existingPath('buildkitd-config', 'file')
  const { insecureRegistries, caCerts, registry, username, password } = readRegistryInputs(
    get,
    check,
    problems
  )
  const qemu = check<QemuMode>('qemu', 'auto', () => {
    const value = get('qemu').toLowerCase()
    const mode = QEMU_MODES.find(m => m === value)
    if (!mode) throw new Error(`"${get('qemu')}" is not a QEMU mode; use auto, image, package or false`)
    return mode
  })
  const noCache = bool('no-cache')
  const pull = bool('pull')
  const hostNetwork = bool('host-network')
  const proxy = bool('proxy')
  const retries = check('retries', 0, () => {
    const value = get('retries')
    if (!/^\d+$/.test(value) || Number(value) > 10)
      throw new Error(`"${value}" is not a retry count; use 0 to 10`)
    return Number(value)
  })
  const reuseBuilder = bool('reuse-builder')
  const buildxVersion = check('buildx-version', '', () => normalizeBuildxVersion(get('buildx-version')))
  const buildxDownloadUrl = check('buildx-download-url', DEFAULT_DOWNLOAD_URL, () =>
    parseDownloadUrlTemplate(get('buildx-download-url'))
  )
  const buildxChecksumUrl = check('buildx-checksum-url', '', () =>
    get('buildx-checksum-url') === '' ? '' : parseDownloadUrlTemplate(get('buildx-checksum-url'))
  )
  const nodes = check('nodes', [] as BuilderNode[], () => parseNodes(get('nodes')))
  if (nodes.length > 0 && reuseBuilder) {
    problems.push(
      'nodes: a reused builder keeps the nodes it has, so nodes cannot be applied to it; ' +
        'set reuse-builder: false, or leave nodes empty'
    )
  }
  const target = check('target', '', () => parseTarget(get('target')))
  const provenance = check('provenance', '', () => parseProvenance(get('provenance')))
  const buildkitdFlags = check('buildkitd-flags', '', () => parseBuildkitdFlags(get('buildkitd-flags')))
  const load = buildOptions.load && !evaluates(buildOptions.call)
  const runtime = readRuntimeInputs(get, { push, provenance, load }, problems)
  if (reuseBuilder && builderName === '') {
    problems.push(
      'reuse-builder: needs builder-name (the builder to reuse); a generated name is never reused'
    )
  }

  if (problems.length > 0) throw new InputError(problems)
  return {
    platforms,
    context,
    file,
    tags,
    push,
    pushByDigest,
    buildArgs,
    labels,
    target,
    cacheFrom: splitList(get('cache-from'), false),
    cacheTo: splitList(get('cache-to'), false),
    noCache,
    pull,
    provenance,
    network,
    builderName,
    buildkitImage,
    driverOpts,
    buildkitdFlags,
    hostNetwork,
    insecureRegistries,
    caCerts,
    registryMirrors,
    proxy,
    buildkitdConfig,
    buildkitdConfigInline: get('buildkitd-config-inline'),
    registry,
    username,
    password,
    qemu,
    qemuImage,
    retries,
    reuseBuilder,
    buildxVersion,
    buildxDownloadUrl,
    buildxChecksumUrl,
    nodes,
    buildOptions,
    ...runtime
  }
}
