/**
 * The build options that docker/build-push-action users bring along (secrets, ssh, named contexts,
 * annotations, attestations, outputs, load, hosts, limits, entitlements, call): their typed form and the
 * `docker buildx build` arguments they become. Pure functions; src/inputs/build-option-inputs.ts parses them.
 *
 * Secret values never reach argv: each becomes `--secret id=<id>,env=<variable>`, and the value travels in
 * that variable of the buildx process's own environment (buildx reads it there and hands it to BuildKit
 * through the session), so nothing is written to disk and nothing shows in a process listing's argv.
 */
import { MIN_BUILDX, compareVersions } from './version.js'

export interface SecretValue {
  id: string
  value: string
}

export interface SecretFile {
  id: string
  path: string
}

export interface SecretEnv {
  id: string
  /** The variable of the step's environment that holds the value. */
  env: string
}

export interface BuildOptionSettings {
  secrets: SecretValue[]
  secretFiles: SecretFile[]
  secretEnvs: SecretEnv[]
  /** `default` or `id[=path[,path]]`, as buildx --ssh. */
  ssh: string[]
  /** `name=source`, as buildx --build-context. */
  buildContexts: string[]
  /** `[index:|manifest:|...]key=value`, as buildx --annotation. */
  annotations: string[]
  /** '' (buildx's default), true/false, or attributes such as generator=IMAGE. */
  sbom: string
  /** `type=provenance|sbom,...` lines, as buildx --attest. */
  attests: string[]
  /** As buildx --output. */
  outputs: string[]
  load: boolean
  /** `host=ip` (normalised from host:ip). */
  addHosts: string[]
  shmSize: string
  /** `type=soft[:hard]`. */
  ulimit: string[]
  cgroupParent: string
  allow: string[]
  noCacheFilters: string[]
  /** '' or build: a normal build; check, outline, targets: evaluate only (nothing exported). */
  call: string
}

export const EMPTY_BUILD_OPTIONS: Readonly<BuildOptionSettings> = Object.freeze({
  secrets: [],
  secretFiles: [],
  secretEnvs: [],
  ssh: [],
  buildContexts: [],
  annotations: [],
  sbom: '',
  attests: [],
  outputs: [],
  load: false,
  addHosts: [],
  shmSize: '',
  ulimit: [],
  cgroupParent: '',
  allow: [],
  noCacheFilters: [],
  call: ''
})

/** Prefix of the environment variables that carry secret values to buildx. */
export const SECRET_ENV_PREFIX = 'MULTIARCH_BUILD_SECRET_'

export interface BuildOptionArgs {
  /** Arguments for `docker buildx build`, before the context. */
  args: string[]
  /** Environment for the buildx process: the secret values, by the names the args refer to. */
  env: Record<string, string>
}

/**
 * The arguments for the options. `provenance` is the provenance input: when set, it wins over a
 * `type=provenance` line of attests (and `sbom` over `type=sbom`), as in build-push-action.
 */
export function buildOptionArgs(o: BuildOptionSettings, provenance: string): BuildOptionArgs {
  const args: string[] = []
  const env: Record<string, string> = {}
  o.secrets.forEach((secret, i) => {
    const name = `${SECRET_ENV_PREFIX}${i}`
    env[name] = secret.value
    args.push('--secret', `${csvField('id', secret.id)},env=${name}`)
  })
  for (const f of o.secretFiles) args.push('--secret', `${csvField('id', f.id)},${csvField('src', f.path)}`)
  for (const e of o.secretEnvs) args.push('--secret', `${csvField('id', e.id)},env=${e.env}`)
  for (const ssh of o.ssh) args.push('--ssh', ssh)
  for (const context of o.buildContexts) args.push('--build-context', context)
  for (const annotation of o.annotations) args.push('--annotation', annotation)
  if (o.sbom) args.push(`--sbom=${o.sbom}`)
  for (const attest of o.attests) {
    const type = attestType(attest)
    if ((type === 'provenance' && provenance) || (type === 'sbom' && o.sbom)) continue
    args.push('--attest', attest)
  }
  if (evaluates(o.call)) {
    args.push(`--call=${o.call}`)
  } else {
    for (const output of o.outputs) args.push('--output', output)
    if (o.load) args.push('--load')
  }
  for (const host of o.addHosts) args.push('--add-host', host)
  if (o.shmSize) args.push('--shm-size', o.shmSize)
  for (const ulimit of o.ulimit) args.push('--ulimit', ulimit)
  if (o.cgroupParent) args.push('--cgroup-parent', o.cgroupParent)
  for (const entitlement of o.allow) args.push('--allow', entitlement)
  for (const stage of o.noCacheFilters) args.push('--no-cache-filter', stage)
  return { args, env }
}

/** Whether `call` asks buildx to evaluate the build (check, outline, targets) instead of building it. */
export function evaluates(call: string): boolean {
  const method = call.split(',')[0]?.trim() ?? ''
  return method !== '' && method !== 'build'
}

/** The `type=` of an attest line ('' when it has none). */
export function attestType(attest: string): string {
  for (const field of attest.split(',')) {
    const [key, value] = splitOnce(field.trim(), '=')
    if (key === 'type') return value
  }
  return ''
}

/** The exporter of an `outputs` line: its `type=`, or local for a bare path (tar for `-`), as buildx reads it. */
export function outputType(output: string): string {
  if (!output.includes('=')) return output.trim() === '-' ? 'tar' : 'local'
  return attestType(output)
}

/** The oldest buildx that runs these options, and the input that needs it. */
export function minimumBuildx(o: BuildOptionSettings): { version: string; input: string } {
  // Annotations came with buildx 0.12, --call with 0.15; the rest predates MIN_BUILDX.
  const needs: [string, string, boolean][] = [
    ['0.15.0', 'call', o.call !== ''],
    ['0.12.0', 'annotations', o.annotations.length > 0]
  ]
  for (const [version, input, used] of needs) {
    if (used && compareVersions(version, MIN_BUILDX) > 0) return { version, input }
  }
  return { version: MIN_BUILDX, input: '' }
}

/**
 * The builder's buildkitd flags: the user's, plus the entitlements the daemon must grant for what the build
 * may ask (the build asks with --allow: build.ts): network.host when the builder runs on the host network
 * (RUN steps may then use it), when RUN steps use it (network: host) or `allow` asks for it, and
 * security.insecure when `allow` asks for it; each unless the user's flags grant it already. The one place
 * the daemon's entitlements are decided.
 */
export function entitlementFlags(
  buildkitdFlags: string,
  build: { hostNetwork: boolean; network: string; allow: readonly string[] }
): string {
  const wanted = new Set(build.allow)
  if (build.hostNetwork || build.network === 'host') wanted.add('network.host')
  const flags = [buildkitdFlags.trim()]
  for (const entitlement of ['network.host', 'security.insecure']) {
    if (wanted.has(entitlement) && !buildkitdFlags.includes(entitlement))
      flags.push(`--allow-insecure-entitlement ${entitlement}`)
  }
  return flags.filter(f => f !== '').join(' ')
}

/** One `key=value` field of a buildx CSV option, quoted when the value has a comma, quote or newline. */
export function csvField(key: string, value: string): string {
  const field = `${key}=${value}`
  return /[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)]
}
