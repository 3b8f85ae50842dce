/**
 * Registry login without dockerd, and without touching the user's docker config: every docker and buildx
 * command of a run gets its own DOCKER_CONFIG directory (in the run's work directory) holding a copy of
 * the user's config.json plus this run's login entry. Everything else of the user's directory
 * (`buildx` with the builder instances, `cli-plugins`, `contexts`, TLS files) is linked, so builders,
 * plugins and contexts are the same. Two runs on one runner never see (or remove) each other's
 * credentials; the post step removes the run's directory with its work directory.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { configKey } from '../oci/reference.js'
import { dockerConfigFile, readDockerConfig, writeDockerConfig, type DockerConfig } from './config-file.js'

export { dockerConfigDir } from './config-file.js'

export interface LoginOptions {
  registry: string
  username: string
  password: string
}

/** The `auth` value of a login entry (base64 of `username:password`): as secret as the password. */
export function loginToken(options: LoginOptions): string {
  return Buffer.from(`${options.username}:${options.password}`).toString('base64')
}

/** `config` with the login entry for `registry` (buildx reads it for the push and the pulls). */
export function withLogin(config: DockerConfig, options: LoginOptions): DockerConfig {
  const token = loginToken(options)
  const key = configKey(options.registry)
  const out: DockerConfig = { ...config, auths: { ...config.auths, [key]: { auth: token } } }
  // A credential store would shadow the file entry; an empty helper makes the CLI read the file for this host.
  if (config.credsStore || config.credHelpers?.[key] !== undefined)
    out.credHelpers = { ...config.credHelpers, [key]: '' }
  return out
}

export interface RunDockerConfigOptions {
  /** The user's docker config directory ($DOCKER_CONFIG or ~/.docker). */
  userDir: string
  /** The directory to create (inside the run's work directory; it must not exist yet). */
  dir: string
  login?: LoginOptions
}

export interface RunDockerConfig {
  dir: string
  /** Whether the user's config.json was there (and read): the run's config starts from it. */
  copied: boolean
  /** Set when the user's config.json could not be read: it is left out, as buildx leaves it out. */
  warning?: string
}

/** Creates the run's docker config directory (see the module comment). */
export function createRunDockerConfig(options: RunDockerConfigOptions): RunDockerConfig {
  const { userDir, dir } = options
  fs.mkdirSync(dir, { mode: 0o700 })
  const read = readDockerConfig(dockerConfigFile(userDir))
  const warning =
    read.status === 'invalid'
      ? `${read.problem}. buildx ignores it with a warning; this run goes on without its settings` +
        (options.login ? ` (with the login inputs for ${options.login.registry})` : '')
      : undefined
  const base: DockerConfig = read.status === 'found' ? read.config : {}
  writeDockerConfig(dockerConfigFile(dir), options.login ? withLogin(base, options.login) : base)
  // buildx creates its directory on first use; it must be the user's, shared by every run.
  fs.mkdirSync(path.join(userDir, 'buildx'), { recursive: true })
  for (const entry of fs.readdirSync(userDir)) {
    if (entry === 'config.json' || entry.startsWith('config.json.')) continue
    fs.symlinkSync(path.join(userDir, entry), path.join(dir, entry))
  }
  const copied = read.status === 'found'
  return warning === undefined ? { dir, copied } : { dir, copied, warning }
}
