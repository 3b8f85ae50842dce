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
  /** Reports something the run goes on without (an empty secret): shown as a warning, under the input's name. */
  readonly warn: (message: string) => void
  /** Where relative paths start (the job's working directory). */
  cwd: string
  /** The step's environment (secret-envs, ssh's agent, the GitHub server). */
  env: NodeJS.ProcessEnv
  /** Another input's text, default applied: for a syntax that depends on it (file on a remote context). */
  text(name: string): string
}

/**
 * One input: its parser (throws a message saying what is wrong) and the value used when it throws; for an
 * input that may carry a secret, the parts of its text to mask in every log, before anything is parsed.
 */
export interface Field<T> {
  readonly fallback: T
  parse(text: string, context: FieldContext): T
  readonly secrets?: (text: string) => string[]
}

export function field<T>(fallback: T, parse: (text: string, context: FieldContext) => T): Field<T> {
  return { fallback, parse }
}

/** The field, marked as carrying a secret: `secrets` finds it in the text (default: the whole text). */
export function secret<T>(of: Field<T>, secrets: (text: string) => string[] = value => [value]): Field<T> {
  return { ...of, secrets }
}

/** A table of fields, by input name. */
export type Fields = Readonly<Record<string, Field<unknown>>>

/** The typed values a table reads, by input name (what the cross-input rules see). */
export type Values<F extends Fields> = { readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never }

/** An input's name as the key of its typed value: `push-by-digest` -> `pushByDigest`. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S

export const camelCase = (name: string): string =>
  name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())

/** The typed values a table reads, keyed by each input's name in camelCase: what the run uses. */
export type Typed<F extends Fields> = {
  -readonly [K in keyof F & string as CamelCase<K>]: F[K] extends Field<infer T> ? T : never
}

/** The typed values of `fields` only, out of a larger table's. */
export function pick<F extends Fields>(fields: F, values: Readonly<Record<string, unknown>>): Typed<F> {
  return Object.fromEntries(
    Object.keys(fields).map(name => [camelCase(name), values[camelCase(name)]])
  ) as Typed<F>
}

/** The typed values without those of `fields`. */
export function omit<F extends Fields, V extends object>(fields: F, values: V): Omit<V, keyof Typed<F>> {
  const names = new Set(Object.keys(fields).map(camelCase))
  return Object.fromEntries(Object.entries(values).filter(([key]) => !names.has(key))) as Omit<
    V,
    keyof Typed<F>
  >
}

/** What a table read: the typed values, and the warnings of its parsers (each under its input's name). */
export interface Read<F extends Fields> {
  values: Typed<F>
  warnings: string[]
}

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
): Read<F> {
  const defaults = new Map(options.specs.map(spec => [spec.name, spec.default]))
  const text = (name: string): string => options.source(name) || (defaults.get(name) ?? '')
  const order = new Map(options.specs.map((spec, i) => [spec.name, i]))
  const rank = (name: string): number => order.get(name) ?? order.size
  const warnings: string[] = []
  const shared = { cwd: options.cwd ?? '.', env: options.env ?? {}, text }
  const problems: string[] = []
  const failed = new Set<string>()
  const values: Record<string, unknown> = {}
  const names = Object.keys(fields).sort((a, b) => rank(a) - rank(b))
  for (const name of names) {
    const spec = fields[name]
    if (!spec) continue
    const context: FieldContext = { ...shared, warn: message => warnings.push(`${name}: ${message}`) }
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
  const typed = Object.fromEntries(names.map(name => [camelCase(name), values[name]]))
  return { values: typed as Typed<F>, warnings }
}

/**
 * What to mask of a table's inputs, before anything is parsed: the parts each secret field finds in its
 * text (the runner masks line by line, so a multi-line secret comes line by line too).
 */
export function secretsOf(fields: Fields, source: InputSource): string[] {
  return Object.entries(fields).flatMap(([name, spec]) => {
    const value = source(name)
    return spec.secrets && value !== '' ? spec.secrets(value).filter(s => s.trim() !== '') : []
  })
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
