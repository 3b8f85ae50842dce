/**
 * The command line: `multiarch-build-push [COMMAND] [--flag value | --flag=value]...`. Each command takes
 * the inputs of its action.yml as flags of the same names, plus the options every command shares
 * (--json, --dotenv, --debug, --help). Parsing is pure: it returns what was asked for or throws a
 * UsageError that names the flag, before anything runs.
 */
import { parseArgs as parseArgv, type ParseArgsOptionsConfig } from 'node:util'
import type { InputSpec, OutputSpec } from '../inputs/action-spec.js'
import { inFlagWords } from './wording.js'

/** What a command offers on the command line. */
export interface CommandSpec {
  readonly name: string
  /** One line for the list of commands. */
  readonly summary: string
  /** Its action's inputs, each a flag of the same name. */
  readonly inputs: readonly InputSpec[]
  /** Inputs that take a list: the flag may be repeated, each occurrence one more item. */
  readonly lists: ReadonlySet<string>
  /** Its action's outputs (--json, --dotenv). */
  readonly outputs: readonly OutputSpec[]
  /** Lines of --help about what it leaves behind and how it exits, and an example command line. */
  readonly notes: readonly string[]
  readonly example: readonly string[]
}

export type FlagKind = 'boolean' | 'value' | 'list'

/** The options of the command line itself, beside the inputs. */
export const CLI_FLAGS: readonly { name: string; kind: FlagKind; value?: string; description: string }[] = [
  { name: 'json', kind: 'boolean', description: 'Print the outputs as one JSON object on stdout.' },
  {
    name: 'dotenv',
    kind: 'value',
    value: 'FILE',
    description:
      'Write the outputs to FILE as KEY=value lines (DIGEST, PLATFORM_DIGESTS, ...), e.g. for GitLab artifacts: reports: dotenv.'
  },
  { name: 'debug', kind: 'boolean', description: 'Also show debug messages (every command started, ...).' },
  { name: 'help', kind: 'boolean', description: 'Show this help and exit (also -h).' },
  { name: 'version', kind: 'boolean', description: 'Show the version and exit (also -V).' }
]

export interface ParsedArgs {
  /** The command's name: the one named first, or the default. */
  command: string
  /** Input values by input name, as the action would read them (lists joined with newlines). */
  inputs: Map<string, string>
  json: boolean
  /** Where to write the dotenv file; '' for none. */
  dotenv: string
  debug: boolean
  help: boolean
  version: boolean
}

/** A command line that cannot run: each problem starts with the flag it is about. */
export class UsageError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(problems.join('\n'))
    this.name = 'UsageError'
    this.problems = problems
  }
}

/** A boolean input: action.yml gives it true or false as its default. */
export function isBooleanInput(input: InputSpec): boolean {
  return input.default === 'true' || input.default === 'false'
}

export function flagKinds(command: CommandSpec): Map<string, FlagKind> {
  const kinds = new Map<string, FlagKind>()
  for (const input of command.inputs) {
    kinds.set(
      input.name,
      isBooleanInput(input) ? 'boolean' : command.lists.has(input.name) ? 'list' : 'value'
    )
  }
  for (const flag of CLI_FLAGS) kinds.set(flag.name, flag.kind)
  return kinds
}

/** A word that is a boolean flag's value when it follows the flag: `--push false`. */
const BOOLEAN = /^(true|false)$/i
/** The options of the command line itself: every other flag is an input. */
const OWN = new Set(CLI_FLAGS.map(flag => flag.name))

/**
 * Parses argv (without node and the script). The first word, when it is not a flag, names the command;
 * without one, `defaultCommand` runs. node:util's parseArgs splits the words into flags and values;
 * what it leaves to its caller (a boolean's value as the next word, repeats, lists, unknown flags) is
 * decided here, every problem reported at once.
 */
export function parseArgs(
  argv: readonly string[],
  commands: readonly CommandSpec[],
  defaultCommand: string
): ParsedArgs {
  const first = argv[0]
  const named = first !== undefined && !first.startsWith('-')
  const name = named ? first : defaultCommand
  const command = commands.find(c => c.name === name)
  if (!command) {
    const names = commands.map(c => c.name).join(', ')
    throw new UsageError([`${name}: unknown command; the commands are ${names} (see --help)`])
  }
  const kinds = flagKinds(command)
  const options: ParseArgsOptionsConfig = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' }
  }
  for (const [flag, kind] of kinds) options[flag] ??= { type: kind === 'boolean' ? 'boolean' : 'string' }
  const { tokens } = parseArgv({ args: argv.slice(named ? 1 : 0), options, strict: false, tokens: true })
  const values = new Map<string, string>()
  const problems: string[] = []

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (token === undefined || token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      problems.push(
        `${token.value}: unexpected argument; every value goes with its flag (--name value or --name=value)`
      )
      continue
    }
    /** The word right after this flag, when parseArgs left it as an argument. */
    const wordAfter = (): string | undefined => {
      const next = tokens[i + 1]
      const after = next?.kind === 'positional' && next.index === token.index + 1
      return token.value === undefined && after ? next.value : undefined
    }
    const kind = kinds.get(token.name)
    if (kind === undefined) {
      const near = closest(token.name, [...kinds.keys()])
      const hint = near ? ` (did you mean --${near}?)` : ''
      problems.push(`${token.rawName}: unknown flag${hint}; run with --help for the list`)
      // Neither the rest of a group of short flags (-abc) nor the flag's value is one more problem.
      while (tokens[i + 1]?.index === token.index) i++
      if (wordAfter() !== undefined) i++
      continue
    }
    const flag = `--${token.name}`
    let value = token.value
    if (kind === 'boolean') {
      const word = wordAfter()
      if (word !== undefined && BOOLEAN.test(word)) {
        value = word
        i++
      }
      value ??= 'true'
      if (!BOOLEAN.test(value)) {
        problems.push(`${flag}: "${value}" is not a boolean; use ${flag}, ${flag}=true or ${flag}=false`)
        continue
      }
      value = value.toLowerCase()
    } else if (value === undefined || (!token.inlineValue && value.startsWith('--'))) {
      // parseArgs takes any next word as the value; one that is a flag (or --) means the value is missing.
      problems.push(`${flag}: needs a value (${flag} VALUE or ${flag}=VALUE)`)
      continue
    }
    const before = values.get(token.name)
    if (before !== undefined && kind !== 'list') {
      problems.push(`${flag}: given more than once (only list inputs can be repeated)`)
      continue
    }
    values.set(token.name, before === undefined ? value : `${before}\n${value}`)
  }
  if (values.get('dotenv') === '') problems.push('--dotenv: needs a file name')
  if (problems.length > 0) throw new UsageError(problems)
  const option = (flag: string): boolean => values.get(flag) === 'true'
  return {
    command: command.name,
    inputs: new Map([...values].filter(([flag]) => !OWN.has(flag))),
    json: option('json'),
    dotenv: values.get('dotenv') ?? '',
    debug: option('debug'),
    help: option('help'),
    version: option('version')
  }
}

/** The known name nearest to a mistyped one (at most two edits away), for "did you mean". */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const d = editDistance(name, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * An input problem as the action reports it ("push: ..., or use cache: gha") worded for the command line
 * ("--push: ..., or use --cache gha"), so the message names the flag to fix.
 */
export function problemForFlag(problem: string, command: CommandSpec): string {
  return inFlagWords(problem, new Set(command.inputs.map(i => i.name)))
}
