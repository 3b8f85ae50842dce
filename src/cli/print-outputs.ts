/**
 * The action's outputs on the command line: printed as JSON, and written as a dotenv file (GitLab's
 * `artifacts: reports: dotenv`).
 */
import type { OutputSpec } from '../inputs/action-spec.js'

/** Outputs whose value is JSON text: --json prints them as JSON values, not as strings. */
export const JSON_OUTPUTS: ReadonlySet<string> = new Set(['platform-digests', 'metadata', 'smoke-results'])

/**
 * Outputs left out of the dotenv file: GitLab refuses a dotenv report over 5 KB, and buildx's metadata
 * alone can exceed it, as can the smoke test's output of several platforms. They stay in --json.
 */
export const DOTENV_OMITTED: ReadonlySet<string> = new Set(['metadata', 'smoke-results'])

/** The dotenv key of an output: `platform-digests` -> `PLATFORM_DIGESTS`. */
export function dotenvKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_')
}

/** Every declared output, in action.yml's order; one the run did not set is ''. */
function declared(specs: readonly OutputSpec[], values: Record<string, string>): [string, string][] {
  return specs.map(spec => [spec.name, values[spec.name] ?? ''])
}

/** The outputs as one JSON object (JSON-valued outputs nested as values), pretty-printed. */
export function formatJson(specs: readonly OutputSpec[], values: Record<string, string>): string {
  const out: Record<string, unknown> = {}
  for (const [name, value] of declared(specs, values)) {
    out[name] = JSON_OUTPUTS.has(name) && value !== '' ? (JSON.parse(value) as unknown) : value
  }
  return `${JSON.stringify(out, null, 2)}\n`
}

/**
 * KEY=value lines in the subset of dotenv GitLab accepts: no quotes (they would be kept as part of the
 * value), no comments, no blank lines, one line per value. JSON values are written compact, which keeps
 * them on one line without spaces.
 */
export function formatDotenv(specs: readonly OutputSpec[], values: Record<string, string>): string {
  const lines: string[] = []
  for (const [name, raw] of declared(specs, values)) {
    if (DOTENV_OMITTED.has(name)) continue
    const value = JSON_OUTPUTS.has(name) && raw !== '' ? JSON.stringify(JSON.parse(raw)) : raw
    if (/[\r\n]/.test(value)) throw new Error(`output ${name} spans several lines; dotenv cannot hold it`)
    lines.push(`${dotenvKey(name)}=${value}`)
  }
  return `${lines.join('\n')}\n`
}
