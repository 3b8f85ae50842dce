/**
 * Reading and checking the build-push-action inputs (secrets, ssh, build-contexts, annotations, sbom,
 * attests, outputs, load, add-hosts, shm-size, ulimit, cgroup-parent, allow, no-cache-filters, call,
 * github-token), with build-push-action's names and syntax. Each parser throws a message that says what
 * is accepted; the input table prefixes it with the input's name. A message about `secrets` never quotes the
 * entry (it may hold the secret).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  attestType,
  outputType,
  type BuildOptionSettings,
  type SecretEnv,
  type SecretFile,
  type SecretValue
} from '../buildx/build-options.js'
import {
  imageReference,
  parseAddHosts,
  parseAllow,
  parseAnnotations,
  parseAttestValue,
  parseAttests,
  parseCall,
  parseCgroupParent,
  parseList,
  parseOutputs,
  parseShmSize,
  parseStageNames,
  parseUlimits
} from './option-values.js'
import { bool, field, secret, text, type Typed } from './table.js'

const SECRET_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/**
 * The id of an `ID=` entry (an id, then nothing), else undefined. build-push-action warns about such an
 * entry and builds without it (a pull request from a fork gets an empty value for every repository secret):
 * the parsers leave it out and warn.
 */
function emptyEntryId(item: string): string | undefined {
  const eq = item.indexOf('=')
  const id = item.slice(0, eq).trim()
  return eq !== -1 && SECRET_ID.test(id) && item.slice(eq + 1).trim() === '' ? id : undefined
}

/** Leaves an `ID=` entry out, with a warning: the build goes on without it. */
function skipsEmpty(item: string, warn: Warn): boolean {
  const id = emptyEntryId(item)
  if (id !== undefined) warn(`${id} has an empty value; the build goes on without it`)
  return id !== undefined
}

type Warn = (message: string) => void
const ignore: Warn = () => undefined

/** `id=value` entries; the message for a bad one gives its position, never its text. */
export function parseSecrets(value: string, warn: Warn = ignore): SecretValue[] {
  return parseList(value, false).flatMap((item, i) => {
    if (skipsEmpty(item, warn)) return []
    const eq = item.indexOf('=')
    const id = eq === -1 ? '' : item.slice(0, eq).trim()
    const secret = eq === -1 ? '' : item.slice(eq + 1).replace(/\r$/, '')
    if (eq === -1 || !SECRET_ID.test(id) || secret === '') {
      throw new Error(
        `entry ${i + 1} is not ID=VALUE (an id of letters, digits, '_', '.', '-', then a value); ` +
          'put one per line, and a multi-line value in double quotes: "ID=line 1<newline>line 2"'
      )
    }
    return [{ id, value: secret }]
  })
}

/**
 * What to mask of the secrets input: each value, line by line for a multi-line one (the runner masks per
 * line) and whole. When the input does not parse, every line (the input check reports entries by position).
 */
export function secretValues(value: string): string[] {
  let values: string[]
  try {
    values = parseSecrets(value).map(s => s.value)
  } catch {
    values = value.split('\n')
  }
  return values.flatMap(secret => [
    ...secret.split(/\r?\n/).map(line => line.trim()),
    ...(secret.includes('\n') ? [secret] : [])
  ])
}

function idPairs(value: string, commas: boolean, what: string, warn: Warn): [string, string][] {
  return parseList(value, commas).flatMap((item): [string, string][] => {
    if (skipsEmpty(item, warn)) return []
    const eq = item.indexOf('=')
    const id = eq === -1 ? '' : item.slice(0, eq).trim()
    const rest = eq === -1 ? '' : item.slice(eq + 1).trim()
    if (!SECRET_ID.test(id) || rest === '') throw new Error(`"${item}" is not ID=${what}; put one per line`)
    return [[id, rest]]
  })
}

export function parseSecretFiles(value: string, cwd: string, warn = ignore): SecretFile[] {
  return idPairs(value, false, 'PATH', warn).map(([id, file]) => {
    if (!fs.statSync(path.resolve(cwd, file), { throwIfNoEntry: false })?.isFile())
      throw new Error(`${id}: "${file}" is not a file (relative paths start at ${cwd})`)
    return { id, path: file }
  })
}

export function parseSecretEnvs(value: string, env: NodeJS.ProcessEnv, warn = ignore): SecretEnv[] {
  return idPairs(value, true, 'ENV_VARIABLE', warn).map(([id, name]) => {
    if (!ENV_NAME.test(name)) throw new Error(`${id}: "${name}" is not an environment variable name`)
    if (env[name] === undefined)
      throw new Error(`${id}: ${name} is not set in this step's environment (set it with env:)`)
    return { id, env: name }
  })
}

/** `default`, `id` (the agent at SSH_AUTH_SOCK) or `id=path[,path...]` (sockets or keys), one per line. */
export function parseSsh(value: string, cwd: string, env: NodeJS.ProcessEnv): string[] {
  return parseList(value, false).map(item => {
    const eq = item.indexOf('=')
    const id = eq === -1 ? item : item.slice(0, eq)
    if (!SECRET_ID.test(id)) throw new Error(`"${item}" is not default, ID or ID=PATH[,PATH]`)
    const paths = eq === -1 ? [] : item.slice(eq + 1).split(',')
    if (paths.length === 0 && !env.SSH_AUTH_SOCK) {
      throw new Error(
        `${id} forwards the SSH agent at SSH_AUTH_SOCK, which is not set: start an agent in an earlier ` +
          'step (and export SSH_AUTH_SOCK), or give a key or socket path as ID=PATH'
      )
    }
    for (const p of paths) {
      if (p === '' || !fs.existsSync(path.resolve(cwd, p)))
        throw new Error(`${id}: "${p}" does not exist (relative paths start at ${cwd})`)
    }
    return item
  })
}

const REMOTE_SOURCE = /^(docker-image|oci-layout|https?|git|ssh):\/\/|^git@|^github\.com\/|^target:/

/** `name=source`, where source is a directory, a URL, docker-image://REF or oci-layout://PATH. */
export function parseBuildContexts(value: string, cwd: string): string[] {
  return parseList(value, false).map(item => {
    const eq = item.indexOf('=')
    const name = eq === -1 ? '' : item.slice(0, eq).trim()
    const source = eq === -1 ? '' : item.slice(eq + 1).trim()
    if (name === '' || /\s/.test(name) || source === '')
      throw new Error(`"${item}" is not NAME=SOURCE (e.g. base=docker-image://alpine:3.20 or src=./dir)`)
    if (source.startsWith('docker-image://')) imageReference(source.slice('docker-image://'.length))
    else if (!REMOTE_SOURCE.test(source)) {
      if (!fs.statSync(path.resolve(cwd, source), { throwIfNoEntry: false })?.isDirectory())
        throw new Error(`${name}: "${source}" is not a directory (relative paths start at ${cwd})`)
    }
    return `${name}=${source}`
  })
}

/**
 * The secret a Git context on the GitHub server authenticates with: buildx reads a secret named
 * GIT_AUTH_TOKEN.<host> when it fetches a Git URL of that host. Only added when the context or a named
 * context is such a URL, and `secrets` does not already give one.
 */
export function gitAuthSecret(options: {
  token: string
  serverUrl: string
  sources: readonly string[]
  secrets: readonly SecretValue[]
}): SecretValue | undefined {
  if (options.token === '') return undefined
  let host: string
  try {
    host = new URL(options.serverUrl || 'https://github.com').host
  } catch {
    return undefined
  }
  const id = `GIT_AUTH_TOKEN.${host}`
  if (options.secrets.some(s => s.id === id || s.id === 'GIT_AUTH_TOKEN')) return undefined
  const onServer = options.sources.some(source =>
    [`https://${host}/`, `http://${host}/`, `git@${host}:`, `ssh://git@${host}/`, `${host}/`].some(prefix =>
      source.startsWith(prefix)
    )
  )
  return onServer ? { id, value: options.token } : undefined
}

/** The build-push-action inputs, as fields of the build's input table (inputs.ts). */
export const BUILD_OPTION_FIELDS = {
  secrets: secret(
    field([] as SecretValue[], (value, { warn }) => parseSecrets(value, warn)),
    secretValues
  ),
  'secret-files': field([] as SecretFile[], (value, { cwd, warn }) => parseSecretFiles(value, cwd, warn)),
  'secret-envs': field([] as SecretEnv[], (value, { env, warn }) => parseSecretEnvs(value, env, warn)),
  'github-token': secret(text),
  ssh: field([] as string[], (value, { cwd, env }) => parseSsh(value, cwd, env)),
  'build-contexts': field([] as string[], (value, { cwd }) => parseBuildContexts(value, cwd)),
  annotations: field([] as string[], parseAnnotations),
  sbom: field('', value => parseAttestValue(value, 'sbom')),
  attests: field([] as string[], parseAttests),
  outputs: field([] as string[], parseOutputs),
  load: bool(false),
  'add-hosts': field([] as string[], parseAddHosts),
  'shm-size': field('', parseShmSize),
  ulimit: field([] as string[], parseUlimits),
  'cgroup-parent': field('', parseCgroupParent),
  allow: field([] as string[], parseAllow),
  'no-cache-filters': field([] as string[], value => parseStageNames(value, true)),
  call: field('', parseCall)
}

/**
 * The build options of a table's values (see BuildOptionSettings). A Git context on the GitHub server
 * (`context`, or a named context) gets github-token as its secret.
 */
export function buildOptionSettings(
  values: Typed<typeof BUILD_OPTION_FIELDS>,
  where: { context: string; serverUrl: string }
): BuildOptionSettings {
  const { githubToken, ...options } = values
  const token = gitAuthSecret({
    token: githubToken,
    serverUrl: where.serverUrl,
    sources: [where.context, ...options.buildContexts.map(c => c.slice(c.indexOf('=') + 1))],
    secrets: options.secrets
  })
  return { ...options, secrets: token ? [...options.secrets, token] : options.secrets }
}

/** Log lines for the options that are set; secrets by id only, outputs and attests by type only. */
export function describeBuildOptions(o: BuildOptionSettings): [string, string][] {
  const lines: [string, string | false][] = [
    ['secrets', o.secrets.map(s => s.id).join(', ')],
    ['secret-files', o.secretFiles.map(s => s.id).join(', ')],
    ['secret-envs', o.secretEnvs.map(s => `${s.id} (${s.env})`).join(', ')],
    ['ssh', o.ssh.map(s => s.split('=')[0] ?? '').join(', ')],
    ['build-contexts', o.buildContexts.map(c => c.slice(0, c.indexOf('='))).join(', ')],
    ['annotations', o.annotations.length > 0 && `${o.annotations.length}`],
    ['sbom', o.sbom],
    ['attests', o.attests.map(attestType).join(', ')],
    ['outputs', o.outputs.map(outputType).join(', ')],
    ['load', o.load && 'true'],
    ['add-hosts', o.addHosts.join(', ')],
    ['shm-size', o.shmSize],
    ['ulimit', o.ulimit.join(', ')],
    ['cgroup-parent', o.cgroupParent],
    ['allow', o.allow.join(', ')],
    ['no-cache-filters', o.noCacheFilters.join(', ')],
    ['call', o.call]
  ]
  return lines.flatMap(([name, value]) => (value ? [[name, value] as [string, string]] : []))
}
