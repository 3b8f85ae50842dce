/**
 * What a run sets up before any builder exists: its own directory and buildkitd.toml (its own docker
 * config: step/docker-config.ts).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { writeBuildkitdConfig, type BuildkitdConfig } from '../buildkitd/config.js'
import { registrySettings } from '../buildkitd/toml.js'
import type { Reporter } from '../core/reporter.js'
import { withEnvironment } from '../core/runner.js'
import type { Inputs } from '../inputs/inputs.js'
import type { MainDeps } from '../step/deps.js'
import * as state from './state.js'

/** This run's own directory under RUNNER_TEMP, removed by the post step. */
export function createWorkDir(deps: Pick<MainDeps, 'env' | 'tmpDir' | 'reporter'>): string {
  const base = deps.env.RUNNER_TEMP || deps.tmpDir
  fs.mkdirSync(base, { recursive: true })
  const dir = fs.mkdtempSync(path.join(base, 'multiarch-'))
  state.save(deps.reporter, 'tempDir', dir)
  return dir
}

/** Writes this run's buildkitd.toml and shows it (it holds no secrets: CAs are referenced by path). */
export async function writeConfig(
  reporter: Reporter,
  inputs: Inputs,
  work: string
): Promise<BuildkitdConfig> {
  const written = await writeBuildkitdConfig(inputs, work)
  reporter.info(written.text || '(nothing to configure: BuildKit defaults)')
  return written
}

/**
 * With builder nodes, the deps whose commands trust the registries' CAs too: buildx merges the nodes'
 * manifest lists itself and pushes the index from its own process, which reads no buildkitd.toml but
 * honours SSL_CERT_DIR (a colon-separated list, read besides the system's certificate file). Without
 * nodes, or without CAs, the deps as they are.
 */
export function withRegistryCas(
  deps: MainDeps,
  inputs: Pick<Inputs, 'nodes'>,
  config: BuildkitdConfig
): MainDeps {
  if (inputs.nodes.length === 0) return deps
  const registries = Object.hasOwn(config.table, 'registry') ? config.table.registry : undefined
  const hosts = typeof registries === 'object' && !Array.isArray(registries) ? Object.keys(registries) : []
  const dirs = new Set(
    hosts.flatMap(host => registrySettings(config.table, host).ca.map(file => path.dirname(file)))
  )
  if (dirs.size === 0) return deps
  const system = deps.env.SSL_CERT_DIR || '/etc/ssl/certs:/etc/pki/tls/certs:/system/etc/security/cacerts'
  const runner = withEnvironment(deps.runner, { SSL_CERT_DIR: [...dirs, system].join(':') })
  return { ...deps, runner }
}
