/**
 * The one way this action runs external programs. Every command goes through a CommandRunner: argv
 * arrays only (never a shell string), so tags, build-args and labels stay inert whatever they contain.
 * Tests replace the runner with a fake that records calls; production uses @actions/exec.
 */
import * as core from '@actions/core'
import * as exec from '@actions/exec'
import { messageOf } from './errors.js'

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

/** The production runner, on @actions/exec. A program that cannot be started reports exit code 127. */
export const execRunner: CommandRunner = {
  async run(command, args, options = {}) {
    const env = options.env ? mergedEnv(options.env) : undefined
    // Every process this action starts is listed in the debug log (re-run with debug logging to see it).
    core.debug(`spawn: ${command} ${args.join(' ')}`)
    try {
      const onStderrLine = options.onStderrLine
      // @actions/exec echoes the command only when it streams the output itself: echo it the same way.
      if (onStderrLine && !options.silent) core.info(`[command]${command} ${args.join(' ')}`)
      const out = await exec.getExecOutput(command, [...args], {
        ignoreReturnCode: true,
        silent: (options.silent ?? false) || onStderrLine !== undefined,
        ...(onStderrLine
          ? {
              listeners: {
                errline: onStderrLine,
                ...(options.silent
                  ? {}
                  : {
                      stdline: (line: string) => {
                        core.info(line)
                      }
                    })
              }
            }
          : {}),
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

function mergedEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
  return { ...env, ...extra }
}
