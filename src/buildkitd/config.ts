/**
 * The builder's buildkitd.toml: what the registry inputs generate, merged with the user's own file and
 * inline TOML (a key set twice with different values is an error naming both places).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  generateBuildkitdConfig,
  mergeBuildkitdConfigs,
  parseBuildkitdToml,
  renderBuildkitdConfig,
  type ConfigSource,
  type TomlTable
} from './toml.js'
import { writeCaFiles, type CaCert } from './certificates.js'
import type { RegistryHost } from './registry-name.js'
import { cacheBudgetConfig } from './gc.js'

export interface BuildkitdConfig {
  /** Path of the written buildkitd.toml, '' when there is nothing to configure. */
  file: string
  table: TomlTable
  text: string
}

/** What the configuration is made from (the registry and buildkitd-config inputs). */
export interface ConfigInputs {
  insecureRegistries: readonly RegistryHost[]
  caCerts: readonly CaCert[]
  registryMirrors: ReadonlyMap<string, readonly RegistryHost[]>
  /** Path of the user's buildkitd.toml, '' for none. */
  buildkitdConfig: string
  /** Inline TOML, '' for none. */
  buildkitdConfigInline: string
  /** The cache budget in bytes (cache-max-size); undefined for BuildKit's default. */
  cacheMaxSize?: number | undefined
}

export async function writeBuildkitdConfig(inputs: ConfigInputs, dir: string): Promise<BuildkitdConfig> {
  const caFiles = await writeCaFiles(inputs.caCerts, path.join(dir, 'certs'))
  const sources: ConfigSource[] = []
  if (inputs.buildkitdConfig) {
    const name = `buildkitd-config (${inputs.buildkitdConfig})`
    sources.push({ name, table: parseBuildkitdToml(fs.readFileSync(inputs.buildkitdConfig, 'utf8'), name) })
  }
  if (inputs.buildkitdConfigInline) {
    const name = 'buildkitd-config-inline'
    sources.push({ name, table: parseBuildkitdToml(inputs.buildkitdConfigInline, name) })
  }
  const generated = generateBuildkitdConfig({
    insecureRegistries: inputs.insecureRegistries,
    caFiles,
    mirrors: inputs.registryMirrors
  })
  sources.push({ name: 'generated from inputs', table: generated })
  sources.push({ name: 'cache-max-size', table: cacheBudgetConfig(inputs.cacheMaxSize) })
  const table = mergeBuildkitdConfigs(sources)
  const text = renderBuildkitdConfig(table)
  let file = ''
  if (text.trim() !== '') {
    file = path.join(dir, 'buildkitd.toml')
    fs.writeFileSync(file, text, { mode: 0o644 })
  }
  return { file, table, text }
}

/**
 * The registry settings alone (insecure-registries, ca-certs), as the builder's buildkitd.toml would hold
 * them: for a step that reaches registries without a builder (the merge action).
 */
export async function registriesConfig(
  inputs: Pick<ConfigInputs, 'insecureRegistries' | 'caCerts'>,
  dir: string
): Promise<TomlTable> {
  const caFiles = await writeCaFiles(inputs.caCerts, path.join(dir, 'certs'))
  return generateBuildkitdConfig({
    insecureRegistries: inputs.insecureRegistries,
    caFiles,
    mirrors: new Map()
  })
}
