/** What a run sets up before any builder exists: its own directory, buildkitd.toml, registry login. */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { writeBuildkitdConfig, type BuildkitdConfig } from '../buildkitd/config.js'
import { login } from '../docker/login.js'
import type { Inputs } from '../inputs/inputs.js'
import type { MainDeps } from './deps.js'
import * as state from './state.js'

/** This run's own directory under RUNNER_TEMP, removed by the post step. */
export function createWorkDir(deps: Pick<MainDeps, 'env' | 'tmpDir'>): string {
  const base = deps.env.RUNNER_TEMP || deps.tmpDir
  fs.mkdirSync(base, { recursive: true })
  const dir = fs.mkdtempSync(path.join(base, 'multiarch-'))
  state.save('tempDir', dir)
  return dir
}

/** Writes this run's buildkitd.toml and shows it (it holds no secrets: CAs are referenced by path). */
export async function writeConfig(inputs: Inputs, work: string): Promise<BuildkitdConfig> {
  const written = await writeBuildkitdConfig(inputs, work)
  core.info(written.text || '(nothing to configure: BuildKit defaults)')
  return written
}

/** Puts the login inputs where buildx reads credentials; the post step puts back what was there. */
export function logIn(inputs: Inputs, configDir: string): Promise<void> {
  const restore = login({ ...inputs, configDir })
  state.save('loginRestore', JSON.stringify(restore))
  core.info(`credentials for ${inputs.registry} written to ${restore.configFile}`)
  return Promise.resolve()
}
