/**
 * How the run talks to a registry after the build: the way BuildKit did (HTTP or HTTPS, CAs and TLS
 * verification from the generated buildkitd.toml), with the credentials docker's config holds for it, and
 * through the job's proxy.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { registrySettings, type TomlTable } from '../buildkitd/toml.js'
import { credentialsFor, type Credentials } from '../docker/credentials.js'
import { canonicalRegistry } from '../oci/reference.js'
import { messageOf } from '../core/errors.js'
import { RegistryClient } from '../registry/client.js'
import type { ProxyFor } from '../registry/transport.js'
import type { CommandRunner } from '../core/runner.js'
import type { Reporter } from '../core/reporter.js'

export interface RegistryAccess {
  config: TomlTable
  dockerConfigDir: string
  /** The login inputs: their registry is read with them, whatever the docker config holds. */
  login?: { registry: string; username: string; password: string }
  runner: CommandRunner
  /** Where a warning about unreadable credentials goes. */
  reporter: Reporter
  /** The job's environment: NODE_EXTRA_CA_CERTS (none when not given). */
  env?: Readonly<Record<string, string | undefined>>
  /** The proxy for each registry URL. Default: HTTP(S)_PROXY/NO_PROXY, as @actions/http-client reads them. */
  proxyFor?: ProxyFor
  /** Milliseconds since the epoch (token expiry). Default: Date.now. */
  now?: () => number
  /** Time limit of each registry request, in milliseconds. Default 30 s. */
  timeoutMs?: number
}

/** A client for one registry ('127.0.0.1:5000', 'docker.io'); the caller closes it. */
export async function openRegistryClient(registry: string, access: RegistryAccess): Promise<RegistryClient> {
  const settings = registrySettings(access.config, registry)
  const credentials = await credentialsOf(registry, access)
  const extraCaFile = access.env?.NODE_EXTRA_CA_CERTS
  return RegistryClient.open({
    registry,
    transport: { plainHttp: settings.plainHttp, insecure: settings.insecure, caFiles: settings.ca },
    proxyFor: access.proxyFor ?? systemProxy,
    now: access.now ?? Date.now,
    ...(credentials ? { credentials } : {}),
    ...(extraCaFile ? { extraCaFile } : {}),
    ...(access.timeoutMs !== undefined ? { timeoutMs: access.timeoutMs } : {})
  })
}

/**
 * The credentials to read `registry` with: the login inputs for their registry, else the run's docker
 * config. A docker config that cannot be read (or a credential helper that fails) is a warning, and the
 * registry is read anonymously, as buildx goes on without it.
 */
async function credentialsOf(registry: string, access: RegistryAccess): Promise<Credentials | undefined> {
  const login = access.login
  if (login && canonicalRegistry(login.registry) === registry)
    return { username: login.username, password: login.password }
  try {
    return await credentialsFor(registry, { configDir: access.dockerConfigDir, runner: access.runner })
  } catch (error) {
    access.reporter.warning(`${messageOf(error)}. Reading ${registry} without credentials.`, {
      title: 'Docker credentials unavailable'
    })
    return undefined
  }
}

/** @actions/http-client's proxy choice, as a plain URL (its own decodes the user name and password). */
export function systemProxy(url: URL): URL | undefined {
  const proxy = getProxyUrl(url)
  return proxy === undefined ? undefined : new URL(proxy.href)
}
