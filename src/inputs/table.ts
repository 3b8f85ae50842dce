/**
 * How the inputs are read: each action's inputs are ONE TABLE, input name -> field (a parser from the
 * input's text to a typed value, and the value used when the text is refused); then a second pass of
 * cross-input rules over the typed values. Every problem names its input and says what is accepted; all
 * of them are reported together (InputError), before any command runs.
 *
 * A rule runs only when the inputs it reads were read without a problem, so one mistake is reported once.
 */
import { messageOf } from '../core/errors.js'
import type { InputSpec } from './action-spec.js'

/** Reads one input as the runner passes it: trimmed, '' when unset. */
export type InputSource = (name: string) => string

/** All the problems found in the inputs, one line each. */
export class InputError extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Invalid input${problems.length > 1 ? 's' : ''}:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'InputError'
    this.problems = problems
  }
}

/** What a parser may look at besides its own text. */
export interface FieldContext {
  /** Where relative paths start (the job's working directory). */
  cwd: string
  /** The step's environment (secret-envs, ssh's agent, the GitHub server). */
  env: NodeJS.ProcessEnv
  /** Another input's text, default applied: for a syntax that depends on it (file on a remote context). */
  text(name: string): string
}

/** One input: its parser (throws a message saying what is wrong) and the value used when it throws. */
export interface Field<T> {
  readonly fallback: T
  parse(text: string, context: FieldContext): T
}

export function field<T>(fallback: T, parse: (text: string, context: FieldContext) => T): Field<T> {
  return { fallback, parse }
}

/** A table of fields, by input name. */
export type Fields = Readonly<Record<string, Field<unknown>>>

/** The typed values a table reads. */
export type Values<F extends Fields> = { readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never }

/** A cross-input rule: reported under `input`, run only when every input in `reads` was read cleanly. */
export interface Rule<V> {
  readonly input: string
  readonly reads: readonly (keyof V & string)[]
  /** The problem (without the input's name), or undefined when the values agree. */
  check(values: V): string | undefined
}

export interface ReadOptions {
  source: InputSource
  /** The action's inputs (the generated spec of its action.yml): their defaults, and the order problems are reported in. */
  specs: readonly InputSpec[]
  cwd?: string
  env?: NodeJS.ProcessEnv
}

/**
 * Reads every field of `fields` (defaults applied), then runs `rules`; throws an InputError listing every
 * problem of both passes.
 */
export function readTable<F extends Fields>(
  fields: F,
  rules: readonly Rule<Values<F>>[],
  options: ReadOptions
): Values<F> {
  const defaults = new Map(options.specs.map(spec => [spec.name, spec.default]))
  const text = (name: string): string => options.source(name) || (defaults.get(name) ?? '')
  const order = new Map(options.specs.map((spec, i) => [spec.name, i]))
  const rank = (name: string): number => order.get(name) ?? order.size
  const context: FieldContext = { cwd: options.cwd ?? '.', env: options.env ?? {}, text }
  const problems: string[] = []
  const failed = new Set<string>()
  const values: Record<string, unknown> = {}
  const names = Object.keys(fields).sort((a, b) => rank(a) - rank(b))
  for (const name of names) {
    const spec = fields[name]
    if (!spec) continue
    try {
      values[name] = spec.parse(text(name), context)
    } catch (error) {
      const message = messageOf(error)
      problems.push(message.startsWith(`${name}:`) ? message : `${name}: ${message}`)
      failed.add(name)
      values[name] = spec.fallback
    }
  }
  const read = values as Values<F>
  for (const rule of rules) {
    if (rule.reads.some(name => failed.has(name)) || failed.has(rule.input)) continue
    const problem = rule.check(read)
    if (problem !== undefined) problems.push(`${rule.input}: ${problem}`)
  }
  if (problems.length > 0) throw new InputError(problems)
  return read
}

/** true / false, any case. */
export const bool = (fallback: boolean): Field<boolean> =>
  field(fallback, text => {
    const value = text.toLowerCase()
    if (value === 'true') return true
    if (value === 'false') return false
    throw new Error(`"${text}" is not a boolean; use true or false`)
  })

/** The text as given. */
export const text: Field<string> = field('', value => value)
