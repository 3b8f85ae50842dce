/**
 * What a run gets from the outside world: the command runner, the inputs, the environment, the host and
 * its clock. `defaultDeps()` is the one place that reads them from the process; tests pass their own.
 */
import * as core from '@actions/core'
import * as os from 'node:os'
import { execRunner, type CommandRunner } from '../core/runner.js'
import { sleep, type RetryOptions } from '../core/retry.js'
import { buildxFailureReason } from '../buildx/output.js'
import type { InputSource, Inputs } from '../inputs/inputs.js'
import { hostArchitecture } from '../oci/platforms.js'
import { BINFMT_DIR } from '../qemu/qemu.js'
import type { NodeHost } from '../buildx/release.js'

export interface MainDeps {
  runner: CommandRunner
  getInput: InputSource
  /** The job's environment (RUNNER_TEMP, RUNNER_TOOL_CACHE, DOCKER_CONFIG, proxies, GITHUB_RUN_ID, ...). */
  env: NodeJS.ProcessEnv
  /** The job's working directory: relative paths in inputs start here. */
  cwd: string
  /** Where temporary files go when RUNNER_TEMP is not set. */
  tmpDir: string
  /** This host as Node names it (for the buildx release to download). */
  host: NodeHost
  /** This host's OCI architecture (which platforms need emulation). */
  hostArch: string
  /** Whether the action runs as root (else privileged commands go through sudo). */
  isRoot: boolean
  /** Where the kernel's binfmt_misc entries are (tests point it at a fixture directory). */
  binfmtDir: string
  /** Wait before the first retry of a transient failure (doubled each time). */
  retryDelayMs: number
  sleep: (ms: number) => Promise<void>
  /** Milliseconds since the epoch. */
  now: () => number
}

export function defaultDeps(): MainDeps {
  return {
    runner: execRunner,
    getInput: name => core.getInput(name),
    env: process.env,
    cwd: process.cwd(),
    tmpDir: os.tmpdir(),
    host: { platform: process.platform, arch: process.arch, armVersion: nodeArmVersion() },
    hostArch: hostArchitecture(process.arch),
    isRoot: process.getuid?.() === 0,
    binfmtDir: BINFMT_DIR,
    retryDelayMs: 3000,
    sleep,
    now: Date.now
  }
}

/** How a step of the run retries transient failures: `inputs.retries` times, with a warning each time. */
export function retryOptions(deps: MainDeps, inputs: Inputs, what: string): RetryOptions {
  return {
    retries: inputs.retries,
    initialDelayMs: deps.retryDelayMs,
    sleep: deps.sleep,
    classify: buildxFailureReason,
    what,
    log: message => {
      core.warning(message, { title: 'Retrying' })
    }
  }
}
/** The ARM version Node
 was built for (6 or 7), from its build configuration. */
function nodeArmVersion(): string {
  const variables = process.config.variables as unknown as Record<string, unknown>
  const value = variables.arm_version
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '7'
}
