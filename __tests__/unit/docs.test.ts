/**
 * The documentation against the code: the inputs/outputs tables (README.md for action.yml, docs/merge.md
 * for merge/action.yml) are exactly what scripts/docs.js generates, so an input added to action.yml but
 * not documented fails here; the workflow examples of README.md and docs/*.md use only inputs, outputs
 * and secrets that exist; every relative link and anchor resolves; README.md stays short.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse as parseYaml } from 'yaml'
import {
  ACTIONS,
  SECTIONS,
  anchors,
  brokenLinks,
  cell,
  code,
  inputsTable,
  markdownTable,
  outputsTable,
  parseAction,
  readSection,
  renderReadme,
  relativeLinks,
  renderSection,
  slug,
  staleSections,
  type ActionMetadata
} from '../../scripts/docs.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const README_FILE = path.join(ROOT, 'README.md')
const readme = fs.readFileSync(README_FILE, 'utf8')
/** README.md and every docs/*.md page, by path relative to the repository. */
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter(f => f.endsWith('.md'))
    .map(f => `docs/${f}`)
]
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8')
/** All the documentation's text, for the checks that hold wherever an example sits. */
const allDocs = DOCS.map(read).join('\n')
const action = parseAction(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))

async function prettierFormat(markdown: string): Promise<string> {
  const options = (await prettier.resolveConfig(README_FILE)) ?? {}
  return prettier.format(markdown, { ...options, parser: 'markdown' })
}

describe('README tables are generated from action.yml', () => {
  it.each(SECTIONS)('the %s table matches (run `npm run docs` after changing action.yml)', section => {
    expect(readSection(readme, section)).toBe(renderSection(section, action))
  })

  it('regenerating README.md changes nothing', () => {
    expect(staleSections(readme, action)).toEqual([])
    expect(renderReadme(readme, action)).toBe(readme)
  })

  it('lists every input and output of action.yml', () => {
    const inputs = readSection(readme, 'inputs')
    for (const name of Object.keys(action.inputs ?? {})) expect(inputs).toContain(`| \`${name}\``)
    const outputs = readSection(readme, 'outputs')
    for (const name of Object.keys(action.outputs ?? {})) expect(outputs).toContain(`| \`${name}\``)
  })

  it('an input added to action.yml but not to README makes the inputs table stale', () => {
    const changed: ActionMetadata = {
      ...action,
      inputs: { ...action.inputs, 'new-input': { description: 'Added later.', required: false } }
    }
    expect(staleSections(readme, changed)).toEqual(['inputs'])
    expect(readSection(renderReadme(readme, changed), 'inputs')).toContain('`new-input`')
  })

  it('a changed default or description makes the table stale too', () => {
    const inputs = { ...action.inputs }
    inputs.platforms = { ...inputs.platforms, default: 'linux/riscv64' }
    expect(staleSections(readme, { ...action, inputs })).toEqual(['inputs'])
    const outputs = { ...action.outputs, digest: { description: 'Something else.' } }
    expect(staleSections(readme, { ...action, outputs })).toEqual(['outputs'])
  })

  it('the generated tables are already in Prettier style (npm run lint stays green)', async () => {
    for (const section of SECTIONS) {
      const table = renderSection(section, action)
      expect(await prettierFormat(`${table}\n`)).toBe(`${table}\n`)
    }
  })

  it('needs both markers', () => {
    expect(() => renderReadme('# no markers\n', action)).toThrow(/<!-- inputs:start -->/)
  })
})

describe('the tables of every action (npm run docs writes them all)', () => {
  it.each(
    ACTIONS.flatMap(({ file, prefix, doc }) => SECTIONS.map(section => [file, doc, prefix, section] as const))
  )('%s: in %s, the %s%s table matches', (file, doc, prefix, section) => {
    const metadata = parseAction(read(file))
    const text = read(doc)
    expect(readSection(text, section, prefix)).toBe(renderSection(section, metadata))
    expect(renderReadme(text, metadata, prefix)).toBe(text)
  })

  it('the sub-actions have tables with markers of their own, in the README and in docs/merge.md', () => {
    const mergeDoc = read('docs/merge.md')
    expect(readSection(mergeDoc, 'inputs', 'merge-')).toContain('| `sources`')
    expect(readSection(readme, 'inputs', 'merge-')).toContain('| `sources`')
    expect(readSection(readme, 'inputs', 'plan-')).toContain('| `runners`')
    expect(readSection(readme, 'outputs', 'plan-')).toContain('| `matrix`')
    expect(readSection(readme, 'inputs')).not.toContain('| `sources`')
    const merge = parseAction(read('merge/action.yml'))
    const changed = { ...merge, outputs: { ...merge.outputs, extra: { description: 'New.' } } }
    expect(staleSections(mergeDoc, changed, 'merge-')).toEqual(['outputs'])
    expect(staleSections(readme, changed, 'merge-')).toEqual(['outputs'])
  })
})

describe('table rendering', () => {
  it('collapses folded lines and escapes pipes', () => {
    expect(cell('one\n  two |three ')).toBe('one two \\|three')
  })

  it('puts names and defaults in backticks, with a longer fence around backticks', () => {
    expect(code('a')).toBe('`a`')
    expect(code('a`b')).toBe('``a`b``')
    expect(code('`a')).toBe('`` `a ``')
  })

  it('pads columns like Prettier', () => {
    expect(markdownTable(['n', 'long header'], [['`x`', 'y']])).toBe(
      ['| n   | long header |', '| --- | ----------- |', '| `x` | y           |'].join('\n')
    )
  })

  it('shows defaults, required flags and empty defaults', () => {
    const table = inputsTable({
      inputs: {
        a: { description: 'A.', default: 'x', required: false },
        b: { description: 'B.', required: true },
        c: { description: 'C.', default: 'true' },
        d: { description: 'D.', default: 'linux/amd64=x\nlinux/arm64=y\n' }
      }
    })
    const rows = table.split('\n').map(row => row.split('|').map(c => c.trim()))
    expect(rows[0]).toEqual(['', 'name', 'description', 'default', 'required', ''])
    expect(rows[2]).toEqual(['', '`a`', 'A.', '`x`', 'no', ''])
    expect(rows[3]).toEqual(['', '`b`', 'B.', '', 'yes', ''])
    expect(rows[4]).toEqual(['', '`c`', 'C.', '`true`', 'no', ''])
    // A multi-line default stays on its row: a line each, joined by <br>.
    expect(rows[5]).toEqual(['', '`d`', 'D.', '`linux/amd64=x`<br>`linux/arm64=y`', 'no', ''])
    expect(rows).toHaveLength(6)
    expect(outputsTable({ outputs: { d: { description: 'D.' } } }).split('\n')[2]).toBe(
      '| `d`  | D.          |'
    )
  })
})

interface ExampleStep {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}
interface ExampleJob {
  uses?: string
  with?: Record<string, unknown>
  secrets?: Record<string, unknown>
  steps?: ExampleStep[]
}
interface ExampleWorkflow {
  jobs?: Record<string, ExampleJob>
}
interface ReusableWorkflow {
  on: { workflow_call: { inputs?: Record<string, unknown>; secrets?: Record<string, unknown> } }
}

/** The ```yaml blocks of README.md and docs/*.md that are workflows (have `jobs:`). */
function exampleWorkflows(): { text: string; workflow: ExampleWorkflow }[] {
  const blocks = [...allDocs.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map(m => m[1] ?? '')
  return blocks
    .filter(text => /^jobs:/m.test(text))
    .map(text => ({ text, workflow: parseYaml(text) as ExampleWorkflow }))
}

describe('workflow examples in README.md and docs/', () => {
  const examples = exampleWorkflows()
  const reusable = parseYaml(
    fs.readFileSync(path.join(ROOT, '.github/workflows/multiarch.yml'), 'utf8')
  ) as ReusableWorkflow

  it('has the workflow examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9)
  })

  it('README.md has the quick start and the three common setups as workflows', () => {
    expect(readme.match(/^```yaml\n(?:name: [\w ]+\n\n)?on:/gm)?.length).toBeGreaterThanOrEqual(4)
  })

  it('refers to this action and its workflow as OWNER/multiarch-build-push-action only', () => {
    const references = [...allDocs.matchAll(/([\w.-]+)\/multiarch-build-push-action\b/g)].map(m => m[1])
    expect(references.length).toBeGreaterThan(0)
    expect(new Set(references)).toEqual(new Set(['OWNER']))
  })

  it('passes the action only inputs that action.yml declares', () => {
    let steps = 0
    for (const { workflow } of examples)
      for (const job of Object.values(workflow.jobs ?? {}))
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('OWNER/multiarch-build-push-action@')) continue
          steps++
          for (const name of Object.keys(step.with ?? {}))
            expect([name, name in (action.inputs ?? {})]).toEqual([name, true])
        }
    expect(steps).toBeGreaterThanOrEqual(8)
  })

  it('reads only outputs that action.yml declares', () => {
    for (const { text, workflow } of examples) {
      const ids = Object.values(workflow.jobs ?? {})
        .flatMap(job => job.steps ?? [])
        .filter(step => step.uses?.startsWith('OWNER/multiarch-build-push-action@') && step.id)
        .map(step => step.id ?? '')
      for (const id of ids)
        for (const match of text.matchAll(new RegExp(`steps\\.${id}\\.outputs\\.([\\w-]+)`, 'g'))) {
          const name = match[1] ?? ''
          expect([name, name in (action.outputs ?? {})]).toEqual([name, true])
        }
    }
  })

  it('passes the merge action only inputs that merge/action.yml declares, and reads only its outputs', () => {
    const merge = parseAction(fs.readFileSync(path.join(ROOT, 'merge/action.yml'), 'utf8'))
    let steps = 0
    for (const { text, workflow } of examples)
      for (const job of Object.values(workflow.jobs ?? {}))
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('OWNER/multiarch-build-push-action/merge@')) continue
          steps++
          for (const name of Object.keys(step.with ?? {}))
            expect([name, name in (merge.inputs ?? {})]).toEqual([name, true])
          if (!step.id) continue
          for (const match of text.matchAll(new RegExp(`steps\\.${step.id}\\.outputs\\.([\\w-]+)`, 'g'))) {
            const name = match[1] ?? ''
            expect([name, name in (merge.outputs ?? {})]).toEqual([name, true])
          }
        }
    expect(steps).toBeGreaterThanOrEqual(1)
  })

  it('calls the reusable workflow with its inputs and secrets', () => {
    const declared = reusable.on.workflow_call
    let calls = 0
    for (const { workflow } of examples)
      for (const job of Object.values(workflow.jobs ?? {})) {
        if (!job.uses?.startsWith('OWNER/multiarch-build-push-action/.github/workflows/multiarch.yml@'))
          continue
        calls++
        for (const name of Object.keys(job.with ?? {}))
          expect([name, name in (declared.inputs ?? {})]).toEqual([name, true])
        for (const name of Object.keys(job.secrets ?? {}))
          expect([name, name in (declared.secrets ?? {})]).toEqual([name, true])
      }
    expect(calls).toBeGreaterThanOrEqual(1)
  })
})

describe('README.md and docs/ text', () => {
  const troubleshooting = read('docs/troubleshooting.md')

  it.each([
    'multiple platforms feature is currently not supported for docker driver',
    'x509: certificate signed by unknown authority',
    'dial tcp: lookup <registry>: no such host',
    'http: server gave HTTP response to HTTPS client',
    'exec format error'
  ])('docs/troubleshooting.md has a section for `%s`, and README.md links to it', message => {
    expect(troubleshooting).toContain(`## \`${message}\``)
    expect(readme).toContain(`](docs/troubleshooting.md#${slug(`\`${message}\``)})`)
  })

  it('README.md is at most 450 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(450)
  })

  it('README.md links to every page of docs/', () => {
    const linked = new Set(relativeLinks(readme).map(link => link.path))
    for (const doc of DOCS.filter(d => d !== 'README.md')) expect([doc, linked.has(doc)]).toEqual([doc, true])
  })

  it('every relative link and anchor in README.md, docs/*.md, CHANGELOG.md and SECURITY.md resolves', () => {
    const readAny = (file: string): string | undefined => {
      const full = path.join(ROOT, file)
      if (!fs.existsSync(full)) return undefined
      return fs.statSync(full).isDirectory() ? '' : fs.readFileSync(full, 'utf8')
    }
    const files = [...DOCS, 'CHANGELOG.md', 'SECURITY.md']
    expect(files.flatMap(file => brokenLinks(file, read(file), readAny))).toEqual([])
    expect(files.flatMap(file => relativeLinks(read(file))).length).toBeGreaterThan(40)
  })

  it('every docs/ page and Markdown anchor named in src/, action.yml files, .github/, ci/ and scripts/ exists', () => {
    const files = ['src', '.github', 'ci', 'scripts', 'merge', 'plan', 'action.yml'].flatMap(function walk(
      entry: string
    ): string[] {
      const full = path.join(ROOT, entry)
      if (!fs.existsSync(full)) return []
      if (fs.statSync(full).isDirectory()) return fs.readdirSync(full).flatMap(f => walk(path.join(entry, f)))
      return [entry]
    })
    const named = files.flatMap(file =>
      [...read(file).matchAll(/\b((?:docs\/[\w.-]+|README)\.md)(?:#([\w-]+))?/g)].map(m => ({
        file,
        doc: m[1] ?? '',
        anchor: m[2] ?? ''
      }))
    )
    expect(named.length).toBeGreaterThan(0)
    for (const { file, doc, anchor } of named) {
      expect([file, doc, fs.existsSync(path.join(ROOT, doc))]).toEqual([file, doc, true])
      if (anchor)
        expect([file, doc, anchor, anchors(read(doc)).has(anchor)]).toEqual([file, doc, anchor, true])
    }
  })

  it('README.md gives the commands to run the tests, and .ci/run runs the same ones', () => {
    const ci = read('.ci/run')
    for (const command of ['npm ci', 'npm test', 'npm run e2e:env', 'npm run e2e'])
      expect([command, readme.includes(command), ci.includes(command)]).toEqual([command, true, true])
  })

  it('docs/development.md documents every command .ci/run runs', () => {
    const development = read('docs/development.md')
    const ci = read('.ci/run')
    const commands = [...ci.matchAll(/\bnpm (?:ci|test|run [\w:-]+)/g)].map(m => m[0])
    expect(commands.length).toBeGreaterThanOrEqual(7)
    for (const command of new Set([...commands, 'npm run all', 'npm run docs']))
      expect([command, development.includes(command)]).toEqual([command, true])
  })
})

describe('links and anchors', () => {
  it.each([
    ['Quick start', 'quick-start'],
    ['`dial tcp: lookup <registry>: no such host`', 'dial-tcp-lookup-registry-no-such-host'],
    ['`rpc error: ... EOF`, `connection reset`', 'rpc-error--eof-connection-reset'],
    ['Mixed x86/ARM Kubernetes nodes', 'mixed-x86arm-kubernetes-nodes'],
    ['`401 Unauthorized` or `insufficient_scope`', '401-unauthorized-or-insufficient_scope'],
    ['The [merge](docs/merge.md) action', 'the-merge-action']
  ])('the heading %s has the anchor #%s', (heading, expected) => {
    expect(slug(heading)).toBe(expected)
  })

  it('numbers repeated headings, reads <a id>, and skips code blocks', () => {
    const text = '# A\n## A\n<a id="here"></a>\n```sh\n# not a heading\n```\n'
    expect([...anchors(text)]).toEqual(['a', 'a-1', 'here'])
  })

  it('finds relative links outside code, with their anchors', () => {
    const text = 'See [x](docs/x.md#part), [y](#top), [web](https://example.com), `[no](code.md)`\n'
    expect(relativeLinks(text).map(({ path, anchor }) => [path, anchor])).toEqual([
      ['docs/x.md', 'part'],
      ['', 'top']
    ])
  })

  it('reports a missing file, a missing anchor, and a path outside the repository', () => {
    const files: Record<string, string> = { 'docs/a.md': '# Here\n', 'README.md': '# Top\n' }
    const text = '[1](a.md#here) [2](a.md#gone) [3](b.md) [4](../README.md#top) [5](#nope) [6](../../x)\n'
    expect(brokenLinks('docs/a.md', `# Self\n${text}`, f => files[f])).toEqual([
      'docs/a.md:2: a.md#gone (docs/a.md has no heading #gone)',
      'docs/a.md:2: b.md (no such file)',
      'docs/a.md:2: #nope (docs/a.md has no heading #nope)',
      'docs/a.md:2: ../../x (no such file)'
    ])
  })
})
