// @ts-check
/**
 * src/cli/action-spec.ts, generated from action.yml, and src/cli/merge-spec.ts, generated from
 * merge/action.yml: the inputs and outputs the command line's commands offer as flags and print, embedded
 * in the bundle so `--help` and flag checking need no action.yml at run time.
 *
 *   node scripts/action-spec.js           rewrite both files (part of npm run docs)
 *   node scripts/action-spec.js --check   exit 1 when one differs from its action.yml
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parseAction } from './docs.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SPEC_FILE = path.join(ROOT, 'src/cli/action-spec.ts')
export const MERGE_SPEC_FILE = path.join(ROOT, 'src/cli/merge-spec.ts')

/**
 * The inputs and outputs of an action.yml as the command line lists them.
 * @param {string} actionYaml
 * @param {readonly string[]} internal inputs left out
 */
function specOf(actionYaml, internal = []) {
  const action = parseAction(actionYaml)
  const inputs = Object.entries(action.inputs ?? {})
    .filter(([name]) => !internal.includes(name))
    .map(([name, spec]) => ({
      name,
      description: (spec.description ?? '').replace(/\s+/g, ' ').trim(),
      // An expression default (github-token's `${{ github.token }}`) means nothing outside GitHub Actions.
      default: spec.default === undefined || String(spec.default).includes('${{') ? '' : String(spec.default),
      required: spec.required === true || spec.required === 'true'
    }))
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
 * The TypeScript module for an action.yml and package version, formatted as Prettier prints it.
 * @param {string} actionYaml
 * @param {string} version
 * @returns {Promise<string>}
 */
export async function renderSpec(actionYaml, version) {
  const { inputs, outputs } = specOf(actionYaml)
  const text = [
    '// Generated from action.yml by scripts/action-spec.js (npm run docs). Do not edit.',
    '',
    'export interface InputSpec {',
    '  readonly name: string',
    '  readonly description: string',
    "  /** action.yml's default ('' when it has none). */",
    '  readonly default: string',
    '  readonly required: boolean',
    '}',
    '',
    'export interface OutputSpec {',
    '  readonly name: string',
    '  readonly description: string',
    '}',
    '',
    `export const VERSION = ${JSON.stringify(version)}`,
    '',
    table('export const INPUTS: readonly InputSpec[]', inputs),
    '',
    table('export const OUTPUTS: readonly OutputSpec[]', outputs),
    ''
  ].join('\n')
  return format(text, SPEC_FILE)
}

/**
 * The TypeScript module for merge/action.yml (its types are action-spec.ts's).
 * @param {string} actionYaml
 * @returns {Promise<string>}
 */
export async function renderMergeSpec(actionYaml) {
  const { inputs, outputs } = specOf(actionYaml)
  const text = [
    '// Generated from merge/action.yml by scripts/action-spec.js (npm run docs). Do not edit.',
    '',
    "import type { InputSpec, OutputSpec } from './action-spec.js'",
    '',
    table('export const MERGE_INPUTS: readonly InputSpec[]', inputs),
    '',
    table('export const MERGE_OUTPUTS: readonly OutputSpec[]', outputs),
    ''
  ].join('\n')
  return format(text, MERGE_SPEC_FILE)
}

/** @returns {Promise<string>} what src/cli/merge-spec.ts should hold for the repository's files */
export async function expectedMergeSpec() {
  return renderMergeSpec(fs.readFileSync(path.join(ROOT, 'merge/action.yml'), 'utf8'))
}

/** @returns {Promise<string>} what src/cli/action-spec.ts should hold for the repository's files */
export async function expectedSpec() {
  const actionYaml = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
  const pkg = /** @type {{ version: string }} */ (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  )
  return renderSpec(actionYaml, pkg.version)
}

/** @param {readonly string[]} argv */
async function main(argv) {
  const files = [
    { file: SPEC_FILE, source: 'action.yml', expected: await expectedSpec() },
    { file: MERGE_SPEC_FILE, source: 'merge/action.yml', expected: await expectedMergeSpec() }
  ]
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
