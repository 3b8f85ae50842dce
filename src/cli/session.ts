/**
 * What every command shares around the action's own code: @actions/core talks to the GitHub runner
 * through files and environment variables; here it gets them in a private directory (GITHUB_OUTPUT,
 * GITHUB_STATE, GITHUB_STEP_SUMMARY, RUNNER_TEMP), read back afterwards and removed. The outputs the
 * action set become the command's --json and --dotenv. SIGINT and SIGTERM are turned into a promise.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { OutputSpec } from './action-spec.js'
import type { ParsedArgs } from './args.js'
import type { Capture } from './console.js'
import { formatDotenv, formatJson, parseCommandFile } from './outputs.js'

/** The exit status of a run stopped by a signal, as shells report it. */
export const SIGNAL_STATUS: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 }
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

export interface WorkflowFiles {
  dir: string
  output: string
  state: string
  summary: string
}

/**
 * Points @actions/core at files of our own, and makes sure nothing from an outer GitHub job (INPUT_*,
 * STATE_*, its command files) leaks into this run.
 */
export function workflowFiles(env: NodeJS.ProcessEnv): WorkflowFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiarch-build-push-'))
  const files = {
    dir,
    output: path.join(dir, 'output'),
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary')
  }
  for (const file of [files.output, files.state, files.summary]) fs.writeFileSync(file, '')
  for (const key of Object.keys(env)) if (/^(INPUT|STATE)_/.test(key)) Reflect.deleteProperty(env, key)
  env.GITHUB_OUTPUT = files.output
  env.GITHUB_STATE = files.state
  env.GITHUB_STEP_SUMMARY = files.summary
  env.RUNNER_TEMP = path.join(dir, 'temp')
  fs.mkdirSync(env.RUNNER_TEMP)
  // A downloaded buildx (buildx-version) is kept between runs, as the runner's tool cache keeps it.
  if (!env.RUNNER_TOOL_CACHE) {
    const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache')
    env.RUNNER_TOOL_CACHE = path.join(cache, 'multiarch-build-push', 'tools')
  }
  return files
}

/** The outputs the action set: --dotenv FILE written, --json printed, the digest shown. */
export function emitOutputs(
  files: WorkflowFiles,
  specs: readonly OutputSpec[],
  args: ParsedArgs,
  capture: Capture
): void {
  const outputs = parseCommandFile(fs.readFileSync(files.output, 'utf8'))
  if (args.dotenv) fs.writeFileSync(args.dotenv, formatDotenv(specs, outputs))
  if (args.json) capture.stdout(formatJson(specs, outputs))
  if (outputs.digest) capture.info(`done: ${outputs.digest}`)
}

export interface Interruption {
  /** Settles with the first signal received; never settles without one. */
  signalled: Promise<NodeJS.Signals>
  /** The first signal received, if any. */
  readonly signal: NodeJS.Signals | undefined
  /** Stops listening. */
  dispose(): void
}

/**
 * Listens for SIGINT and SIGTERM: the first one is announced and `onFirst` runs (stop starting
 * commands); another one only says the cleanup goes on.
 */
export function listenForSignals(
  signals: Pick<NodeJS.Process, 'on' | 'off'>,
  capture: Capture,
  onFirst: () => void
): Interruption {
  let stopped: NodeJS.Signals | undefined
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined
  const signalled = new Promise<NodeJS.Signals>(resolve => {
    onSignal = signal => {
      if (stopped) {
        capture.info(`${signal} again: still cleaning up, please wait`)
        return
      }
      stopped = signal
      capture.info(`${signal} received: stopping the run and cleaning up`)
      onFirst()
      resolve(signal)
    }
  })
  for (const signal of SIGNALS) signals.on(signal, onSignal)
  return {
    signalled,
    get signal() {
      return stopped
    },
    dispose: () => {
      for (const signal of SIGNALS) signals.off(signal, onSignal)
    }
  }
}
