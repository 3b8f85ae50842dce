/**
 * What every command shares around the action's own code: a private temporary directory (RUNNER_TEMP,
 * removed afterwards), the tool cache a downloaded buildx is kept in, the outputs the run set printed as
 * --json and written as --dotenv, and SIGINT / SIGTERM turned into a promise.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { OutputSpec } from '../inputs/action-spec.js'
import type { ParsedArgs } from './args.js'
import type { LogSink } from '../core/reporter.js'
import type { Capture } from './console.js'
import { formatDotenv, formatJson } from './outputs.js'

/** The exit status of a run stopped by a signal, as shells report it. */
export const SIGNAL_STATUS: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 }
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/**
 * Gives the run a temporary directory of its own (RUNNER_TEMP) and returns it; the caller removes it. A
 * downloaded buildx (buildx-version) is kept between runs, as the runner's tool cache keeps it.
 */
export function runDirectory(env: NodeJS.ProcessEnv): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiarch-build-push-'))
  env.RUNNER_TEMP = dir
  if (!env.RUNNER_TOOL_CACHE) {
    const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache')
    env.RUNNER_TOOL_CACHE = path.join(cache, 'multiarch-build-push', 'tools')
  }
  return dir
}

/** The outputs the run set: --dotenv FILE written, --json printed, the digest shown. */
export function emitOutputs(specs: readonly OutputSpec[], args: ParsedArgs, capture: Capture): void {
  const outputs = Object.fromEntries(capture.reporter.outputs)
  if (args.dotenv) fs.writeFileSync(args.dotenv, formatDotenv(specs, outputs))
  if (args.json) capture.stdout(formatJson(specs, outputs))
  if (outputs.digest) capture.reporter.info(`done: ${outputs.digest}`)
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
  log: Pick<LogSink, 'info'>,
  onFirst: () => void
): Interruption {
  let stopped: NodeJS.Signals | undefined
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined
  const signalled = new Promise<NodeJS.Signals>(resolve => {
    onSignal = signal => {
      if (stopped) {
        log.info(`${signal} again: still cleaning up, please wait`)
        return
      }
      stopped = signal
      log.info(`${signal} received: stopping the run and cleaning up`)
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
