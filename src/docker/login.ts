/**
 * Registry login without dockerd: the credentials go straight into the docker config that buildx reads
 * (BuildKit pushes with them), so a registry behind a private CA or plain HTTP works even though dockerd
 * does not trust it. What was there before is recorded and put back by the post step.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { configKey } from '../oci/reference.js'

export interface LoginOptions {
  registry: string
  username: string
  password: string
  configDir: string
}

/** What the post step needs to undo a login: the entries as they were (undefined: absent). */
export interface LoginRestore {
  configFile: string
  key: string
  auth?: unknown
  helper?: string
  /** The login created config.json: the post step removes it again when nothing else was added. */
  created?: boolean
}

type DockerConfig = Record<string, unknown> & {
  auths?: Record<string, unknown>
  credHelpers?: Record<string, string>
  credsStore?: string
}

/** The directory whose config.json the docker CLI (and buildx) read. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(os.homedir(), '.docker')
}

function readConfig(file: string): DockerConfig {
  if (!fs.existsSync(file)) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    // Not JSON.parse's message: it quotes the text around the error, which may be someone's credentials.
    throw new Error(`${file} is not valid JSON; fix or remove it`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} is not a JSON object`)
  }
  return parsed as DockerConfig
}

/**
 * Replaces config.json atomically, through a symlink to where it really lives, keeping the mode of an
 * existing file (a new one is 0600: it holds credentials).
 */
function writeConfig(file: string, config: DockerConfig): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const target = fs.existsSync(file) ? fs.realpathSync(file) : file
  const mode = fs.existsSync(target) ? fs.statSync(target).mode & 0o777 : 0o600
  const tmp = `${target}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode })
  fs.chmodSync(tmp, mode)
  fs.renameSync(tmp, target)
}

export function login(options: LoginOptions): LoginRestore {
  const token = Buffer.from(`${options.username}:${options.password}`).toString('base64')
  core.setSecret(options.password)
  core.setSecret(token)
  const configFile = path.join(options.configDir, 'config.json')
  const created = !fs.existsSync(configFile)
  const config = readConfig(configFile)
  const key = configKey(options.registry)
  const restore: LoginRestore = {
    configFile,
    key,
    auth: config.auths?.[key],
    helper: config.credHelpers?.[key],
    created
  }
  // The entry being replaced travels to the post step in the action's state: keep it out of any log.
  maskEntry(restore.auth)
  config.auths = { ...config.auths, [key]: { auth: token } }
  // A credential store would shadow the file entry; an empty helper makes the CLI read the file for this host.
  if (config.credsStore || restore.helper !== undefined)
    config.credHelpers = { ...config.credHelpers, [key]: '' }
  writeConfig(configFile, config)
  return restore
}

function maskEntry(entry: unknown): void {
  if (entry === null || typeof entry !== 'object') return
  for (const field of ['auth', 'password', 'identitytoken', 'registrytoken'] as const) {
    const value = (entry as Record<string, unknown>)[field]
    if (typeof value === 'string' && value !== '') core.setSecret(value)
  }
}

/** A copy of `record` with `key` set to `value`, or without `key` when value is undefined. */
function withEntry<T>(record: Record<string, T>, key: string, value: T | undefined): Record<string, T> {
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== key))
  return value === undefined ? rest : { ...rest, [key]: value }
}

/** Puts back the config.json entries a login replaced. */
export function logout(restore: LoginRestore): void {
  if (!fs.existsSync(restore.configFile)) return
  const config = readConfig(restore.configFile)
  config.auths = withEntry(config.auths ?? {}, restore.key, restore.auth)
  if (config.credHelpers) config.credHelpers = withEntry(config.credHelpers, restore.key, restore.helper)
  const emptied = Object.entries(config).every(
    ([k, v]) =>
      (k === 'auths' || k === 'credHelpers') && typeof v === 'object' && Object.keys(v ?? {}).length === 0
  )
  if (restore.created === true && emptied) fs.rmSync(restore.configFile)
  else writeConfig(restore.configFile, config)
}
