/**
 * The reusable workflow (.github/workflows/multiarch.yml) as a caller would use it: its steps' `with:`
 * maps are evaluated the way the runner would (workflow_call defaults, the caller's inputs and secrets,
 * and for the distributed jobs the plan's outputs, the matrix and the step outputs, substituted into the
 * `${{ }}` expressions), and the bundled action runs with exactly those inputs against the local stack.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import {
  ROOT,
  baseImage,
  buildkitImage,
  env,
  indexPlatforms,
  leaks,
  leftovers,
  rawManifest,
  sha256,
  uniqueTag,
  useJobs,
  type Job
} from './harness.js'
import { workflowExpressions, type Context, type Value } from './workflow-expressions.js'

interface WorkflowInput {
  type: 'string' | 'boolean' | 'number'
  default?: string | number | boolean
}

interface Step {
  id?: string
  uses?: string
  with?: Record<string, string | number | boolean>
}

interface Workflow {
  on: {
    workflow_call: {
      inputs: Record<string, WorkflowInput>
      secrets: Record<string, unknown>
    }
  }
  jobs: Record<string, { steps?: Step[]; outputs?: Record<string, string> }>
}

const workflow = parseYaml(
  fs.readFileSync(path.join(ROOT, '.github/workflows/multiarch.yml'), 'utf8')
) as Workflow
const declaredInputs = workflow.on.workflow_call.inputs
const declaredSecrets = Object.keys(workflow.on.workflow_call.secrets)
const { evaluate, evaluateMap } = workflowExpressions(declaredSecrets)

/** The `with:` of the step of `jobId` that uses `action` (the action itself, or `plan`, `merge`). */
function stepWith(jobId = 'build', action = ''): Record<string, string | number | boolean> {
  const uses = new RegExp(`^[^/]+/multiarch-build-push-action${action ? `/${action}` : ''}@`)
  const step = (workflow.jobs[jobId]?.steps ?? []).find(s => s.uses && uses.test(s.uses))
  if (!step?.with) throw new Error(`multiarch.yml: job ${jobId} has no step that runs ${uses.source}`)
  return step.with
}

/** The inputs context for a caller's inputs, over the workflow_call defaults; the secrets checked. */
function callContext(callerInputs: Record<string, Value>, secrets: Record<string, string>): Context {
  const inputs: Record<string, Value> = {}
  for (const [name, spec] of Object.entries(declaredInputs))
    inputs[name] = spec.default ?? (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '')
  for (const [name, value] of Object.entries(callerInputs)) {
    const spec = declaredInputs[name]
    if (!spec) throw new Error(`multiarch.yml has no input ${name}`)
    if (spec.type !== typeof value) throw new Error(`input ${name} is a ${spec.type}, got ${typeof value}`)
    inputs[name] = value
  }
  for (const name of Object.keys(secrets))
    if (!declaredSecrets.includes(name)) throw new Error(`multiarch.yml has no secret ${name}`)
  return { inputs, secrets }
}

/** What the workflow's single job hands the action for a caller's inputs and secrets. */
function actionInputs(
  callerInputs: Record<string, Value>,
  secrets: Record<string, string>
): Record<string, string> {
  return evaluateMap(stepWith(), callContext(callerInputs, secrets))
}

// ---------------------------------------------------------------------------------------------------

describe('the workflow expressions (no stack needed)', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

  it('leaves ca-certs empty without the ca-pem secret', () => {
    expect(actionInputs({ registry: 'harbor.example' }, {})['ca-certs']).toBe('')
  })

  it('builds ca-certs from ca-registry, else registry, and the PEM', () => {
    expect(actionInputs({ 'ca-registry': 'ca.example:5443' }, { 'ca-pem': pem })['ca-certs']).toBe(
      `ca.example:5443=${pem}`
    )
    expect(actionInputs({ registry: 'harbor.example' }, { 'ca-pem': pem })['ca-certs']).toBe(
      `harbor.example=${pem}`
    )
  })

  it('passes booleans and numbers as strings, and the defaults when the caller gives nothing', () => {
    const inputs = actionInputs({ 'host-network': true }, { password: 's3cret' })
    expect(inputs['host-network']).toBe('true')
    expect(inputs.push).toBe('true')
    expect(inputs.platforms).toBe('linux/amd64,linux/arm64')
    expect(inputs.password).toBe('s3cret')
    expect(inputs.file).toBe('')
  })

  it('evaluates the operators as GitHub does', () => {
    const context = { inputs: {}, secrets: {} }
    expect(evaluate("'' || 'b'", context)).toBe('b')
    expect(evaluate("'a' && 'b'", context)).toBe('b')
    expect(evaluate("'' && 'b'", context)).toBe('')
    expect(evaluate("!('A' == 'a')", context)).toBe(false)
    expect(evaluate("format('{0}-{1}', 'x', 2)", context)).toBe('x-2')
    expect(() => evaluate('toJSON(inputs)', context)).toThrow(/unsupported/)
    const more = { inputs: {}, secrets: {}, more: { matrix: { slot: 1 }, needs: { plan: { outputs: {} } } } }
    expect(evaluate("matrix.slot == 1 && 'x' || ''", more)).toBe('x')
    expect(evaluate("matrix.slot == 0 && 'x' || ''", more)).toBe('')
    expect(() => evaluate('needs.plan.outputs.matrix', more)).toThrow(/not in the test's contexts/)
  })
})

const jobs = useJobs()

/** Runs the action with what the workflow would pass, verifies the push, then runs post. */
async function runWorkflowStep(
  registry: string,
  callerInputs: Record<string, Value>,
  secrets: Record<string, string>
): Promise<{ job: Job; inputs: Record<string, string>; platforms: string[] }> {
  const tag = uniqueTag(registry, 'reusable')
  const inputs = actionInputs(
    {
      tags: tag,
      'build-args': `BASE=${baseImage(registry)}`,
      context: '__tests__/e2e/fixtures/uname',
      'buildkit-image': buildkitImage(),
      'host-network': true,
      ...callerInputs
    },
    secrets
  )
  const { job, main, post } = await jobs.run(inputs)
  expect(main.log).not.toMatch(/::error/)
  expect(main.exitCode).toBe(0)
  const raw = rawManifest(tag)
  expect(main.outputs.digest).toBe(sha256(raw))
  expect(JSON.parse(main.outputs['platform-digests'] ?? '{}')).toEqual(indexPlatforms(raw))
  const builder = main.outputs['builder-name'] ?? ''
  expect(post.exitCode).toBe(0)
  expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
  return { job, inputs, platforms: Object.keys(indexPlatforms(raw)).sort() }
}

describe('reusable workflow on the stack', () => {
  it('defaults plus a caller pointing at the HTTP registry push every platform', async () => {
    const platforms = env('E2E_PLATFORMS')
    const { inputs, platforms: pushed } = await runWorkflowStep(env('E2E_HTTP_REGISTRY'), { platforms }, {})
    expect(inputs['ca-certs']).toBe('')
    expect(inputs.push).toBe('true')
    expect(pushed).toEqual(platforms.split(',').sort())
  }, 600_000)

  it('password and CA from the secrets reach the authenticated HTTPS registry; the password stays hidden', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const password = env('E2E_AUTH_PASSWORD')
    const pem = fs.readFileSync(env('E2E_REGISTRY_CA'), 'utf8')
    const { job, inputs, platforms } = await runWorkflowStep(
      registry,
      { platforms: 'linux/amd64,linux/arm64', registry, username: env('E2E_AUTH_USER') },
      { password, 'ca-pem': pem }
    )
    expect(inputs['ca-certs']).toBe(`${registry}=${pem}`)
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(job.logs()).toContain(`::add-mask::${password}`)
    expect(leaks(job.logs(), password)).toEqual([])
  }, 600_000)
})

describe('reusable workflow, distributed, on the stack (plan -> one job per platform; the merge input)', () => {
  it('each platform is pushed by digest with its own cache ref, and the merge gets exactly those digests', async () => {
    const registry = env('E2E_HTTP_REGISTRY')
    // A repository of its own, so that the cache refs checked below can only come from this run.
    const tag = uniqueTag(registry, `reusable-distributed-${Date.now().toString(36)}`)
    const platforms = env('E2E_PLATFORMS')
    const call = callContext(
      {
        platforms,
        tags: tag,
        'build-args': `BASE=${baseImage(registry)}`,
        context: '__tests__/e2e/fixtures/uname',
        'buildkit-image': buildkitImage(),
        'host-network': true,
        'insecure-registries': `http://${registry}`,
        cache: 'registry'
      },
      {}
    )
    expect(call.inputs.distribute).toBe(true)

    // plan: the plan sub-action (its own entry) with what the plan job passes.
    const plan = await jobs.run(
      evaluateMap(stepWith('plan', 'plan'), call),
      {},
      { action: 'plan/action.yml' }
    )
    expect(plan.main.exitCode).toBe(0)
    const planOutputs = evaluateMap(workflow.jobs.plan?.outputs ?? {}, {
      ...call,
      more: { steps: { plan: { outputs: { ...plan.main.outputs } } } }
    })
    const matrix = JSON.parse(planOutputs.matrix ?? '{}') as { include: { platform: string; slot: number }[] }
    expect(matrix.include.map(e => e.platform)).toEqual(platforms.split(','))
    expect(planOutputs.repository).toBe(tag.slice(0, tag.lastIndexOf(':')))

    // build-platforms: one leg per matrix entry; every leg evaluates all source-<slot> outputs.
    const needsPlan = { plan: { outputs: planOutputs } }
    // A job output no leg set reads as '', as on GitHub.
    const legOutputs = Object.fromEntries(
      Object.keys(workflow.jobs['build-platforms']?.outputs ?? {}).map(name => [name, ''])
    )
    const expectedSources: string[] = []
    for (const entry of matrix.include) {
      const leg = { ...call, more: { matrix: { ...entry }, needs: needsPlan } }
      const inputs = evaluateMap(stepWith('build-platforms'), leg)
      expect([inputs.platforms, inputs['push-by-digest'], inputs.tags]).toEqual([
        entry.platform,
        'true',
        planOutputs.repository
      ])
      const { main, post } = await jobs.run(inputs)
      expect([entry.platform, main.exitCode]).toEqual([entry.platform, 0])
      expect(post.exitCode).toBe(0)
      const source = `${planOutputs.repository ?? ''}@${main.outputs.digest ?? ''}`
      expect(sha256(rawManifest(source))).toBe(main.outputs.digest)
      // This leg wrote its own platform's cache ref, and no leg still to come has written theirs.
      const cacheRef = (platform: string): string =>
        `${planOutputs.repository ?? ''}:buildcache-${platform.replace(/\//g, '-')}`
      expect(rawManifest(cacheRef(entry.platform)).length).toBeGreaterThan(0)
      const later = matrix.include.slice(matrix.include.indexOf(entry) + 1).map(e => e.platform)
      for (const platform of later) expect(() => rawManifest(cacheRef(platform))).toThrow()
      expectedSources.push(source)
      const outputs = evaluateMap(workflow.jobs['build-platforms']?.outputs ?? {}, {
        ...leg,
        more: { ...leg.more, steps: { build: { outputs: { ...main.outputs } } } }
      })
      // As the runner does for a matrix job: a leg's empty outputs do not replace another leg's.
      for (const [name, value] of Object.entries(outputs)) if (value !== '') legOutputs[name] = value
    }
    expect(Object.fromEntries(Object.entries(legOutputs).filter(([, v]) => v !== ''))).toEqual(
      Object.fromEntries(expectedSources.map((s, slot) => [`source-${slot}`, s]))
    )

    // merge: the sources it is given, one per line, blank lines for unused slots.
    const mergeWith = evaluateMap(stepWith('merge', 'merge'), {
      ...call,
      more: { needs: { plan: { outputs: planOutputs }, 'build-platforms': { outputs: legOutputs } } }
    })
    const sources = (mergeWith.sources ?? '').split('\n').map(l => l.trim())
    expect(sources.filter(l => l !== '')).toEqual(expectedSources)
    expect([mergeWith.tags, mergeWith.platforms]).toEqual([tag, platforms])
  }, 900_000)
})
