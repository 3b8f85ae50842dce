/**
 * The one way the action's steps reach a registry after (or without) BuildKit: the way BuildKit does (HTTP
 * or HTTPS, CAs and TLS verification from the buildkitd.toml table: the builder's, or for the merge action
 * the same table made from the same inputs), with the login inputs for their registry and the docker
 * config's credentials for the others, through the job's proxy. One client per registry, opened on first
 * use and shared by every phase (its token serves them all); the caller closes them.
 */
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { registrySettings, type TomlTable } from '../buildkitd/toml.js'
import { messageOf } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { CommandRunner } from '../core/runner.js'
import { credentialsFor, type Credentials } from '../docker/credentials.js'
import { canonicalRegistry } from '../oci/reference.js'
import { RegistryClient } from '../registry/client.js'
import type { ProxyFor } from '../registry/transport.js'

export interface RegistriesOptions {
  /** The registries' settings, as buildkitd.toml holds them (plain HTTP, unverified, CA files). */
  config: TomlTable
  /** DOCKER_CONFIG: the credentials of registries other than the login input's. */
  dockerConfigDir: string
  /** The login inputs: their registry is read with them, whatever the docker config holds. */
  login?: { registry: string; username: string; password: string }
  /** For credential helpers. */
  runner: CommandRunner
  /** Where a warning about unreadable credentials goes. */
  reporter: Pick<Reporter, 'warning'>
  /** The job's environment: NODE_EXTRA_CA_CERTS (none when not given). */
  env?: Readonly<Record<string, string | undefined>>
  /** The proxy for each registry URL. Default: HTTP(S)_PROXY/NO_PROXY, as @actions/http-client reads them. */
  proxyFor?: ProxyFor
  /** Milliseconds since the epoch (token expiry). Default: Date.now. */
  now?: () => number
  /** Time limit of each registry request, in milliseconds. Default: the transport's (30 s). */
  timeoutMs?: number
}

/** A client per registry ('127.0.0.1:5000', 'docker.io'), opened on first use. */
export interface Registries {
  /** The registries' settings (for cosign, which reaches them with its own flags). */
  readonly config: TomlTable
  client(registry: string): Promise<RegistryClient>
  /** How the registry is reached, for the log (never a secret). */
  describe(registry: string): string
  /** Closes every client opened; a later `client` opens a new one. */
  close(): void
}

export function openRegistries(options: RegistriesOptions): Registries {
  const opened = new Map<string, Promise<RegistryClient>>()
  const loginFor = (registry: string): RegistriesOptions['login'] =>
    options.login && canonicalRegistry(options.login.registry) === registry ? options.login : undefined
  const open = async (registry: string): Promise<RegistryClient> => {
    const settings = registrySettings(options.config, registry)
    const credentials = await credentialsOf(registry, loginFor(registry), options)
    const extraCaFile = options.env?.NODE_EXTRA_CA_CERTS
    return RegistryClient.open({
      registry,
      transport: { plainHttp: settings.plainHttp, insecure: settings.insecure, caFiles: settings.ca },
      proxyFor: options.proxyFor ?? systemProxy,
      now: options.now ?? Date.now,
      ...(credentials ? { credentials } : {}),
      ...(extraCaFile ? { extraCaFile } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})
    })
  }
  return {
    config: options.config,
    client: registry => {
      let client = opened.get(registry)
      if (client === undefined) {
        client = open(registry)
        // A client that failed to open is not kept: the next phase tries again.
        const pending = client
        pending.catch(() => {
          if (opened.get(registry) === pending) opened.delete(registry)
        })
        opened.set(registry, client)
      }
      return client
    },
    describe: registry => {
      const s = registrySettings(options.config, registry)
      const how = s.plainHttp ? 'plain HTTP' : s.insecure ? 'HTTPS, unverified' : 'HTTPS'
      const ca = s.ca.length > 0 ? ', private CA' : ''
      const login = loginFor(registry) ? ', login inputs' : ''
      return `${registry} (${how}${ca}${login})`
    },
    close: () => {
      for (const client of opened.values())
        client.then(
          c => {
            c.close()
          },
          () => undefined
        )
      opened.clear()
    }
  }
}

/**
 * The credentials to read `registry` with: the login inputs for their registry, else the docker config's.
 * A docker config that cannot be read (or a credential helper that fails) is a warning, and the registry is
 * read anonymously, as buildx goes on without it.
 */
async function credentialsOf(
  registry: string,
  login: RegistriesOptions['login'],
  options: RegistriesOptions
): Promise<Credentials | undefined> {
  if (login) return { username: login.username, password: login.password }
  try {
    return await credentialsFor(registry, { configDir: options.dockerConfigDir, runner: options.runner })
  } catch (error) {
    options.reporter.warning(`${messageOf(error)}. Reading ${registry} without credentials.`, {
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
