/**
 * README.md against action.yml: the inputs/outputs tables are exactly what scripts/docs.js generates
 * (so an input added to action.yml but not documented fails here), and the workflow examples use only
 * inputs, outputs and secrets that exist.
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
  cell,
  code,
  inputsTable,
  markdownTable,
  outputsTable,
  parseAction,
  readSection,
  renderReadme,
  renderSection,
  staleSections,
  type ActionMetadata
} from '../../scripts/docs.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const README_FILE = path.join(ROOT, 'README.md')
const readme = fs.readFileSync(README_FILE, 'utf8')
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

describe('README tables of every action (npm run docs writes them all)', () => {
  it.each(ACTIONS.flatMap(({ file, prefix }) => SECTIONS.map(section => [file, prefix, section] as const)))(
    '%s: the %s%s table matches',
    (file, prefix, section) => {
      const metadata = parseAction(fs.readFileSync(path.join(ROOT, file), 'utf8'))
      expect(readSection(readme, section, prefix)).toBe(renderSection(section, metadata))
      expect(renderReadme(readme, metadata, prefix)).toBe(readme)
    }
  )

  it('the merge tables have markers of their own, apart from the main tables', () => {
    expect(readSection(readme, 'inputs', 'merge-')).toContain('| `sources`')
    expect(readSection(readme, 'inputs')).not.toContain('| `sources`')
    const merge = parseAction(fs.readFileSync(path.join(ROOT, 'merge/action.yml'), 'utf8'))
    const changed = { ...merge, outputs: { ...merge.outputs, extra: { description: 'New.' } } }
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
        c: { description: 'C.', default: 'true' }
      }
    })
    const rows = table.split('\n').map(row => row.split('|').map(c => c.trim()))
    expect(rows[0]).toEqual(['', 'name', 'description', 'default', 'required', ''])
    expect(rows[2]).toEqual(['', '`a`', 'A.', '`x`', 'no', ''])
    expect(rows[3]).toEqual(['', '`b`', 'B.', '', 'yes', ''])
    expect(rows[4]).toEqual(['', '`c`', 'C.', '`true`', 'no', ''])
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

/** The README's ```yaml blocks that are workflows (have `jobs:`). */
function exampleWorkflows(): { text: string; workflow: ExampleWorkflow }[] {
  const blocks = [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map(m => m[1] ?? '')
  return blocks
    .filter(text => /^jobs:/m.test(text))
    .map(text => ({ text, workflow: parseYaml(text) as ExampleWorkflow }))
}

describe('README examples', () => {
  const examples = exampleWorkflows()
  const reusable = parseYaml(
    fs.readFileSync(path.join(ROOT, '.github/workflows/multiarch.yml'), 'utf8')
  ) as ReusableWorkflow

  it('has the workflow examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9)
  })

  it('refers to this action and its workflow as OWNER/multiarch-build-push-action only', () => {
    const references = [...readme.matchAll(/([\w.-]+)\/multiarch-build-push-action\b/g)].map(m => m[1])
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

describe('README text', () => {
  it.each([
    'multiple platforms feature is currently not supported for docker driver',
    'x509: certificate signed by unknown authority',
    'dial tcp: lookup <registry>: no such host',
    'http: server gave HTTP response to HTTPS client',
    'exec format error'
  ])('has a troubleshooting section for `%s`', message => {
    expect(readme).toContain(`### \`${message}\``)
  })

  it('documents the setup and test commands that .ci/run uses', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')
    for (const command of [
      'npm ci',
      'npm test',
      'npm run e2e',
      'npm run all',
      'npm run docs',
      'npm run actionlint'
    ])
      expect(readme).toContain(command)
    for (const command of ['npm ci', 'npm test', 'npm run e2e', 'npm run actionlint'])
      expect(ci).toContain(command)
  })
})
