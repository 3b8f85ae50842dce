/**
 * The `plan` mode (plan/action.yml): turns `platforms` and a `runners` map into the matrix of the
 * reusable workflow's distributed build, one job per platform on a runner that is native for it, each
 * pushing by digest to one repository; the merge job then joins their digests into one index.
 *
 * Job outputs of a matrix job cannot be collected per leg, so every entry gets a `slot` (0, 1, …): leg
 * `slot` sets the workflow job's output `source-<slot>`, and the merge job reads `source-0` to
 * `source-<MAX_PLATFORMS - 1>`.
 */
import { PLAN_INPUTS } from '../inputs/action-spec.js'
import { NO_TAG } from '../inputs/rules.js'
import {
  bool,
  field,
  readTable,
  text,
  type InputSource,
  type Rule,
  type Typed,
  type Values
} from '../inputs/table.js'
import { parsePlatforms, splitList } from '../inputs/parse.js'
import { formatPlatform, parsePlatform } from '../oci/platforms.js'
import { parseImageReference } from '../oci/reference.js'
import type { EntryDeps } from '../step/deps.js'

/** How many platforms one distributed build can have: the reusable workflow declares this many slots. */
export const MAX_PLATFORMS = 10

/**
 * The plan's inputs: platforms, runners (platform -> runner labels: one label, or several that a runner
 * must all have), runs-on (the labels of platforms that runners does not name), tags, push.
 */
export type PlanInputs = Omit<Typed<typeof PLAN_FIELDS>, 'nodes'>

export interface PlanEntry {
  platform: string
  /** A label, or the labels a self-hosted runner must all have (as `runs-on` takes them). */
  'runs-on': string | string[]
  /** Which `source-<slot>` output of the per-platform job this leg sets. */
  slot: number
}

export interface Plan {
  matrix: { include: PlanEntry[] }
  /** Where every leg pushes by digest: the repository of the first tag ('' when nothing is pushed). */
  repository: string
}

/** The plan itself: a pure function of the inputs. */
export function plan(inputs: PlanInputs): Plan {
  const include = inputs.platforms.map((platform, slot) => {
    const labels = inputs.runners.get(platform) ?? inputs.runsOn
    return { platform, 'runs-on': labels.length === 1 ? (labels[0] ?? '') : [...labels], slot }
  })
  const first = inputs.tags[0]
  const repository = inputs.push && first ? repositoryOf(first) : ''
  return { matrix: { include }, repository }
}

/** `registry/repository` of an image reference, its tag or digest dropped. */
export function repositoryOf(tag: string): string {
  const reference = parseImageReference(tag)
  return `${reference.registry}/${reference.repository}`
}

/** The `runners` map: `PLATFORM=LABEL` lines, several labels separated by commas. */
export function parseRunners(value: string): Map<string, string[]> {
  const runners = new Map<string, string[]>()
  for (const line of splitList(value, false)) {
    const eq = line.indexOf('=')
    if (eq === -1) {
      throw new Error(`"${line}" is not PLATFORM=RUNNER-LABEL, e.g. linux/arm64=ubuntu-24.04-arm`)
    }
    const platform = formatPlatform(parsePlatform(line.slice(0, eq)))
    const labels = parseLabels(line.slice(eq + 1), `"${line}"`)
    if (runners.has(platform)) throw new Error(`${platform} is given twice`)
    runners.set(platform, labels)
  }
  return runners
}

function parseLabels(value: string, where: string): string[] {
  const labels = value.split(',').map(l => l.trim())
  if (labels.some(l => l === '')) {
    throw new Error(`${where} needs runner labels, separated by commas (e.g. self-hosted,linux,arm64)`)
  }
  const blank = labels.find(l => /\s/.test(l))
  if (blank !== undefined) throw new Error(`${where}: runner label "${blank}" has a space in it`)
  return labels
}

export const PLAN_FIELDS = {
  platforms: field([] as string[], value => {
    const list = parsePlatforms(value)
    if (list.length > MAX_PLATFORMS) {
      throw new Error(
        `${list.length} platforms, but a distributed build has at most ${MAX_PLATFORMS}; ` +
          'build the others in a second call, or set distribute: false'
      )
    }
    return list
  }),
  runners: field(new Map<string, string[]>(), parseRunners),
  'runs-on': field([] as string[], value => parseLabels(value, 'the label')),
  tags: field([] as string[], value => {
    const list = splitList(value, true)
    for (const tag of list) parseImageReference(tag)
    return list
  }),
  push: bool(true),
  nodes: text
}

const PLAN_RULES: readonly Rule<Values<typeof PLAN_FIELDS>>[] = [
  {
    input: 'tags',
    reads: ['push'],
    check: v => (v.push && v.tags.length === 0 ? NO_TAG : undefined)
  },
  {
    input: 'nodes',
    reads: [],
    check: v =>
      v.nodes !== ''
        ? 'joins machines to the one builder of a single job; set distribute: false to use nodes, or ' +
          'list those machines as self-hosted runners in runners'
        : undefined
  }
]

/** Reads and checks the plan's inputs (plan/action.yml's defaults); all problems together, each naming its input. */
export function readPlanInputs(source: InputSource): PlanInputs {
  return readTable(PLAN_FIELDS, PLAN_RULES, { source, specs: PLAN_INPUTS }).values
}

/** The plan step: reads the inputs, sets the `matrix` and `repository` outputs, and logs the plan. */
export function runPlan({ reporter, getInput }: EntryDeps): Promise<void> {
  const result = plan(readPlanInputs(getInput))
  for (const entry of result.matrix.include) {
    const labels = typeof entry['runs-on'] === 'string' ? entry['runs-on'] : entry['runs-on'].join(', ')
    reporter.info(`${entry.platform}: runner ${labels}`)
  }
  if (result.repository) reporter.info(`each platform is pushed by digest to ${result.repository}`)
  reporter.setOutput('matrix', JSON.stringify(result.matrix))
  reporter.setOutput('repository', result.repository)
  return Promise.resolve()
}
