/**
 * A step's own docker config directory (see docker/login.ts): the user's config.json copied, with the login
 * inputs' credentials; every command of the step gets it. It lives in the step's work directory and goes
 * with it: the user's docker config is never written.
 */
import * as path from 'node:path'
import { createRunDockerConfig, dockerConfigDir, loginToken } from '../docker/login.js'
import { withEnvironment } from '../core/runner.js'
import { loginOf, type RegistryInputs } from '../inputs/registry-inputs.js'
import type { MainDeps } from './deps.js'

export interface RunDocker {
  /** The step's dependencies, with the runner that uses the step's docker config. */
  deps: MainDeps
  dockerConfigDir: string
}

/**
 * Creates the step's docker config in `work` and says which it is; returns the step's dependencies with a
 * runner that gives it to every command. `readers` says who reads it, for the log line.
 */
export function useRunDockerConfig(
  deps: MainDeps,
  inputs: Pick<RegistryInputs, 'registry' | 'username' | 'password'>,
  work: string,
  readers = 'docker and buildx use'
): RunDocker {
  const userDir = dockerConfigDir(deps.env)
  const login = loginOf(inputs)
  const created = createRunDockerConfig({
    userDir,
    dir: path.join(work, 'docker-config'),
    ...(login ? { login } : {})
  })
  if (login) deps.reporter.mask(loginToken(login))
  if (created.warning) deps.reporter.warning(created.warning, { title: 'Docker config ignored' })
  const userConfig = path.join(userDir, 'config.json')
  deps.reporter.info(
    `${readers} ${created.dir}: ` +
      (created.copied
        ? `a copy of ${userConfig}`
        : `a new config (${created.warning ? `${userConfig} is left out` : `there is no ${userConfig}`})`) +
      (login ? ` with the credentials for ${login.registry}` : '') +
      `; builders, plugins and contexts are those of ${userDir}`
  )
  const runner = withEnvironment(deps.runner, { DOCKER_CONFIG: created.dir })
  return { deps: { ...deps, runner }, dockerConfigDir: created.dir }
}
