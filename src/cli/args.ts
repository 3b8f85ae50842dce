/**
 * The command line: `multiarch-build-push [COMMAND] [--flag value | --flag=value]...`. Each command takes
 * the inputs of its action.yml as flags of the same names, plus the options every command shares
 * (--json, --dotenv, --debug, --help). Parsing is pure: it returns what was asked for or throws a
 * UsageError that names the flag, before anything runs.
 */
import type { InputSpec, OutputSpec } from '../inputs/action-spec.js'

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
  { name: 'help', kind: 'boolean', description: 'Show this help and exit.' }
]

export interface ParsedArgs {
  /** The command's name, or '' when only --help/--version was asked for without one. */
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

const BOOLEAN = /^(true|false)$/i

/**
 * Parses argv (without node and the script). The first word, when it is not a flag, names the command;
 * without one, `defaultCommand` runs.
 */
export function parseArgs(
  argv: readonly string[],
  commands: readonly CommandSpec[],
  defaultCommand: string
): ParsedArgs {
  const parsed: ParsedArgs = {
    command: defaultCommand,
    inputs: new Map(),
    json: false,
    dotenv: '',
    debug: false,
    help: false,
    version: false
  }
  let rest = [...argv]
  const first = rest[0]
  if (first !== undefined && !first.startsWith('-')) {
    if (!commands.some(c => c.name === first)) {
      throw new UsageError([
        `${first}: unknown command; the commands are ${commands.map(c => c.name).join(', ')} (see --help)`
      ])
    }
    parsed.command = first
    rest = rest.slice(1)
  }
  const command = commands.find(c => c.name === parsed.command)
  if (!command) throw new UsageError([`${parsed.command}: unknown command`])
  const kinds = flagKinds(command)
  const problems: string[] = []
  const seen = new Set<string>()

  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? ''
    if (arg === '-h') {
      parsed.help = true
      continue
    }
    if (arg === '--version' || arg === '-V') {
      parsed.version = true
      continue
    }
    if (!arg.startsWith('--') || arg === '--') {
      problems.push(
        `${arg}: unexpected argument; every value goes with its flag (--name value or --name=value)`
      )
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)
    const flag = `--${name}`
    const kind = kinds.get(name)
    if (kind === undefined) {
      const near = closest(name, [...kinds.keys()])
      problems.push(
        `${flag}: unknown flag${near ? ` (did you mean --${near}?)` : ''}; run with --help for the list`
      )
      // Its value, if it has one, is not reported as a second problem.
      if (inline === undefined && rest[i + 1] !== undefined && !rest[i + 1]?.startsWith('-')) i++
      continue
    }
    let value: string
    if (kind === 'boolean') {
      const next = rest[i + 1]
      if (inline !== undefined) value = inline
      else if (next !== undefined && BOOLEAN.test(next)) value = rest[++i] ?? ''
      else value = 'true'
      if (!BOOLEAN.test(value)) {
        problems.push(`${flag}: "${value}" is not a boolean; use ${flag}, ${flag}=true or ${flag}=false`)
        continue
      }
      value = value.toLowerCase()
    } else {
      const next = rest[i + 1]
      if (inline !== undefined) value = inline
      else if (next !== undefined && !next.startsWith('--')) value = rest[++i] ?? ''
      else {
        problems.push(`${flag}: needs a value (${flag} VALUE or ${flag}=VALUE)`)
        continue
      }
    }
    if (seen.has(name) && kind !== 'list') {
      problems.push(`${flag}: given more than once (only list inputs can be repeated)`)
      continue
    }
    seen.add(name)
    switch (name) {
      case 'json':
        parsed.json = value === 'true'
        break
      case 'debug':
        parsed.debug = value === 'true'
        break
      case 'help':
        parsed.help = value === 'true'
        break
      case 'dotenv':
        if (value === '') problems.push(`${flag}: needs a file name`)
        parsed.dotenv = value
        break
      default: {
        const before = parsed.inputs.get(name)
        parsed.inputs.set(name, before === undefined ? value : `${before}\n${value}`)
      }
    }
  }
  if (problems.length > 0) throw new UsageError(problems)
  return parsed
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
 * An input problem as the action reports it ("push: ...") worded for the command line ("--push: ..."),
 * so the message names the flag to fix.
 */
export function problemForFlag(problem: string, command: CommandSpec): string {
  const match = /^([a-z0-9-]+):/.exec(problem)
  const name = match?.[1]
  if (name !== undefined && command.inputs.some(i => i.name === name)) return `--${problem}`
  return problem
}
