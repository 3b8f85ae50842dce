/**
 * What a run gets from the outside world: the reporter it speaks through, the command runner, the inputs,
 * the environment, the host and its clock. `defaultDeps()` is the one place in the engine that reads them
 * from the process (the entry gives it the reporter and the input source); tests pass their own.
 */
import * as os from 'node:os'
import type { IdTokenRequest } from '../cosign/identity.js'
import type { Reporter } from '../core/reporter.js'
import { execRunner, type CommandRunner } from '../core/runner.js'
import { sleep, type RetryOptions } from '../core/retry.js'
import { buildxFailureReason } from '../buildx/output.js'
import type { Inputs } from '../inputs/inputs.js'
import type { InputSource } from '../inputs/table.js'
import { hostArchitecture } from '../oci/platforms.js'
import { BINFMT_DIR } from '../qemu/qemu.js'
import type { NodeHost } from '../buildx/release.js'

export interface MainDeps {
  /** Log, groups, annotations, masking, outputs, state and summary: the run's only way to speak. */
  reporter: Reporter
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
  /** The job's OIDC token for an audience, from GitHub's token service (keyless signing). */
  idToken: IdTokenRequest
}

/** What only the entry knows: who reports (GitHub or a terminal) and where the inputs come from. */
export interface EntryDeps {
  reporter: Reporter
  getInput: InputSource
}

export function defaultDeps({ reporter, getInput }: EntryDeps): MainDeps {
  return {
    reporter,
    runner: execRunner(reporter),
    getInput,
    env: process.env,
    cwd: process.cwd(),
    tmpDir: os.tmpdir(),
    host: { platform: process.platform, arch: process.arch, armVersion: nodeArmVersion() },
    hostArch: hostArchitecture(process.arch),
    isRoot: process.getuid?.() === 0,
    binfmtDir: BINFMT_DIR,
    retryDelayMs: 3000,
    sleep,
    now: Date.now,
    // @actions/core (its OIDC client and HTTP stack) is loaded only when a token is asked for.
    idToken: async audience => (await import('@actions/core')).getIDToken(audience)
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
      deps.reporter.warning(message, { title: 'Retrying' })
    }
  }
}
/** The ARM version Node was built for (6 or 7), from its build configuration. */
function nodeArmVersion(): string {
  const variables = process.config.variables as unknown as Record<string, unknown>
  const value = variables.arm_version
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '7'
}
