// @ts-check
/**
 * src/cli/action-spec.ts, generated from action.yml: the inputs and outputs the command line offers as
 * flags and prints, embedded in the bundle so `--help` and flag checking need no action.yml at run time.
 *
 *   node scripts/action-spec.js           rewrite src/cli/action-spec.ts (part of npm run docs)
 *   node scripts/action-spec.js --check   exit 1 when it differs from action.yml
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parseAction } from './docs.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SPEC_FILE = path.join(ROOT, 'src/cli/action-spec.ts')

/**
 * The TypeScript module for an action.yml and package version, formatted as Prettier prints it.
 * @param {string} actionYaml
 * @param {string} version
 * @returns {Promise<string>}
 */
export async function renderSpec(actionYaml, version) {
  const action = parseAction(actionYaml)
  const inputs = Object.entries(action.inputs ?? {}).map(([name, spec]) => ({
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
    `export const INPUTS: readonly InputSpec[] = ${JSON.stringify(inputs)}`,
    '',
    `export const OUTPUTS: readonly OutputSpec[] = ${JSON.stringify(outputs)}`,
    ''
  ].join('\n')
  const options = (await prettier.resolveConfig(SPEC_FILE)) ?? {}
  return prettier.format(text, { ...options, parser: 'typescript' })
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
  const expected = await expectedSpec()
  const current = fs.existsSync(SPEC_FILE) ? fs.readFileSync(SPEC_FILE, 'utf8') : ''
  if (argv.includes('--check')) {
    if (current !== expected) {
      process.stderr.write('src/cli/action-spec.ts differs from action.yml; run npm run docs\n')
      process.exitCode = 1
    } else {
      process.stdout.write('src/cli/action-spec.ts matches action.yml\n')
    }
    return
  }
  if (current === expected) {
    process.stdout.write('src/cli/action-spec.ts already matches action.yml\n')
  } else {
    fs.writeFileSync(SPEC_FILE, expected)
    process.stdout.write('src/cli/action-spec.ts updated from action.yml\n')
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2))
}
