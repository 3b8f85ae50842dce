/**
 * The one way this action runs external programs. Every command goes through a CommandRunner: argv
 * arrays only (never a shell string), so tags, build-args and labels stay inert whatever they contain.
 * Tests replace the runner with a fake that records calls; production uses @actions/exec (`execRunner`).
 */
import * as exec from '@actions/exec'
import { messageOf } from './errors.js'
import type { LogSink } from './reporter.js'

export interface RunOptions {
  /** Extra environment for this command, merged over the process environment. */
  env?: Record<string, string>
  /** Text written to the command's standard input. */
  input?: string
  /** Do not echo the command or stream its output to the log (it is still captured). */
  silent?: boolean
  cwd?: string
  /**
   * Receives each line of standard error as it arrives, instead of the log (the caller shows what it
   * wants); standard output still streams to the log unless silent. stderr is still captured in full.
   */
  onStderrLine?: (line: string) => void
}

export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface CommandRunner {
  /** Runs a command to completion and reports its exit code; never throws for a non-zero exit. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>
}

/** How many trailing lines of stderr an error message carries. */
const STDERR_TAIL_LINES = 25

/** A command that exited non-zero (or could not be started), with the end of what it wrote to stderr. */
export class CommandError extends Error {
  readonly command: string
  readonly args: readonly string[]
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string

  constructor(command: string, args: readonly string[], result: RunResult, what?: string) {
    const tail = result.stderr.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n')
    const head = what ?? `${command} ${args.slice(0, 2).join(' ')}`
    super(`${head} failed (exit code ${result.exitCode})${tail ? `:\n${tail}` : ''}`)
    this.name = 'CommandError'
    this.command = command
    this.args = args
    this.exitCode = result.exitCode
    this.stdout = result.stdout
    this.stderr = result.stderr
  }
}

/** Runs a command and turns a non-zero exit into a CommandError carrying stderr. */
export async function runChecked(
  runner: CommandRunner,
  command: string,
  args: readonly string[],
  options: RunOptions & { what?: string } = {}
): Promise<RunResult> {
  const { what, ...runOptions } = options
  const result = await runner.run(command, args, runOptions)
  if (result.exitCode !== 0) throw new CommandError(command, args, result, what)
  return result
}

/** A runner that gives every command `env` (under the command's own extra environment). */
export function withEnvironment(runner: CommandRunner, env: Readonly<Record<string, string>>): CommandRunner {
  return {
    run: (command, args, options = {}) =>
      runner.run(command, args, { ...options, env: { ...env, ...options.env } })
  }
}

/**
 * The production runner, on @actions/exec, logging through `log`: each command is echoed as it starts and
 * its output streamed line by line (unless silent); every process it starts is listed as a debug line. A
 * program that cannot be started reports exit code 127.
 */
export function execRunner(log: LogSink): CommandRunner {
  return {
    async run(command, args, options = {}) {
      const env = options.env ? mergedEnv(options.env) : undefined
      const line = `${command} ${args.join(' ')}`
      // Re-run with debug logging to see every process this action starts, silent ones included.
      log.debug(`spawn: ${line}`)
      if (!options.silent) log.command(line)
      const onStderrLine = options.onStderrLine
      const show = (text: string): void => {
        log.info(text)
      }
      try {
        // @actions/exec itself stays silent: what it would write to stdout goes through the log instead.
        const out = await exec.getExecOutput(command, [...args], {
          ignoreReturnCode: true,
          silent: true,
          listeners: {
            ...(options.silent ? {} : { stdline: show }),
            ...(onStderrLine ? { errline: onStderrLine } : options.silent ? {} : { errline: show })
          },
          ...(env ? { env } : {}),
          ...(options.cwd ? { cwd: options.cwd } : {}),
          ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {})
        })
        return { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr }
      } catch (error) {
        // @actions/exec throws when the program is not found or cannot be spawned.
        return { exitCode: 127, stdout: '', stderr: messageOf(error) }
      }
    }
  }
}

function mergedEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
  return { ...env, ...extra }
}
