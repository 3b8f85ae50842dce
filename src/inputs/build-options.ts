/**
 * Reading and checking the build-push-action inputs (secrets, ssh, build-contexts, annotations, sbom,
 * attests, outputs, load, add-hosts, shm-size, ulimit, cgroup-parent, allow, no-cache-filters, call,
 * github-token), with build-push-action's names and syntax. Each parser throws a message that says what
 * is accepted; readInputs prefixes it with the input's name. A message about `secrets` never quotes the
 * entry (it may hold the secret).
 */ import * as fs from 'node:fs'
import * as path from 'node:path'
import type { BuildOptionSettings, SecretEnv, SecretFile, SecretValue } from '../buildx/build-options.js'
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

/** What readInputs lends the parsers: its input getter and its problem collector. */
export interface InputReader {
  get: (name: string) => string
  check: <T>(name: string, fallback: T, parse: () => T) => T
  bool: (name: string) => boolean
  cwd: string
  env: NodeJS.ProcessEnv
}

const SECRET_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** `id=value` entries; the message for a bad one gives its position, never its text. */
export function parseSecrets(value: string): SecretValue[] {
  return parseList(value, false).map((item, i) => {
    const eq = item.indexOf('=')
    const id = eq === -1 ? '' : item.slice(0, eq).trim()
    const secret = eq === -1 ? '' : item.slice(eq + 1).replace(/\r$/, '')
    if (eq === -1 || !SECRET_ID.test(id) || secret === '') {
      throw new Error(
        `entry ${i + 1} is not ID=VALUE (an id of letters, digits, '_', '.', '-', then a non-empty value); ` +
          'put one per line, and a multi-line value in double quotes: "ID=line 1<newline>line 2"'
      )
    }
    return { id, value: secret }
  })
}

function idPairs(value: string, commas: boolean, what: string): [string, string][] {
  return parseList(value, commas).map(item => {
    const eq = item.indexOf('=')
    const id = eq === -1 ? '' : item.slice(0, eq).trim()
    const rest = eq === -1 ? '' : item.slice(eq + 1).trim()
    if (!SECRET_ID.test(id) || rest === '') throw new Error(`"${item}" is not ID=${what}; put one per line`)
    return [id, rest]
  })
}

export function parseSecretFiles(value: string, cwd: string): SecretFile[] {
  return idPairs(value, false, 'PATH').map(([id, file]) => {
    if (!fs.statSync(path.resolve(cwd, file), { throwIfNoEntry: false })?.isFile())
      throw new Error(`${id}: "${file}" is not a file (relative paths start at ${cwd})`)
    return { id, path: file }
  })
}

export function parseSecretEnvs(value: string, env: NodeJS.ProcessEnv): SecretEnv[] {
  return idPairs(value, true, 'ENV_VARIABLE').map(([id, name]) => {
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

/** Reads every build-push-action input (see BuildOptionSettings); problems go to `reader.check`. */
export function readBuildOptions(reader: InputReader, context: string): BuildOptionSettings {
  const { get, check, cwd, env } = reader
  const list = <T>(name: string, parse: (value: string) => T[]): T[] =>
    check(name, [], () => parse(get(name)))
  const one = (name: string, parse: (value: string) => string): string =>
    check(name, '', () => parse(get(name)))
  const secrets = list('secrets', parseSecrets)
  const buildContexts = list('build-contexts', v => parseBuildContexts(v, cwd))
  const token = gitAuthSecret({
    token: get('github-token'),
    serverUrl: env.GITHUB_SERVER_URL ?? '',
    sources: [context, ...buildContexts.map(c => c.slice(c.indexOf('=') + 1))],
    secrets
  })
  return {
    secrets: token ? [...secrets, token] : secrets,
    secretFiles: list('secret-files', v => parseSecretFiles(v, cwd)),
    secretEnvs: list('secret-envs', v => parseSecretEnvs(v, env)),
    ssh: list('ssh', v => parseSsh(v, cwd, env)),
    buildContexts,
    annotations: list('annotations', parseAnnotations),
    sbom: one('sbom', v => parseAttestValue(v, 'sbom')),
    attests: list('attests', parseAttests),
    outputs: list('outputs', parseOutputs),
    load: reader.bool('load'),
    addHosts: list('add-hosts', parseAddHosts),
    shmSize: one('shm-size', parseShmSize),
    ulimits: list('ulimit', parseUlimits),
    cgroupParent: one('cgroup-parent', parseCgroupParent),
    allow: list('allow', parseAllow),
    noCacheFilters: list('no-cache-filters', v => parseStageNames(v, true)),
    call: one('call', parseCall)
  }
}

/** Log lines for the options that are set; secrets by id only, outputs and attests by type only. */
export function describeBuildOptions(o: BuildOptionSettings): [string, string][] {
  const typeOf = (entry: string): string => /(?:^|,)type=([^,]*)/.exec(entry)?.[1] ?? 'local'
  const lines: [string, string | false][] = [
    ['secrets', o.secrets.map(s => s.id).join(', ')],
    ['secret-files', o.secretFiles.map(s => s.id).join(', ')],
    ['secret-envs', o.secretEnvs.map(s => `${s.id} (${s.env})`).join(', ')],
    ['ssh', o.ssh.map(s => s.split('=')[0] ?? '').join(', ')],
    ['build-contexts', o.buildContexts.map(c => c.slice(0, c.indexOf('='))).join(', ')],
    ['annotations', o.annotations.length > 0 && `${o.annotations.length}`],
    ['sbom', o.sbom],
    ['attests', o.attests.map(a => typeOf(a)).join(', ')],
    ['outputs', o.outputs.map(typeOf).join(', ')],
    ['load', o.load && 'true'],
    ['add-hosts', o.addHosts.join(', ')],
    ['shm-size', o.shmSize],
    ['ulimit', o.ulimits.join(', ')],
    ['cgroup-parent', o.cgroupParent],
    ['allow', o.allow.join(', ')],
    ['no-cache-filters', o.noCacheFilters.join(', ')],
    ['call', o.call]
  ]
  return lines.flatMap(([name, value]) => (value ? [[name, value] as [string, string]] : []))
}
