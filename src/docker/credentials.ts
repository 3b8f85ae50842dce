/**
 * Reads registry credentials the way the docker CLI does: `credHelpers`, then `credsStore`, then the
 * `auths` section of `<DOCKER_CONFIG>/config.json`. Secrets are returned to the caller only; nothing here
 * logs them.
 */
import { configKey } from '../oci/reference.js'
import { isRecord } from '../oci/oci.js'
import type { CommandRunner } from '../core/runner.js'
import { dockerConfigFile, dockerConfigOrThrow, readDockerConfig } from './config-file.js'

/**
 * Credentials for one registry.
 *
 * `username`/`password` are sent as HTTP Basic (to the registry, or to its token endpoint). When the config
 * holds an OAuth2 refresh token instead (docker's `identitytoken`, or a credential helper answering with
 * the username `<token>`), `identityToken` carries it and `password` is empty: the registry client then
 * exchanges it at the token endpoint with `grant_type=refresh_token`, as docker does.
 */
export interface Credentials {
  username: string
  password: string
  identityToken?: string
}

/** Username a credential helper reports when Secret is an identity (refresh) token. */
const TOKEN_USERNAME = '<token>'

/**
 * Credentials for `registry` (as in ImageReference.registry) from `<configDir>/config.json`, or undefined
 * when the config has none (or does not exist). Throws when config.json is not valid JSON or a configured
 * credential helper fails for a reason other than "credentials not found", like the docker CLI.
 */
export async function credentialsFor(
  registry: string,
  options: { configDir: string; runner: CommandRunner }
): Promise<Credentials | undefined> {
  const file = dockerConfigFile(options.configDir)
  const read = readDockerConfig(file)
  if (read.status === 'missing') return undefined
  const config = dockerConfigOrThrow(read)
  const key = configKey(registry)

  const helpers = config['credHelpers']
  let helper: string | undefined
  if (isRecord(helpers) && typeof helpers[key] === 'string') {
    // An empty helper name means "use the file", even when credsStore is set.
    helper = helpers[key]
  } else if (typeof config['credsStore'] === 'string') {
    helper = config['credsStore']
  }
  if (helper) return fromHelper(helper, key, options.runner)

  const auths = config['auths']
  return isRecord(auths) ? fromAuths(auths, key, file) : undefined
}

async function fromHelper(
  helper: string,
  key: string,
  runner: CommandRunner
): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`
  const result = await runner.run(program, ['get'], { input: key, silent: true })
  if (result.exitCode !== 0) {
    const said = `${result.stdout}\n${result.stderr}`
    if (/credentials not found/i.test(said)) return undefined
    // Helpers print their error on stdout; neither stream carries the secret on failure.
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n')
    throw new Error(
      `Docker credential helper ${program} failed for ${key} (exit code ${result.exitCode})${detail ? `: ${detail}` : ''}`
    )
  }
  let answer: unknown
  try {
    answer = JSON.parse(result.stdout)
  } catch {
    // Do not echo the output: it may hold the secret.
    throw new Error(`Docker credential helper ${program} printed something that is not JSON for ${key}`)
  }
  if (!isRecord(answer))
    throw new Error(`Docker credential helper ${program} printed no JSON object for ${key}`)
  // The answer is {ServerURL, Username, Secret}.
  const username = answer['Username']
  const secret = answer['Secret']
  if (typeof secret !== 'string' || secret === '') return undefined
  const user = typeof username === 'string' ? username : ''
  if (user === TOKEN_USERNAME) return { username: '', password: '', identityToken: secret }
  return { username: user, password: secret }
}

function fromAuths(auths: Record<string, unknown>, key: string, file: string): Credentials | undefined {
  const entry = auths[key] ?? findByHostname(auths, key)
  if (!isRecord(entry)) return undefined

  let username = typeof entry['username'] === 'string' ? entry['username'] : ''
  let password = typeof entry['password'] === 'string' ? entry['password'] : ''
  const auth = entry['auth']
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon === -1)
      throw new Error(`Docker config ${file}: the "auth" value for ${key} is not base64 "user:password"`)
    username = decoded.slice(0, colon)
    password = decoded.slice(colon + 1)
  }
  const identityToken = entry['identitytoken']
  if (typeof identityToken === 'string' && identityToken !== '') {
    return { username, password: '', identityToken }
  }
  if (username === '' && password === '') return undefined
  return { username, password }
}

/** Like the docker CLI: an `auths` key matches when its host (scheme and path stripped) is the wanted one. */
function findByHostname(auths: Record<string, unknown>, key: string): unknown {
  const wanted = hostnameOf(key)
  for (const [candidate, value] of Object.entries(auths)) {
    if (hostnameOf(candidate) === wanted) return value
  }
  return undefined
}

function hostnameOf(key: string): string {
  const withoutScheme = key.replace(/^https?:\/\//i, '')
  const slash = withoutScheme.indexOf('/')
  return (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase()
}
