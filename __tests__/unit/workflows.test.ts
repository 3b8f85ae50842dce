/**
 * The workflows in .github/workflows against action.yml: the reusable workflow passes only inputs the
 * action has, mirrors the action's inputs with the same names, `required` and defaults, and wires the
 * outputs; every third-party action is pinned to a full commit SHA.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const WORKFLOWS = path.join(ROOT, '.github/workflows')
const OWN_ACTION = /^[^/]+\/multiarch-build-push-action@/
const OWN_REPO = /^[^/]+\/multiarch-build-push-action(\/|@)/

interface ActionYaml {
  inputs: Record<string, { required?: boolean | string; default?: string }>
  outputs: Record<string, { description?: string }>
}

type Scalar = string | number | boolean

interface WorkflowInput {
  description?: string
  type: 'string' | 'boolean' | 'number'
  required?: boolean
  default?: Scalar
}

interface Step {
  id?: string
  name?: string
  uses?: string
  with?: Record<string, Scalar>
}

interface Job {
  'runs-on'?: string | string[]
  uses?: string
  outputs?: Record<string, string>
  steps?: Step[]
}

interface Workflow {
  on: {
    workflow_call?: {
      inputs?: Record<string, WorkflowInput>
      secrets?: Record<string, { required?: boolean }>
      outputs?: Record<string, { value: string }>
    }
  }
  jobs: Record<string, Job>
}

function readYaml(file: string): unknown {
  return parseYaml(fs.readFileSync(file, 'utf8'))
}

const action = readYaml(path.join(ROOT, 'action.yml')) as ActionYaml
const reusable = readYaml(path.join(WORKFLOWS, 'multiarch.yml')) as Workflow
const call = reusable.on.workflow_call ?? {}
const callInputs = call.inputs ?? {}
const workflowFiles = fs
  .readdirSync(WORKFLOWS)
  .filter(f => /\.ya?ml$/.test(f))
  .sort()

/** The reusable workflow's step that runs this action, and its job. */
function actionStep(): { jobId: string; step: Step } {
  const found: { jobId: string; step: Step }[] = []
  for (const [jobId, job] of Object.entries(reusable.jobs))
    for (const step of job.steps ?? [])
      if (step.uses && OWN_ACTION.test(step.uses)) found.push({ jobId, step })
  expect(found).toHaveLength(1)
  const first = found[0]
  if (!first) throw new Error('multiarch.yml has no step that uses the action')
  return first
}

/** `${{ inputs.NAME }}` exactly, or undefined. */
function plainInputReference(value: Scalar): string | undefined {
  return /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(String(value))?.[1]
}

function isRequired(value: boolean | string | undefined): boolean {
  return value === true || value === 'true'
}

describe('reusable workflow (multiarch.yml)', () => {
  const { step } = actionStep()
  const passed = step.with ?? {}

  it('is a workflow_call workflow', () => {
    expect(call).toBeDefined()
    expect(Object.keys(reusable.on)).toEqual(['workflow_call'])
  })

  it('passes only inputs that action.yml declares', () => {
    const unknown = Object.keys(passed).filter(name => !(name in action.inputs))
    expect(unknown).toEqual([])
  })

  it('passes every action input (new inputs in action.yml need a line here)', () => {
    const missing = Object.keys(action.inputs).filter(name => !(name in passed))
    expect(missing).toEqual([])
  })

  it('passes each mirrored input straight through, under the same name', () => {
    for (const [name, value] of Object.entries(passed)) {
      if (name in callInputs) expect([name, plainInputReference(value)]).toEqual([name, name])
    }
  })

  it('takes the password and the CA from secrets, not inputs', () => {
    expect(Object.keys(call.secrets ?? {}).sort()).toEqual(['ca-pem', 'password'])
    expect(callInputs).not.toHaveProperty('password')
    expect(callInputs).not.toHaveProperty('ca-certs')
    expect(String(passed.password)).toMatch(/^\$\{\{\s*secrets\.password\s*\}\}$/)
    const caCerts = String(passed['ca-certs'])
    expect(caCerts).toContain('secrets.ca-pem')
    expect(caCerts).toContain('inputs.ca-registry')
  })

  it('mirrors the action inputs with the same required flag and default', () => {
    const mirrored = Object.keys(callInputs).filter(name => name in action.inputs)
    expect(mirrored.length).toBeGreaterThanOrEqual(19)
    for (const name of [
      'platforms',
      'context',
      'file',
      'tags',
      'push',
      'build-args',
      'labels',
      'target',
      'cache-from',
      'cache-to',
      'provenance',
      'host-network',
      'insecure-registries',
      'registry-mirrors',
      'registry',
      'username',
      'qemu',
      'buildkit-image',
      'builder-name'
    ])
      expect(mirrored).toContain(name)
    for (const name of mirrored) {
      const mine = callInputs[name]
      const theirs = action.inputs[name]
      if (!mine || !theirs) throw new Error(name)
      const expected = { name, required: isRequired(theirs.required), default: theirs.default ?? '' }
      const actual = {
        name,
        required: isRequired(mine.required),
        default: mine.default === undefined ? '' : String(mine.default)
      }
      expect(actual).toEqual(expected)
    }
  })

  it('uses boolean inputs exactly where the action takes true/false', () => {
    for (const [name, spec] of Object.entries(callInputs)) {
      const theirs = action.inputs[name]
      if (!theirs) continue
      const isBoolean = theirs.default === 'true' || theirs.default === 'false'
      expect([name, spec.type === 'boolean']).toEqual([name, isBoolean])
    }
  })

  it('has only the extra inputs it documents: runs-on and ca-registry', () => {
    const extra = Object.keys(callInputs).filter(name => !(name in action.inputs))
    expect(extra.sort()).toEqual(['ca-registry', 'runs-on'])
    expect(callInputs['runs-on']?.default).toBe('ubuntu-latest')
    const job = Object.values(reusable.jobs)[0]
    expect(job?.['runs-on']).toBe('${{ inputs.runs-on }}')
  })

  it('maps the digest and platform-digests outputs from the action step', () => {
    const { jobId, step: s } = actionStep()
    const outputs = call.outputs ?? {}
    expect(Object.keys(outputs).sort()).toEqual(['digest', 'platform-digests'])
    for (const [name, spec] of Object.entries(outputs)) {
      expect(name in action.outputs).toBe(true)
      expect(spec.value).toBe(`\${{ jobs.${jobId}.outputs.${name} }}`)
      expect(reusable.jobs[jobId]?.outputs?.[name]).toBe(`\${{ steps.${s.id ?? ''}.outputs.${name} }}`)
    }
  })

  it('checks out the caller repository before the action step', () => {
    const steps = reusable.jobs[actionStep().jobId]?.steps ?? []
    const checkout = steps.findIndex(s => s.uses?.startsWith('actions/checkout@'))
    expect(checkout).toBeGreaterThanOrEqual(0)
    expect(checkout).toBeLessThan(steps.findIndex(s => s.uses && OWN_ACTION.test(s.uses)))
  })
})

describe('pinned actions', () => {
  /** Every `uses:` value in a workflow file, with the raw line it is on. */
  function usesLines(file: string): { uses: string; line: string }[] {
    const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')
    const out: { uses: string; line: string }[] = []
    for (const line of text.split('\n')) {
      const match = /^\s*(?:-\s+)?uses:\s*(\S+)/.exec(line)
      if (match?.[1]) out.push({ uses: match[1].replace(/^['"]|['"]$/g, ''), line })
    }
    return out
  }

  it('finds the workflows', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'e2e.yml', 'multiarch.yml']))
  })

  it.each(workflowFiles)(
    '%s: third-party actions are pinned to a full commit SHA with a version comment',
    file => {
      const entries = usesLines(file)
      expect(entries.length).toBeGreaterThan(0)
      for (const { uses, line } of entries) {
        if (uses.startsWith('./') || uses.startsWith('docker://') || OWN_REPO.test(uses)) continue
        expect([uses, /^[^@\s]+@[0-9a-f]{40}$/.test(uses)]).toEqual([uses, true])
        expect([uses, /#\s*v\d+(\.\d+)*\s*$/.test(line)]).toEqual([uses, true])
      }
    }
  )

  it('the same action is pinned to the same commit everywhere', () => {
    const pins = new Map<string, Set<string>>()
    for (const file of workflowFiles)
      for (const { uses } of usesLines(file)) {
        const [name, ref] = uses.split('@')
        if (!name || !ref || !/^[0-9a-f]{40}$/.test(ref)) continue
        pins.set(name, (pins.get(name) ?? new Set<string>()).add(ref))
      }
    for (const [name, refs] of pins) expect([name, refs.size]).toEqual([name, 1])
  })
})
