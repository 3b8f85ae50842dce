/**
 * Registry login without dockerd: the credentials go straight into the docker config that buildx reads
 * (BuildKit pushes with them), so a registry behind a private CA or plain HTTP works even though dockerd
 * does not trust it. What was there before is recorded and put back by the post step.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { configKey } from '../oci/reference.js'
import {
  dockerConfigFile,
  dockerConfigOrThrow,
  readDockerConfig,
  writeDockerConfig,
  type DockerConfig
} from './config-file.js'

export { dockerConfigDir } from './config-file.js'

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

export function login(options: LoginOptions): LoginRestore {
  const token = Buffer.from(`${options.username}:${options.password}`).toString('base64')
  core.setSecret(options.password)
  core.setSecret(token)
  const configFile = dockerConfigFile(options.configDir)
  const read = readDockerConfig(configFile)
  const created = read.status === 'missing'
  const config = dockerConfigOrThrow(read)
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
  writeDockerConfig(configFile, config)
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
  const read = readDockerConfig(restore.configFile)
  if (read.status === 'missing') return
  const config: DockerConfig = dockerConfigOrThrow(read)
  config.auths = withEntry(config.auths ?? {}, restore.key, restore.auth)
  if (config.credHelpers) config.credHelpers = withEntry(config.credHelpers, restore.key, restore.helper)
  const emptied = Object.entries(config).every(
    ([k, v]) =>
      (k === 'auths' || k === 'credHelpers') && typeof v === 'object' && Object.keys(v ?? {}).length === 0
  )
  if (restore.created === true && emptied) fs.rmSync(restore.configFile)
  else writeDockerConfig(restore.configFile, config)
}
