// @ts-check
/**
 * README.md's inputs and outputs tables, generated from action.yml (the source of truth), and those of
 * the sub-actions (merge/action.yml: the `merge-inputs` / `merge-outputs` markers).
 *
 *   node scripts/docs.js           rewrite the tables in README.md (npm run docs)
 *   node scripts/docs.js --check   exit 1 when README.md's tables differ from action.yml
 *
 * The tables sit between `<!-- inputs:start -->` / `<!-- inputs:end -->` and `<!-- outputs:start -->` /
 * `<!-- outputs:end -->`. Everything here except `main` is pure, so the unit test renders exactly what this
 * script would write. Columns are padded the way Prettier pads Markdown tables, so the written README
 * passes `prettier --check` unchanged.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

/**
 * @typedef {{ description?: string, default?: string | number | boolean, required?: boolean | string }} ActionInput
 * @typedef {{ description?: string }} ActionOutput
 * @typedef {{ inputs?: Record<string, ActionInput>, outputs?: Record<string, ActionOutput> }} ActionMetadata
 * @typedef {'inputs' | 'outputs'} Section
 */

/** @type {readonly Section[]} */
export const SECTIONS = ['inputs', 'outputs']

/**
 * The actions whose tables README.md holds: the metadata file, and the prefix of its markers.
 * @type {readonly { file: string, prefix: string }[]}
 */
export const ACTIONS = [
  { file: 'action.yml', prefix: '' },
  { file: 'merge/action.yml', prefix: 'merge-' }
]

/**
 * @param {string} text action.yml's content
 * @returns {ActionMetadata}
 */
export function parseAction(text) {
  const parsed = /** @type {unknown} */ (parseYaml(text))
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('action.yml is not a YAML mapping')
  }
  return /** @type {ActionMetadata} */ (parsed)
}

/**
 * One table cell: whitespace (folded YAML lines) collapsed, pipes escaped so they do not end the cell.
 * @param {string} text
 */
export function cell(text) {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')
}

/**
 * Text in backticks, with a longer fence when the text itself holds a backtick.
 * @param {string} text
 */
export function code(text) {
  const fence = text.includes('`') ? '``' : '`'
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/**
 * A Markdown table as Prettier prints it: every column as wide as its widest cell (at least 3), cells
 * left-aligned and padded with spaces, a dash row under the header.
 * @param {readonly string[]} header
 * @param {readonly (readonly string[])[]} rows
 * @returns {string}
 */
export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map(r => width(r[i] ?? ''))))
  /** @param {readonly string[]} cells */
  const line = cells => `| ${widths.map((w, i) => pad(cells[i] ?? '', w)).join(' | ')} |`
  return [line(header), `| ${widths.map(w => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n')
}

/**
 * Display width as Prettier measures it for ASCII and most text: one column per code point.
 * @param {string} text
 */
function width(text) {
  return [...text].length
}

/**
 * @param {string} text
 * @param {number} w
 */
function pad(text, w) {
  return text + ' '.repeat(w - width(text))
}

/**
 * The inputs table: name, description, default, required, in action.yml's order.
 * @param {ActionMetadata} action
 */
export function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, spec]) => {
    const value = spec.default === undefined ? '' : String(spec.default)
    const required = spec.required === true || spec.required === 'true'
    return [
      code(name),
      cell(spec.description ?? ''),
      value === '' ? '' : code(value),
      required ? 'yes' : 'no'
    ]
  })
  return markdownTable(['name', 'description', 'default', 'required'], rows)
}

/**
 * The outputs table: name and description, in action.yml's order.
 * @param {ActionMetadata} action
 */
export function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(([name, spec]) => [
    code(name),
    cell(spec.description ?? '')
  ])
  return markdownTable(['name', 'description'], rows)
}

/**
 * @param {Section} section
 * @param {ActionMetadata} action
 */
export function renderSection(section, action) {
  return section === 'inputs' ? inputsTable(action) : outputsTable(action)
}

/**
 * @param {Section} section
 * @param {string} [prefix] the action's marker prefix ('' for action.yml, 'merge-' for merge/action.yml)
 */
export function markers(section, prefix = '') {
  return { start: `<!-- ${prefix}${section}:start -->`, end: `<!-- ${prefix}${section}:end -->` }
}

/**
 * What README.md holds between a section's markers, trimmed. Throws when a marker is missing or the
 * markers are out of order.
 * @param {string} readme
 * @param {Section} section
 * @param {string} [prefix]
 */
export function readSection(readme, section, prefix = '') {
  const { start, end } = markers(section, prefix)
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from === -1 || to === -1 || to < from) {
    throw new Error(
      `README.md needs the markers ${start} and ${end} (in that order) around the ${prefix}${section} table`
    )
  }
  return readme.slice(from + start.length, to).trim()
}

/**
 * README.md with both tables of an action replaced by what its metadata generates; the rest of the text
 * is unchanged.
 * @param {string} readme
 * @param {ActionMetadata} action
 * @param {string} [prefix] the action's marker prefix
 * @returns {string}
 */
export function renderReadme(readme, action, prefix = '') {
  let out = readme
  for (const section of SECTIONS) {
    readSection(out, section, prefix) // throws on missing markers
    const { start, end } = markers(section, prefix)
    const from = out.indexOf(start) + start.length
    const to = out.indexOf(end)
    out = `${out.slice(0, from)}\n\n${renderSection(section, action)}\n\n${out.slice(to)}`
  }
  return out
}

/**
 * The sections whose README text differs from what the action's metadata generates.
 * @param {string} readme
 * @param {ActionMetadata} action
 * @param {string} [prefix] the action's marker prefix
 * @returns {Section[]}
 */
export function staleSections(readme, action, prefix = '') {
  return SECTIONS.filter(section => readSection(readme, section, prefix) !== renderSection(section, action))
}

/** @param {readonly string[]} argv */
function main(argv) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const readmeFile = path.join(root, 'README.md')
  const readme = fs.readFileSync(readmeFile, 'utf8')
  const actions = ACTIONS.map(({ file, prefix }) => ({
    file,
    prefix,
    action: parseAction(fs.readFileSync(path.join(root, file), 'utf8'))
  }))
  if (argv.includes('--check')) {
    const stale = actions.flatMap(({ file, prefix, action }) =>
      staleSections(readme, action, prefix).map(section => `${file} ${section}`)
    )
    if (stale.length > 0) {
      process.stderr.write(`README.md: tables differ from ${stale.join(', ')}; run npm run docs\n`)
      process.exitCode = 1
    } else {
      process.stdout.write('README.md tables match the action metadata\n')
    }
    return
  }
  let updated = readme
  for (const { action, prefix } of actions) updated = renderReadme(updated, action, prefix)
  if (updated === readme) {
    process.stdout.write('README.md tables already match the action metadata\n')
  } else {
    fs.writeFileSync(readmeFile, updated)
    process.stdout.write('README.md tables rewritten from the action metadata\n')
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2))
}
