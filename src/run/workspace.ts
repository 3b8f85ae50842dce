/**
 * What a run sets up before any builder exists: its own directory, buildkitd.toml, and its own docker
 * config (with the registry login) that every docker and buildx command of the run uses.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { writeBuildkitdConfig, type BuildkitdConfig } from '../buildkitd/config.js'
import { registrySettings } from '../buildkitd/toml.js'
import { createRunDockerConfig, dockerConfigDir, loginToken } from '../docker/login.js'
import type { Reporter } from '../core/reporter.js'
import { withEnvironment } from '../core/runner.js'
import type { Inputs } from '../inputs/inputs.js'
import type { MainDeps } from './deps.js'
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
 * The run's own docker config directory (see docker/login.ts), with the login inputs' credentials; returns
 * the run's dependencies with a runner that gives it to every command. The post step removes it with the
 * work directory: the user's docker config is never written.
 */
export function useRunDockerConfig(deps: MainDeps, inputs: Inputs, work: string): RunDocker {
  const userDir = dockerConfigDir(deps.env)
  const login = inputs.username
    ? { registry: inputs.registry, username: inputs.username, password: inputs.password }
    : undefined
  const created = createRunDockerConfig({
    userDir,
    dir: path.join(work, 'docker-config'),
    ...(login ? { login } : {})
  })
  if (login) deps.reporter.mask(loginToken(login))
  if (created.warning) deps.reporter.warning(created.warning, { title: 'Docker config ignored' })
  const userConfig = path.join(userDir, 'config.json')
  deps.reporter.info(
    `docker and buildx use ${created.dir}: ` +
      (created.copied
        ? `a copy of ${userConfig}`
        : `a new config (${created.warning ? `${userConfig} is left out` : `there is no ${userConfig}`})`) +
      (login ? ` with the credentials for ${login.registry}` : '') +
      `; builders, plugins and contexts are those of ${userDir}`
  )
  const runner = withEnvironment(deps.runner, { DOCKER_CONFIG: created.dir })
  return { deps: { ...deps, runner }, dockerConfigDir: created.dir }
}

export interface RunDocker {
  /** The run's dependencies, with the runner that uses the run's docker config. */
  deps: MainDeps
  dockerConfigDir: string
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
