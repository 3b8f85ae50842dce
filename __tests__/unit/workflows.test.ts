/**
 * The workflows in .github/workflows against action.yml: the reusable workflow passes only inputs the
 * action has, mirrors the action's inputs with the same names, `required` and defaults, wires plan ->
 * per-platform build -> merge (and the single job for distribute: false), and exposes the outputs; every
 * third-party action is pinned to a full commit SHA.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { MAX_PLATFORMS } from '../../src/plan/matrix.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const WORKFLOWS = path.join(ROOT, '.github/workflows')
const OWN_ACTION = /^[^/]+\/multiarch-build-push-action@/
const OWN_PLAN = /^[^/]+\/multiarch-build-push-action\/plan@/
const OWN_MERGE = /^[^/]+\/multiarch-build-push-action\/merge@/
const OWN_REPO = /^[^/]+\/multiarch-build-push-action(\/|@)/

interface ActionYaml {
  inputs: Record<string, { required?: boolean | string; default?: string }>
  outputs: Record<string, { description?: string }>
  runs?: { using?: string; main?: string; post?: string }
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
  if?: string
  run?: string
}

interface Job {
  name?: string
  if?: string
  needs?: string | string[]
  'runs-on'?: string | string[]
  uses?: string
  strategy?: { matrix?: unknown }
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
const planAction = readYaml(path.join(ROOT, 'plan/action.yml')) as ActionYaml
const reusable = readYaml(path.join(WORKFLOWS, 'multiarch.yml')) as Workflow
const call = reusable.on.workflow_call ?? {}
const callInputs = call.inputs ?? {}
const workflowFiles = fs
  .readdirSync(WORKFLOWS)
  .filter(f => /\.ya?ml$/.test(f))
  .sort()

/** The one step of a job that uses `pattern`. */
function stepOf(jobId: string, pattern: RegExp): Step {
  const steps = (reusable.jobs[jobId]?.steps ?? []).filter(s => s.uses && pattern.test(s.uses))
  expect([jobId, steps.length]).toEqual([jobId, 1])
  const step = steps[0]
  if (!step) throw new Error(`${jobId} has no step that uses ${String(pattern)}`)
  return step
}

/** Jobs with a step that runs the action itself: the single job and the per-platform job. */
function actionJobs(): string[] {
  return Object.entries(reusable.jobs)
    .filter(([, job]) => (job.steps ?? []).some(s => s.uses && OWN_ACTION.test(s.uses)))
    .map(([jobId]) => jobId)
}

/** `${{ inputs.NAME }}` exactly, or undefined. */
function plainInputReference(value: Scalar): string | undefined {
  return /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(String(value))?.[1]
}

function isRequired(value: boolean | string | undefined): boolean {
  return value === true || value === 'true'
}

function needsOf(job: Job | undefined): string[] {
  const needs = job?.needs ?? []
  return typeof needs === 'string' ? [needs] : needs
}

/** What the per-platform job passes differently from the single job: everything else is the same. */
const PER_PLATFORM: Record<string, string> = {
  platforms: '${{ matrix.platform }}',
  tags: '${{ needs.plan.outputs.repository }}',
  'push-by-digest': '${{ inputs.push }}',
  // The legs run on the matrix's runners, never with nodes: no remote daemons, so no TLS material.
  nodes: '',
  'remote-tls-ca': '',
  'remote-tls-cert': '',
  'remote-tls-key': '',
  kubeconfig: '',
  'remote-tls-server-name': '',
  // The legs are not signed: the merge job signs the merged index and every manifest it lists.
  sign: 'false',
  'sign-key': '',
  'sign-key-password': '',
  'sign-signing-config': '',
  'sign-trusted-root': ''
}

describe('reusable workflow (multiarch.yml)', () => {
  it('is a workflow_call workflow with a single job, a plan, a per-platform job and a merge', () => {
    expect(call).toBeDefined()
    expect(Object.keys(reusable.on)).toEqual(['workflow_call'])
    expect(Object.keys(reusable.jobs)).toEqual(['build', 'plan', 'build-platforms', 'merge'])
    expect(actionJobs()).toEqual(['build', 'build-platforms'])
  })

  it.each(['build', 'build-platforms'])('%s passes only inputs that action.yml declares', jobId => {
    const unknown = Object.keys(stepOf(jobId, OWN_ACTION).with ?? {}).filter(name => !(name in action.inputs))
    expect(unknown).toEqual([])
  })

  it.each(['build', 'build-platforms'])(
    '%s passes every action input (new inputs in action.yml need a line here)',
    jobId => {
      const passed = stepOf(jobId, OWN_ACTION).with ?? {}
      const missing = Object.keys(action.inputs).filter(name => !(name in passed))
      expect(missing).toEqual([])
    }
  )

  it('the single job passes each mirrored input straight through, under the same name', () => {
    for (const [name, value] of Object.entries(stepOf('build', OWN_ACTION).with ?? {})) {
      if (name in callInputs) expect([name, plainInputReference(value)]).toEqual([name, name])
    }
    expect(stepOf('build', OWN_ACTION).with?.['push-by-digest']).toBe(false)
  })

  it('the per-platform job passes what the single job does, but its platform, the repository and push-by-digest', () => {
    const single = stepOf('build', OWN_ACTION).with ?? {}
    const leg = stepOf('build-platforms', OWN_ACTION).with ?? {}
    for (const name of Object.keys(action.inputs)) {
      const expected = PER_PLATFORM[name] ?? single[name]
      expect([name, leg[name]]).toEqual([name, expected])
    }
  })

  it('takes the password, the CA and the remote TLS material from secrets, not inputs', () => {
    expect(Object.keys(call.secrets ?? {}).sort()).toEqual([
      'build-secrets',
      'ca-pem',
      'kubeconfig',
      'password',
      'remote-tls-ca',
      'remote-tls-cert',
      'remote-tls-key',
      'sign-key',
      'sign-key-password'
    ])
    for (const job of ['build', 'build-platforms'])
      expect(String(stepOf(job, OWN_ACTION).with?.secrets)).toMatch(
        /^\$\{\{\s*secrets\.build-secrets\s*\}\}$/
      )
    expect(callInputs).not.toHaveProperty('password')
    expect(callInputs).not.toHaveProperty('ca-certs')
    for (const step of [
      stepOf('build', OWN_ACTION),
      stepOf('build-platforms', OWN_ACTION),
      stepOf('merge', OWN_MERGE)
    ]) {
      const passed = step.with ?? {}
      expect(String(passed.password)).toMatch(/^\$\{\{\s*secrets\.password\s*\}\}$/)
      const caCerts = String(passed['ca-certs'])
      expect(caCerts).toContain('secrets.ca-pem')
      expect(caCerts).toContain('inputs.ca-registry')
    }
  })

  it('mirrors the action inputs with the same required flag and default', () => {
    const mirrored = Object.keys(callInputs).filter(name => name in action.inputs)
    expect(mirrored.length).toBeGreaterThanOrEqual(20)
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
      'cache',
      'provenance',
      'host-network',
      'insecure-registries',
      'registry-mirrors',
      'registry',
      'username',
      'qemu',
      'buildkit-image',
      'builder-name',
      'nodes'
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

  it('has only the extra inputs it documents: runs-on, ca-registry, distribute, runners', () => {
    // annotations is the action's input now too (and, with distribute, the merged index's).
    const extra = Object.keys(callInputs).filter(name => !(name in action.inputs))
    expect(extra.sort()).toEqual(['ca-registry', 'distribute', 'runners', 'runs-on'])
    expect(callInputs['runs-on']?.default).toBe('ubuntu-latest')
    expect(callInputs.distribute).toMatchObject({ type: 'boolean', default: true })
    expect(String(callInputs.runners?.default).trim()).toBe(String(planAction.inputs.runners?.default).trim())
    for (const jobId of ['build', 'plan', 'merge'])
      expect([jobId, reusable.jobs[jobId]?.['runs-on']]).toEqual([jobId, '${{ inputs.runs-on }}'])
  })

  it('signs the index that gets the tags: the single job, or the merge job with distribute (never a leg)', () => {
    const merge = stepOf('merge', OWN_MERGE).with ?? {}
    const single = stepOf('build', OWN_ACTION).with ?? {}
    for (const name of [
      'sign',
      'sign-key',
      'sign-key-password',
      'sign-transparency-log',
      'sign-signing-config',
      'sign-trusted-root'
    ])
      expect([name, merge[name]]).toEqual([name, single[name]])
    expect(String(merge['sign-key'])).toMatch(/^\$\{\{\s*secrets\.sign-key\s*\}\}$/)
    expect(reusable.jobs.plan?.steps?.some(step => step.run !== undefined)).toBe(false)
  })

  it('distribute false runs the single job only; distribute true the plan, the per-platform job and the merge', () => {
    expect(reusable.jobs.build?.if).toBe('${{ !inputs.distribute }}')
    expect(reusable.jobs.plan?.if).toBe('${{ inputs.distribute }}')
    expect(needsOf(reusable.jobs['build-platforms'])).toEqual(['plan'])
    expect(needsOf(reusable.jobs.merge).sort()).toEqual(['build-platforms', 'plan'])
    expect(reusable.jobs.merge?.if).toBe('${{ inputs.distribute && inputs.push }}')
  })

  it('the plan job runs plan/action.yml with the inputs it declares, passed straight through', () => {
    const step = stepOf('plan', OWN_PLAN)
    const passed = step.with ?? {}
    expect(Object.keys(passed).sort()).toEqual(['nodes', 'platforms', 'push', 'runners', 'runs-on', 'tags'])
    for (const [name, value] of Object.entries(passed)) {
      expect([name, name in planAction.inputs]).toEqual([name, true])
      expect([name, plainInputReference(value)]).toEqual([name, name])
    }
    const outputs = reusable.jobs.plan?.outputs ?? {}
    for (const name of ['matrix', 'repository']) {
      expect(name in planAction.outputs).toBe(true)
      expect(outputs[name]).toBe(`\${{ steps.${step.id ?? ''}.outputs.${name} }}`)
    }
  })

  it('the per-platform job is the plan’s matrix: its platform on its runner, one source-<slot> output per slot', () => {
    const job = reusable.jobs['build-platforms']
    expect(job?.strategy?.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}')
    expect(job?.['runs-on']).toBe('${{ matrix.runs-on }}')
    const id = stepOf('build-platforms', OWN_ACTION).id ?? ''
    const expected: Record<string, string> = {}
    for (let slot = 0; slot < MAX_PLATFORMS; slot++) {
      expected[`source-${slot}`] =
        `\${{ matrix.slot == ${slot} && format('{0}@{1}', needs.plan.outputs.repository, steps.${id}.outputs.digest) || '' }}`
    }
    expect(job?.outputs).toEqual(expected)
  })

  it('the merge job merges every slot into the tags, with the registry inputs', () => {
    const passed = stepOf('merge', OWN_MERGE).with ?? {}
    const sources = String(passed.sources)
      .trim()
      .split('\n')
      .map(l => l.trim())
    expect(sources).toEqual(
      Array.from(
        { length: MAX_PLATFORMS },
        (_, slot) => `\${{ needs.build-platforms.outputs.source-${slot} }}`
      )
    )
    for (const name of ['tags', 'annotations', 'platforms', 'insecure-registries', 'registry', 'username'])
      expect([name, plainInputReference(passed[name] ?? '')]).toEqual([name, name])
    expect(Object.keys(passed).sort()).toEqual(
      [
        'annotations',
        'ca-certs',
        'insecure-registries',
        'password',
        'platforms',
        'registry',
        'sources',
        'tags',
        'username',
        'sign',
        'sign-key',
        'sign-key-password',
        'sign-transparency-log',
        'sign-signing-config',
        'sign-trusted-root'
      ].sort()
    )
  })

  it('the merge step passes only inputs merge/action.yml declares, and its outputs exist', () => {
    const merge = parseYaml(fs.readFileSync(path.join(ROOT, 'merge/action.yml'), 'utf8')) as ActionYaml
    for (const name of Object.keys(stepOf('merge', OWN_MERGE).with ?? {}))
      expect([name, name in merge.inputs]).toEqual([name, true])
    for (const name of ['digest', 'platform-digests']) expect(name in merge.outputs).toBe(true)
    for (const [name, spec] of Object.entries(merge.inputs))
      if (spec.required === true)
        expect([name, name in (stepOf('merge', OWN_MERGE).with ?? {})]).toEqual([name, true])
  })

  it('exposes digest, platform-digests and the verify command: the merge’s when distributed, else the single job’s', () => {
    const outputs = call.outputs ?? {}
    expect(Object.keys(outputs).sort()).toEqual(['digest', 'platform-digests', 'signature-verify-command'])
    const single = stepOf('build', OWN_ACTION).id ?? ''
    const merge = stepOf('merge', OWN_MERGE).id ?? ''
    for (const [name, spec] of Object.entries(outputs)) {
      expect(name in action.outputs).toBe(true)
      expect(spec.value).toBe(`\${{ jobs.merge.outputs.${name} || jobs.build.outputs.${name} }}`)
      expect(reusable.jobs.build?.outputs?.[name]).toBe(`\${{ steps.${single}.outputs.${name} }}`)
      expect(reusable.jobs.merge?.outputs?.[name]).toBe(`\${{ steps.${merge}.outputs.${name} }}`)
    }
  })

  it.each(['build', 'build-platforms'])(
    '%s checks out the caller repository before the action step',
    jobId => {
      const steps = reusable.jobs[jobId]?.steps ?? []
      const checkout = steps.findIndex(s => s.uses?.startsWith('actions/checkout@'))
      expect(checkout).toBeGreaterThanOrEqual(0)
      expect(checkout).toBeLessThan(steps.findIndex(s => s.uses && OWN_ACTION.test(s.uses)))
    }
  )
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
