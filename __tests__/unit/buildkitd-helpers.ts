/** Builders for the buildkitd.toml tests: registry hosts, generator options, a render-and-parse round trip. */
import { parse } from 'smol-toml'
import type { RegistryHost } from '../../src/buildkitd/registry-name.js'
import {
  renderBuildkitdConfig,
  type GeneratedConfigOptions,
  type TomlTable
} from '../../src/buildkitd/toml.js'

export const https = (host: string): RegistryHost => ({ host, http: false })
export const http = (host: string): RegistryHost => ({ host, http: true })

export function options(overrides: Partial<GeneratedConfigOptions>): GeneratedConfigOptions {
  return { insecureRegistries: [], caFiles: new Map(), mirrors: new Map(), ...overrides }
}

/** Renders with smol-toml and parses the text back, so the checks see what BuildKit will read. */
export function roundTrip(table: TomlTable): TomlTable {
  return parse(renderBuildkitdConfig(table), {})
}
