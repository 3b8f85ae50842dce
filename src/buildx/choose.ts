/**
 * Which buildx this job runs: the runner's `docker buildx` when it is recent enough, else (or when
 * `buildx-version` names a release) a release from the tool cache or downloaded (see install.ts).
 * Everything that runs buildx then goes through the chosen `BuildxCli` (see buildx-cli.ts).
 */
import { MIN_BUILDX, compareVersions, parseBuildxVersion } from './version.js'
import type { CommandRunner } from '../core/runner.js'
import { messageOf } from '../core/errors.js'
import { DOCKER_BUILDX } from './buildx-cli.js'
import { installBuildx, type BuildxSetup, type InstallLog, type RunnerDirs } from './install.js'
import {
  BuildxInstallError,
  FALLBACK_BUILDX_VERSION,
  coreVersion,
  normalizeBuildxVersion,
  releasePlatform,
  type NodeHost
} from './release.js'

export interface ChooseOptions {
  /** The `buildx-version` input as given ('' or an exact version). */
  version: string
  /** The `buildx-download-url` input ('' : GitHub releases). */
  urlTemplate?: string
  checksumUrlTemplate?: string
  /** The oldest buildx the action (with these inputs) works with. */
  minimum?: string
  /** The input that raises `minimum` above the action's own (named in messages); '' for none. */
  minimumFor?: string
  runner: CommandRunner
  /** This runner, for the release asset to download. */
  host: NodeHost
  dirs: RunnerDirs
  log: InstallLog
}

/**
 * Which buildx this job runs. An explicit `buildx-version`: that release, from the tool cache or
 * downloaded. Otherwise the runner's `docker buildx` when it is there and at least `minimum`; when it is
 * missing or older, FALLBACK_BUILDX_VERSION is installed. When the docker CLI itself is missing, that is
 * the error.
 */
export async function chooseBuildx(options: ChooseOptions): Promise<BuildxSetup> {
  const { log } = options
  const minimum = options.minimum ?? MIN_BUILDX
  const needed = options.minimumFor ? ` (${options.minimumFor} needs it)` : ''
  const requested = normalizeBuildxVersion(options.version)
  const install = (version: string): Promise<BuildxSetup> => {
    const { host } = options
    const platform = releasePlatform(host.platform, host.arch, host.armVersion)
    return installBuildx({ ...options, version, platform, log })
  }

  if (requested !== '') {
    if (compareVersions(coreVersion(requested), minimum) < 0) {
      throw new BuildxInstallError(
        `buildx-version ${requested} is too old; this action needs ${minimum} or newer${needed}.`
      )
    }
    return install(requested)
  }

  const probe = await options.runner.run('docker', ['buildx', 'version'], { silent: true })
  if (probe.exitCode === 127) {
    throw new BuildxInstallError(
      'docker is not installed on this runner (the docker CLI was not found on PATH).'
    )
  }
  const installed = probe.exitCode === 0 ? parseBuildxVersion(probe.stdout) : undefined
  if (installed && compareVersions(installed, minimum) >= 0) {
    log.info(`using the runner's docker buildx ${installed}`)
    return { cli: DOCKER_BUILDX, version: installed, source: 'installed', path: '' }
  }
  const reason = installed
    ? `docker buildx ${installed} is older than ${minimum}${needed}`
    : 'docker buildx is not installed'
  log.info(
    `${reason}: using buildx ${FALLBACK_BUILDX_VERSION} for this job (set buildx-version to choose another)`
  )
  try {
    return await install(FALLBACK_BUILDX_VERSION)
  } catch (error) {
    // The download failed: the message says why one was needed, and how to avoid it.
    throw new BuildxInstallError(
      `${reason}, so buildx ${FALLBACK_BUILDX_VERSION} was to be installed for this job, and that failed: ` +
        `${messageOf(error)} (install a newer buildx on the runner, or set buildx-version or buildx-download-url)`,
      { cause: error }
    )
  }
}
