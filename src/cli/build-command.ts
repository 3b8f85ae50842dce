/**
 * The build command: the action's own run (runMain) and then its post step (runPost), in one process,
 * both speaking through the same terminal reporter: the state main saved (kept in memory) is what the
 * post step cleans up, and the outputs are what the command prints. SIGINT and SIGTERM stop the run and
 * clean up the same way.
 */
import { InputError } from '../inputs/table.js'
import type { CommandRunner, RunResult } from '../core/runner.js'
import { runMain } from '../run/main.js'
import { reportFailure } from '../run/outputs.js'
import { runPost } from '../run/cleanup.js'
import { OUTPUTS } from '../inputs/action-spec.js'
import { UsageError, problemForFlag, type CommandSpec, type ParsedArgs } from './args.js'
import type { Capture } from './console.js'
import { SIGNAL_STATUS, emitOutputs, runSession, stepDeps, type CommandDeps } from './session.js'

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

/** Runs the build command (the action's main, then its post step); returns the exit status. */
export function runBuildCommand(args: ParsedArgs, capture: Capture, deps: CommandDeps): Promise<number> {
  const { reporter } = capture
  const post = { reporter, runner: deps.runner(reporter) }
  const runner = new CancellableRunner(post.runner)
  return runSession(deps, reporter, {
    onSignal: () => {
      runner.cancel()
    },
    run: async interruption => {
      const main = runMain(stepDeps(args, capture, deps, runner)).then(
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
    }
  })
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
