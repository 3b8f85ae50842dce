/**
 * `--help`, generated from the commands' action.yml inputs and outputs (embedded in
 * inputs/action-spec.ts): the list of commands, then the flags and outputs of one of them.
 */
import { CLI_FLAGS, flagKinds, type CommandSpec } from './args.js'
import { DOTENV_OMITTED, dotenvKey } from './print-outputs.js'

export const PROGRAM = 'multiarch-build-push'
const WIDTH = 100
const COLUMN = 32

/** Words of `text` in lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(w => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(line)
  return lines
}

/** A flag and its description in two columns, the description wrapped under itself. */
function entry(left: string, description: string): string[] {
  const text = wrap(description, WIDTH - COLUMN)
  const head = `  ${left}`
  const out: string[] = []
  const first = text.shift() ?? ''
  if (head.length < COLUMN - 1) out.push(`${head.padEnd(COLUMN)}${first}`)
  else out.push(head, `${' '.repeat(COLUMN)}${first}`)
  for (const line of text) out.push(`${' '.repeat(COLUMN)}${line}`)
  return out
}

export function helpText(command: CommandSpec, commands: readonly CommandSpec[], version: string): string {
  const kinds = flagKinds(command)
  const lines: string[] = [
    `${PROGRAM} ${version}: ${command.summary}`,
    '',
    `Usage: ${PROGRAM} [COMMAND] [--INPUT VALUE | --INPUT=VALUE]... [--json] [--dotenv FILE]`,
    '',
    'Commands:'
  ]
  for (const c of commands)
    lines.push(...entry(c.name, `${c.summary}${c === commands[0] ? ' (the default)' : ''}`))
  lines.push(
    '',
    `${PROGRAM} COMMAND --help shows the flags of that command.`,
    '',
    `Inputs of ${command.name} (the action's inputs, same names, same values):`
  )
  for (const input of command.inputs) {
    const kind = kinds.get(input.name)
    const left =
      kind === 'boolean'
        ? `--${input.name}[=true|false]`
        : `--${input.name} ${kind === 'list' ? 'ITEM' : 'VALUE'}`
    const notes = [
      kind === 'list' ? 'Repeat the flag for more items.' : '',
      input.default !== '' ? `Default: ${input.default}` : '',
      input.required ? 'Required.' : ''
    ].filter(n => n !== '')
    lines.push(...entry(left, [input.description, ...notes].join(' ')))
  }
  lines.push('', 'Options:')
  for (const flag of CLI_FLAGS) {
    lines.push(...entry(`--${flag.name}${flag.value ? ` ${flag.value}` : ''}`, flag.description))
  }
  lines.push('', 'Outputs (--json key, dotenv key):')
  for (const output of command.outputs) {
    const key = DOTENV_OMITTED.has(output.name) ? '(JSON only)' : dotenvKey(output.name)
    lines.push(...entry(`${output.name}, ${key}`, output.description))
  }
  lines.push(
    '',
    'Progress goes to stderr; stdout carries only the --json outputs.',
    ...command.notes,
    '',
    'Example:',
    ...command.example.map(line => `  ${line}`),
    ''
  )
  return lines.join('\n')
}
