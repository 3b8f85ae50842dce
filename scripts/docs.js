// @ts-check
/**
 * The inputs and outputs tables of the documentation, generated from the action metadata (the source of
 * truth): action.yml's in README.md; the sub-actions' (merge/action.yml and plan/action.yml, under the
 * `merge-` / `plan-` markers, e.g. `<!-- merge-inputs:start -->`) in README.md too, and merge's again in
 * docs/merge.md.
 *
 *   node scripts/docs.js           rewrite the tables (npm run docs)
 *   node scripts/docs.js --check   exit 1 when a table differs from its action's metadata
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
 * The actions whose tables the documentation holds: the metadata file, the prefix of its markers, and
 * the Markdown file the tables are in.
 * @type {readonly { file: string, prefix: string, doc: string }[]}
 */
export const ACTIONS = [
  { file: 'action.yml', prefix: '', doc: 'README.md' },
  { file: 'merge/action.yml', prefix: 'merge-', doc: 'README.md' },
  { file: 'plan/action.yml', prefix: 'plan-', doc: 'README.md' },
  { file: 'merge/action.yml', prefix: 'merge-', doc: 'docs/merge.md' }
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
 * A default in its table cell: in backticks, a multi-line one (a list input's) a line each, joined by
 * `<br>` so that the table row stays one line.
 * @param {string} value
 */
export function defaultCell(value) {
  return value
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .map(code)
    .join('<br>')
}

/**
 * The inputs table: name, description, default, required, in action.yml's order.
 * @param {ActionMetadata} action
 */
export function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, spec]) => {
    const value = spec.default === undefined ? '' : String(spec.default)
    const required = spec.required === true || spec.required === 'true'
    return [code(name), cell(spec.description ?? ''), defaultCell(value), required ? 'yes' : 'no']
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
      `the document needs the markers ${start} and ${end} (in that order) around the ${prefix}${section} table`
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

/**
 * The anchor GitHub gives a heading: its text as rendered (inline code and links reduced to their text),
 * lower-cased, punctuation dropped except `-` and `_`, each space a hyphen.
 * @param {string} heading the heading's Markdown, without the leading `#`s
 */
export function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-')
}

/**
 * Markdown lines outside fenced code blocks, with their 1-based numbers.
 * @param {string} markdown
 * @returns {{ line: number, text: string }[]}
 */
function proseLines(markdown) {
  /** @type {{ line: number, text: string }[]} */
  const lines = []
  let fence = ''
  markdown.split('\n').forEach((text, i) => {
    const open = /^\s*(`{3,}|~{3,})/.exec(text)
    if (open?.[1] && (!fence || open[1].startsWith(fence))) fence = fence ? '' : open[1]
    else if (!fence) lines.push({ line: i + 1, text })
  })
  return lines
}

/**
 * The anchors a Markdown file has: one per heading (a repeated heading gets -1, -2, ...), and each
 * `<a id="...">` / `name="..."`.
 * @param {string} markdown
 * @returns {Set<string>}
 */
export function anchors(markdown) {
  const found = new Set()
  /** @type {Map<string, number>} */
  const seen = new Map()
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)
    if (heading) {
      const base = slug(heading[1] ?? '')
      const n = seen.get(base) ?? 0
      seen.set(base, n + 1)
      found.add(n === 0 ? base : `${base}-${n}`)
    }
    for (const m of text.matchAll(/<a\s[^>]*\b(?:id|name)="([^"]+)"/g)) found.add(m[1])
  }
  return found
}

/**
 * The relative links of a Markdown file (inline links and images, outside code), as path and anchor:
 * `guide.md#a` gives { path: 'guide.md', anchor: 'a' }, `#a` an empty path. Links with a scheme
 * (https:, mailto:) are left out.
 * @param {string} markdown
 * @returns {{ line: number, target: string, path: string, anchor: string }[]}
 */
export function relativeLinks(markdown) {
  const links = []
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[\s\S]*?\1/g, '')
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1] ?? ''
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const hash = target.indexOf('#')
      links.push({
        line,
        target,
        path: hash === -1 ? target : target.slice(0, hash),
        anchor: hash === -1 ? '' : decodeURIComponent(target.slice(hash + 1))
      })
    }
  }
  return links
}

/**
 * The relative links of one Markdown file that do not resolve: a missing file or directory, or an anchor
 * the target file (or this file, for `#anchor`) does not have. Paths resolve against the file's
 * directory.
 * @param {string} file the Markdown file's path, relative to root
 * @param {string} markdown its text
 * @param {(relative: string) => string | undefined} read the text of a file under root (a directory: '',
 *   missing: undefined)
 * @returns {string[]} one `file:line: target (why)` per broken link
 */
export function brokenLinks(file, markdown, read) {
  const problems = []
  for (const link of relativeLinks(markdown)) {
    const target = link.path
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), link.path))
      : file
    const text = link.path ? read(target) : markdown
    if (text === undefined || target.startsWith('..')) {
      problems.push(`${file}:${link.line}: ${link.target} (no such file)`)
    } else if (link.anchor && /\.md$/i.test(target) && !anchors(text).has(link.anchor)) {
      problems.push(`${file}:${link.line}: ${link.target} (${target} has no heading #${link.anchor})`)
    }
  }
  return problems
}

/** @param {readonly string[]} argv */
function main(argv) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const docs = [...new Set(ACTIONS.map(({ doc }) => doc))]
  let stale = 0
  for (const doc of docs) {
    const docFile = path.join(root, doc)
    const text = fs.readFileSync(docFile, 'utf8')
    const actions = ACTIONS.filter(a => a.doc === doc).map(({ file, prefix }) => ({
      file,
      prefix,
      action: parseAction(fs.readFileSync(path.join(root, file), 'utf8'))
    }))
    if (argv.includes('--check')) {
      const sections = actions.flatMap(({ file, prefix, action }) =>
        staleSections(text, action, prefix).map(section => `${file} ${section}`)
      )
      if (sections.length > 0) {
        process.stderr.write(`${doc}: tables differ from ${sections.join(', ')}; run npm run docs\n`)
        stale++
      } else {
        process.stdout.write(`${doc}: tables match the action metadata\n`)
      }
      continue
    }
    let updated = text
    for (const { action, prefix } of actions) updated = renderReadme(updated, action, prefix)
    if (updated === text) {
      process.stdout.write(`${doc}: tables already match the action metadata\n`)
    } else {
      fs.writeFileSync(docFile, updated)
      process.stdout.write(`${doc}: tables rewritten from the action metadata\n`)
    }
  }
  if (stale > 0) process.exitCode = 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2))
}
