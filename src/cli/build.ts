/**
 * The build command: the action's own run (runMain) and then its post step (runPost), in one process,
 * both speaking through the same terminal reporter: the state main saved (kept in memory) is what the
 * post step cleans up, and the outputs are what the command prints. SIGINT and SIGTERM stop the run and
 * clean up the same way.
 */
import * as fs from 'node:fs'
import { InputError, type InputSource } from '../inputs/table.js'
import { execRunner, type CommandRunner, type RunResult } from '../core/runner.js'
import type { LogSink } from '../core/reporter.js'
import { defaultDeps, type MainDeps } from '../step/deps.js'
import { runMain } from '../run/main.js'
import { reportFailure } from '../run/outputs.js'
import { runPost } from '../run/post.js'
import { OUTPUTS } from '../inputs/action-spec.js'
import { UsageError, problemForFlag, type CommandSpec, type ParsedArgs } from './args.js'
import type { Capture } from './console.js'
import { SIGNAL_STATUS, emitOutputs, listenForSignals, runDirectory } from './session.js'

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

/** The inputs as the action reads them: trimmed, '' when not given (action.yml's default then applies). */
export function inputSource(args: ParsedArgs): InputSource {
  return name => (args.inputs.get(name) ?? '').trim()
}

/**
 * Runs `read` (an action's input reader) before anything runs; its input problems become a UsageError
 * worded with flags.
 */
export function refuseBadInputs(read: () => unknown, command: CommandSpec): void {
  try {
    read()
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.problems.map(p => problemForFlag(p, command)))
    throw error
  }
}

/**
 * A runner that, once cancelled, starts nothing more (each new command reports exit 130) and knows which
 * commands are still running.
 */
export class CancellableRunner implements CommandRunner {
  private cancelled = false
  private readonly running = new Set<readonly string[]>()
  constructor(private readonly inner: CommandRunner) {}

  cancel(): void {
    this.cancelled = true
  }

  /** The arguments of the commands still running. */
  get inFlight(): (readonly string[])[] {
    return [...this.running]
  }

  async run(
    command: string,
    args: readonly string[],
    options?: Parameters<CommandRunner['run']>[2]
  ): Promise<RunResult> {
    if (this.cancelled) return { exitCode: 130, stdout: '', stderr: 'not started: the run was interrupted' }
    const entry = [...args]
    this.running.add(entry)
    try {
      return await this.inner.run(command, args, options)
    } finally {
      this.running.delete(entry)
    }
  }
}

/** Runs the build command; returns the exit status. */
export async function runBuild(args: ParsedArgs, capture: Capture, deps: CommandDeps): Promise<number> {
  const { env } = deps
  const { reporter } = capture
  const dir = runDirectory(env)
  const post = { reporter, runner: deps.runner(reporter) }
  const runner = new CancellableRunner(post.runner)
  const interruption = listenForSignals(deps.signals, reporter, () => {
    runner.cancel()
  })
  try {
    const main = runMain({
      ...defaultDeps({ reporter, getInput: inputSource(args) }),
      ...deps.main,
      runner,
      env,
      cwd: deps.cwd
    }).then(
      () => true,
      (error: unknown) => ({ error })
    )
    const first = await Promise.race([main, interruption.signalled])
    if (typeof first === 'string') {
      const creating = runner.inFlight.some(args => args.includes('create'))
      await runPost(post)
      // Removing the builder ends a build in progress. A `buildx create` that was running may still finish
      // after that: once it has, clean up again.
      const settled = await within(main, deps.graceMs ?? 15_000)
      if (creating && settled) await runPost(post)
      return SIGNAL_STATUS[first] ?? 1
    }
    await runPost(post)
    if (interruption.signal) return SIGNAL_STATUS[interruption.signal] ?? 1
    if (typeof first === 'object') {
      // After the cleanup lines: the error (its hints, then `error: ...`) is the last thing printed.
      reportFailure(reporter, first.error)
      return 1
    }
    emitOutputs(OUTPUTS, args, capture)
    return 0
  } finally {
    interruption.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The production dependencies. */
export function commandDeps(): CommandDeps {
  return { runner: execRunner, env: process.env, cwd: process.cwd(), signals: process }
}

/** Whether a promise settles within `ms` milliseconds (the timer does not outlive it). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>(resolve => {
    timer = setTimeout(() => {
      resolve(false)
    }, ms)
  })
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
