/**
 * The registries a merge talks to, reached the way the build reaches them: the same insecure-registries
 * and ca-certs settings (turned into the same buildkitd.toml table the builder gets, so plain HTTP,
 * unverified HTTPS, private CAs and loopback defaults mean the same thing), the login inputs for their
 * registry and the docker config's credentials for the others. One client per registry and run.
 */
import * as path from 'node:path'
import { writeCaFiles } from '../buildkitd/certificates.js'
import { generateBuildkitdConfig, registrySettings, type TomlTable } from '../buildkitd/toml.js'
import type { CommandRunner } from '../core/runner.js'
import { credentialsFor, type Credentials } from '../docker/credentials.js'
import type { RegistryInputs } from '../inputs/registry-inputs.js'
import { RegistryClient } from '../registry/client.js'
import type { ProxyFor } from '../registry/transport.js'
import { systemProxy } from '../run/registry-access.js'

export interface RegistriesOptions {
  inputs: RegistryInputs
  /** Where the CA files of ca-certs are written. */
  workDir: string
  /** DOCKER_CONFIG: credentials of registries other than the login input's. */
  dockerConfigDir: string
  /** For credential helpers. */
  runner: CommandRunner
  /** NODE_EXTRA_CA_CERTS. */
  env: Readonly<Record<string, string | undefined>>
  /** Default: HTTP(S)_PROXY/NO_PROXY. */
  proxyFor?: ProxyFor
  /** Default: Date.now. */
  now?: () => number
  /** Time limit of each request. Default: the transport's (30 s). */
  timeoutMs?: number
}

/** A client per registry, opened on first use. */
export interface Registries {
  /** The registries' settings, as the builder's buildkitd.toml would hold them (for cosign). */
  config: TomlTable
  client(registry: string): Promise<RegistryClient>
  /** How the registry is reached, for the log (never a secret). */
  describe(registry: string): string
  close(): void
}

export async function openRegistries(options: RegistriesOptions): Promise<Registries> {
  const { inputs } = options
  const caFiles = await writeCaFiles(inputs.caCerts, path.join(options.workDir, 'certs'))
  const table: TomlTable = generateBuildkitdConfig({
    insecureRegistries: inputs.insecureRegistries,
    caFiles,
    mirrors: new Map()
  })
  const opened = new Map<string, Promise<RegistryClient>>()
  const settings = (registry: string): ReturnType<typeof registrySettings> =>
    registrySettings(table, registry)
  const credentials = async (registry: string): Promise<Credentials | undefined> =>
    inputs.username !== '' && registry === inputs.registry
      ? { username: inputs.username, password: inputs.password }
      : credentialsFor(registry, { configDir: options.dockerConfigDir, runner: options.runner })
  const open = async (registry: string): Promise<RegistryClient> => {
    const found = await credentials(registry)
    const transport = settings(registry)
    const extraCaFile = options.env['NODE_EXTRA_CA_CERTS']
    return RegistryClient.open({
      registry,
      transport: { plainHttp: transport.plainHttp, insecure: transport.insecure, caFiles: transport.ca },
      proxyFor: options.proxyFor ?? systemProxy,
      now: options.now ?? Date.now,
      ...(found ? { credentials: found } : {}),
      ...(extraCaFile ? { extraCaFile } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {})
    })
  }
  return {
    config: table,
    client: registry => {
      let client = opened.get(registry)
      if (client === undefined) {
        client = open(registry)
        opened.set(registry, client)
      }
      return client
    },
    describe: registry => {
      const s = settings(registry)
      const how = s.plainHttp ? 'plain HTTP' : s.insecure ? 'HTTPS, unverified' : 'HTTPS'
      const ca = s.ca.length > 0 ? ', private CA' : ''
      const login = inputs.username !== '' && registry === inputs.registry ? ', login inputs' : ''
      return `${registry} (${how}${ca}${login})`
    },
    close: () => {
      for (const client of opened.values()) {
        client.then(
          c => {
            c.close()
          },
          () => undefined
        )
      }
      opened.clear()
    }
  }
}
