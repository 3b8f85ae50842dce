/**
 * The command line's top level: parse, refuse a bad command line before anything runs (exit 2), print
 * help or version, or run the command with its progress on stderr (the terminal reporter).
 */
import { messageOf } from '../core/errors.js'
import { VERSION } from '../inputs/action-spec.js'
import { UsageError, parseArgs, problemForFlag } from './args.js'
import { commandDeps, type CommandDeps } from './session.js'
import { COMMANDS } from './commands.js'
import { captureOutput } from './console.js'
import { PROGRAM, helpText } from './help.js'

export interface CliDeps extends CommandDeps {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

export function cliDeps(): CliDeps {
  // Bound now: while a command runs, process.stdout and process.stderr are routed into its reporter.
  const stdout = process.stdout.write.bind(process.stdout)
  const stderr = process.stderr.write.bind(process.stderr)
  return {
    ...commandDeps(),
    stdout: text => {
      stdout(text)
    },
    stderr: text => {
      stderr(text)
    }
  }
}

/** Exit status of a command line that cannot run. */
export const USAGE_STATUS = 2

export async function runCli(argv: readonly string[], deps: CliDeps = cliDeps()): Promise<number> {
  const defaultCommand = COMMANDS[0]?.name ?? ''
  try {
    const args = parseArgs(argv, COMMANDS, defaultCommand)
    const command = COMMANDS.find(c => c.name === args.command)
    if (!command) throw new UsageError([`${args.command}: unknown command`])
    if (args.version) {
      deps.stdout(`${VERSION}\n`)
      return 0
    }
    if (args.help) {
      deps.stdout(helpText(command, COMMANDS, VERSION))
      return 0
    }
    command.check(args, deps)
    const capture = captureOutput({
      debug: args.debug,
      gitlab: deps.env.GITLAB_CI === 'true',
      words: message => problemForFlag(message, command),
      stdout: deps.stdout,
      stderr: deps.stderr
    })
    try {
      return await command.run(args, capture, deps)
    } catch (error) {
      capture.reporter.error(messageOf(error))
      return 1
    } finally {
      capture.restore()
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    const lines = error.problems.map(p => `${PROGRAM}: ${p}`)
    deps.stderr(`${lines.join('\n')}\nRun ${PROGRAM} --help for the flags and their values.\n`)
    return USAGE_STATUS
  }
}
