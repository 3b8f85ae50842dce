/**
 * What every command shares around the action's own code: its dependencies, a private temporary directory
 * (RUNNER_TEMP, removed afterwards), the tool cache a downloaded buildx is kept in, the outputs the run set printed as
 * --json and written as --dotenv, and SIGINT / SIGTERM turned into a promise.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { OutputSpec } from '../inputs/action-spec.js'
import type { InputSource } from '../inputs/table.js'
import { execRunner, type CommandRunner } from '../core/runner.js'
import { defaultDeps, type MainDeps } from '../step/deps.js'
import type { ParsedArgs } from './args.js'
import type { LogSink } from '../core/reporter.js'
import type { Capture } from './console.js'
import { formatDotenv, formatJson } from './print-outputs.js'

export interface CommandDeps {
  /** The runner of the commands, logging through `log`; the post step uses it too, outside of cancellation. */
  runner(log: LogSink): CommandRunner
  /** What the process environment is (the action reads and the command line sets). */
  env: NodeJS.ProcessEnv
  /** Where relative paths in flags start. */
  cwd: string
  /** Where SIGINT / SIGTERM arrive. */
  signals: Pick<NodeJS.Process, 'on' | 'off'>
  /** Overrides for the run's dependencies (tests: binfmt directory, retry delay). */
  main?: Partial<Pick<MainDeps, 'binfmtDir' | 'retryDelayMs'>>
  /** How long to wait, after a signal and cleanup, for the run's last command to end. */
  graceMs?: number
}

/** The production dependencies. */
export function commandDeps(): CommandDeps {
  return { runner: execRunner, env: process.env, cwd: process.cwd(), signals: process }
}

/** The inputs as the action reads them: trimmed, '' when not given (action.yml's default then applies). */
export function inputSource(args: ParsedArgs): InputSource {
  return name => (args.inputs.get(name) ?? '').trim()
}

/** The action's step dependencies for a command: the flags as inputs, the terminal reporter, `runner`. */
export function stepDeps(
  args: ParsedArgs,
  capture: Capture,
  deps: CommandDeps,
  runner: CommandRunner
): MainDeps {
  return {
    ...defaultDeps({ reporter: capture.reporter, getInput: inputSource(args) }),
    ...deps.main,
    runner,
    env: deps.env,
    cwd: deps.cwd
  }
}

/**
 * Runs a command's body in its session: a temporary directory of its own, SIGINT and SIGTERM listened to
 * (`onSignal` on the first), both undone afterwards whatever happens.
 */
export async function runSession(
  deps: CommandDeps,
  log: Pick<LogSink, 'info'>,
  body: { onSignal: () => void; run: (interruption: Interruption) => Promise<number> }
): Promise<number> {
  const dir = runDirectory(deps.env)
  const interruption = listenForSignals(deps.signals, log, body.onSignal)
  try {
    return await body.run(interruption)
  } finally {
    interruption.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

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
