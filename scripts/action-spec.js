// @ts-check
/**
 * src/inputs/action-spec.ts, generated from action.yml, merge/action.yml and plan/action.yml: each input's
 * name, description, default and list-ness, and the outputs, embedded in the bundle. It is the code's one
 * source for them: the inputs' defaults (readInputs, readMergeInputs, readPlanInputs), the command line's
 * flags, which flags may be repeated, and --help.
 *
 * An input is a list when its description says so, in one of two phrasings: "one ... per line" or "comma
 * or newline separated". A list input's command-line flag may be repeated.
 *
 *   node scripts/action-spec.js           rewrite the file (part of npm run docs)
 *   node scripts/action-spec.js --check   exit 1 when it differs from the action.yml files
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parseAction } from './docs.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SPEC_FILE = path.join(ROOT, 'src/inputs/action-spec.ts')

/** The phrasings that make an input a list (see the header). */
const LIST_PHRASE = /\bone [^.]*?per line\b|\bcomma or newline separated\b/i

/**
 * Whether an input's description declares it a list.
 * @param {string} description
 */
export function isList(description) {
  return LIST_PHRASE.test(description)
}

/**
 * The inputs and outputs of an action.yml as the code sees them.
 * @param {string} actionYaml
 */
function specOf(actionYaml) {
  const action = parseAction(actionYaml)
  const inputs = Object.entries(action.inputs ?? {}).map(([name, spec]) => {
    const description = (spec.description ?? '').replace(/\s+/g, ' ').trim()
    return {
      name,
      description,
      // An expression default (github-token's `${{ github.token }}`) is GitHub's to evaluate: the runner
      // passes its value; anywhere else there is none.
      default: spec.default === undefined || String(spec.default).includes('${{') ? '' : String(spec.default),
      required: spec.required === true || spec.required === 'true',
      list: isList(description)
    }
  })
  const outputs = Object.entries(action.outputs ?? {}).map(([name, spec]) => ({
    name,
    description: (spec.description ?? '').replace(/\s+/g, ' ').trim()
  }))
  return { inputs, outputs }
}

/**
 * TypeScript text formatted as Prettier prints it for `file`.
 * @param {string} text
 * @param {string} file
 */
async function format(text, file) {
  const options = (await prettier.resolveConfig(file)) ?? {}
  return prettier.format(text, { ...options, parser: 'typescript' })
}

/**
 * A generated table, one entry a line (kept so by `prettier-ignore`), so that it stays short as inputs grow.
 * @param {string} declaration
 * @param {readonly unknown[]} items
 */
function table(declaration, items) {
  return [
    '// prettier-ignore',
    `${declaration} = [`,
    ...items.map(item => `  ${JSON.stringify(item)},`),
    ']'
  ].join('\n')
}

/**
 * The TypeScript module for the three action.yml files and the package version, as Prettier prints it.
 * @param {{ action: string, merge: string, plan: string }} yamls
 * @param {string} version
 * @returns {Promise<string>}
 */
export async function renderSpec(yamls, version) {
  const build = specOf(yamls.action)
  const merge = specOf(yamls.merge)
  const plan = specOf(yamls.plan)
  const text = [
    '// Generated from action.yml, merge/action.yml and plan/action.yml by scripts/action-spec.js',
    '// (npm run docs). Do not edit.',
    '',
    'export interface InputSpec {',
    '  readonly name: string',
    '  readonly description: string',
    "  /** action.yml's default ('' when it has none, or when it is an expression GitHub evaluates). */",
    '  readonly default: string',
    '  readonly required: boolean',
    '  /** A list input (its description says "one ... per line" or "comma or newline separated"). */',
    '  readonly list: boolean',
    '}',
    '',
    'export interface OutputSpec {',
    '  readonly name: string',
    '  readonly description: string',
    '}',
    '',
    `export const VERSION = ${JSON.stringify(version)}`,
    '',
    '/** action.yml */',
    table('export const INPUTS: readonly InputSpec[]', build.inputs),
    '',
    table('export const OUTPUTS: readonly OutputSpec[]', build.outputs),
    '',
    '/** merge/action.yml */',
    table('export const MERGE_INPUTS: readonly InputSpec[]', merge.inputs),
    '',
    table('export const MERGE_OUTPUTS: readonly OutputSpec[]', merge.outputs),
    '',
    '/** plan/action.yml */',
    table('export const PLAN_INPUTS: readonly InputSpec[]', plan.inputs),
    ''
  ].join('\n')
  return format(text, SPEC_FILE)
}

/** @returns {Promise<string>} what src/inputs/action-spec.ts should hold for the repository's files */
export async function expectedSpec() {
  const read = (/** @type {string} */ file) => fs.readFileSync(path.join(ROOT, file), 'utf8')
  const pkg = /** @type {{ version: string }} */ (JSON.parse(read('package.json')))
  return renderSpec(
    { action: read('action.yml'), merge: read('merge/action.yml'), plan: read('plan/action.yml') },
    pkg.version
  )
}

/** @param {readonly string[]} argv */
async function main(argv) {
  const files = [{ file: SPEC_FILE, source: 'the action.yml files', expected: await expectedSpec() }]
  for (const { file, source, expected } of files) {
    const name = path.relative(ROOT, file)
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    if (argv.includes('--check')) {
      if (current !== expected) {
        process.stderr.write(`${name} differs from ${source}; run npm run docs\n`)
        process.exitCode = 1
      } else {
        process.stdout.write(`${name} matches ${source}\n`)
      }
    } else if (current === expected) {
      process.stdout.write(`${name} already matches ${source}\n`)
    } else {
      fs.writeFileSync(file, expected)
      process.stdout.write(`${name} updated from ${source}\n`)
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2))
}
