#!/usr/bin/env node
/**
 * Benchmark on the e2e stack (`E2E_GOLANG=1 up`, then `. /tmp/e2e-stack/env.sh`): a small Go program
 * compiled by `go build` inside each target platform (bench/go/Dockerfile.emulated, not cross-compiled),
 * for linux/amd64, linux/arm64 and linux/arm/v7, built two ways, N times each, alternating which goes first:
 *   one-step     one job: the action builds the three platforms at once, arm ones under QEMU
 *   distributed  three jobs, one platform each with `push-by-digest: true`, then one job running the merge
 *                action (merge/action.yml) on their digests: the flow of the reusable workflow
 * Every job is a whole job as the runner runs it (main and post, a fresh builder, `no-cache: true`), so
 * every run is cold.
 *
 * What the distributed figure stands for: on GitHub the three per-platform jobs run at the same time on
 * their own machines, so the flow's wall time is the slowest per-platform job plus the merge. This machine
 * runs them one after another and has no ARM CPU: its arm jobs still run `go build` under QEMU. The
 * distributed wall time reported here (slowest job + merge) is therefore an upper bound of what native
 * runners give; the linux/amd64 job, the one native job here, is about what each job takes on a native
 * runner of its own platform (assuming ARM runners as fast as this machine), so "amd64 job + merge"
 * approximates the flow on native runners.
 *
 *   node bench/distributed.js [--runs 2] [--out bench/results/DATE-distributed.json]
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from '../scripts/runner-sim.js'
import { env, runJob, stats } from './lib.js'

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '2' }, out: { type: 'string', default: '' } }
})

const registry = env('E2E_HTTP_REGISTRY')
const platforms = env('E2E_PLATFORMS').split(',')
const stamp = Date.now().toString(36)
const runs = Number(args.runs)
const NATIVE = 'linux/amd64'
if (!platforms.includes(NATIVE)) throw new Error(`E2E_PLATFORMS must include ${NATIVE}, this machine's own`)

/** The action's inputs for the Go program, built under emulation, cold. */
const buildInputs = (/** @type {string} */ platformList, /** @type {string} */ tags) => ({
  platforms: platformList,
  context: path.join(ROOT, 'bench/go'),
  file: path.join(ROOT, 'bench/go/Dockerfile.emulated'),
  tags,
  'build-args': [
    `BASE=${registry}/${env('E2E_BASE_IMAGE')}`,
    `GOLANG=${registry}/${env('E2E_GOLANG_IMAGE')}`
  ].join('\n'),
  'buildkit-image': env('E2E_BUILDKIT_IMAGE'),
  'host-network': 'true',
  'no-cache': 'true'
})

/** @param {number} n */
async function oneStep(n) {
  const { main, seconds } = await runJob(
    buildInputs(platforms.join(','), `${registry}/bench/dist-onestep:${stamp}-${n}`)
  )
  console.error(
    `  run ${n + 1}/${runs} one-step (${main.outputs['emulated-platforms']} emulated): ${seconds.toFixed(1)} s`
  )
  return seconds
}

/** @param {number} n */
async function distributed(n) {
  const repository = `${registry}/bench/dist-src-${stamp}`
  /** @type {Record<string, number>} */
  const jobs = {}
  const sources = []
  for (const platform of platforms) {
    const { main, seconds } = await runJob({ ...buildInputs(platform, repository), 'push-by-digest': 'true' })
    jobs[platform] = seconds
    sources.push(`${repository}@${main.outputs.digest}`)
    console.error(`  run ${n + 1}/${runs} job ${platform.padEnd(12)}: ${seconds.toFixed(1)} s`)
  }
  const { main, seconds: merge } = await runJob(
    {
      sources: sources.join('\n'),
      tags: `${registry}/bench/dist-merged:${stamp}-${n}`,
      platforms: platforms.join(',')
    },
    { action: 'merge/action.yml' }
  )
  const merged = Object.keys(JSON.parse(main.outputs['platform-digests'] ?? '{}')).sort()
  if (merged.join(',') !== [...platforms].sort().join(','))
    throw new Error(`the merged index holds ${merged.join(', ')}, not ${platforms.join(', ')}`)
  console.error(`  run ${n + 1}/${runs} merge              : ${merge.toFixed(1)} s`)
  const slowest = Math.max(...Object.values(jobs))
  return {
    jobs,
    merge,
    wall: slowest + merge,
    nativeEstimate: (jobs[NATIVE] ?? NaN) + merge,
    oneAfterAnother: Object.values(jobs).reduce((a, b) => a + b, 0) + merge
  }
}

/** @type {number[]} */
const oneStepRuns = []
/** @type {Awaited<ReturnType<typeof distributed>>[]} */
const distributedRuns = []
const pick = (/** @type {(r: (typeof distributedRuns)[number]) => number} */ f) =>
  stats(distributedRuns.map(f))
const started = new Date().toISOString()
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
const loadBefore = os.loadavg()[0]
const out = args.out || path.join(ROOT, `bench/results/${started.slice(0, 10)}-distributed.json`)

/** The result so far (pairs completed), written after every run so that a slow run still leaves one. */
function summary() {
  const oneStepStats = stats(oneStepRuns)
  const wall = pick(r => r.wall)
  const nativeEstimate = pick(r => r.nativeEstimate)
  return {
    date: started,
    commit,
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadAverage: { before: loadBefore, after: os.loadavg()[0] }
    },
    platforms: platforms.join(','),
    build:
      'bench/go/Dockerfile.emulated (go build inside each target platform), no-cache, fresh builder per job',
    runs: Math.min(oneStepRuns.length, distributedRuns.length),
    note:
      'distributed.wall = slowest per-platform job + merge: the wall time of the flow when the per-platform jobs ' +
      'run in parallel on their own runners. On this machine (x86, no ARM CPU) the jobs ran one after another ' +
      'and the arm jobs still ran go build under QEMU, so distributed.wall is an upper bound of what native ' +
      `runners give; distributed.nativeEstimate = the ${NATIVE} job (the one native job here) + merge, about ` +
      'what the flow takes with a native runner per platform.',
    oneStep: oneStepStats,
    distributed: {
      jobs: Object.fromEntries(platforms.map(p => [p, pick(r => r.jobs[p] ?? NaN)])),
      merge: pick(r => r.merge),
      wall,
      nativeEstimate,
      oneAfterAnother: pick(r => r.oneAfterAnother)
    },
    ratios: {
      oneStepOverDistributedWall: Number((oneStepStats.median / wall.median).toFixed(2)),
      oneStepOverNativeEstimate: Number((oneStepStats.median / nativeEstimate.median).toFixed(2))
    }
  }
}

for (let n = 0; n < runs; n++) {
  const order = n % 2 === 0 ? ['one-step', 'distributed'] : ['distributed', 'one-step']
  for (const side of order) {
    if (side === 'one-step') oneStepRuns.push(await oneStep(n))
    else distributedRuns.push(await distributed(n))
  }
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, `${JSON.stringify(summary(), null, 2)}\n`)
}
const result = summary()

const f = (/** @type {number} */ x) => x.toFixed(1).padStart(7)
console.log(`\nGo program, ${result.platforms}, go build under emulation, cold; ${runs} runs each, medians:`)
console.log(`one-step (QEMU for arm)                        ${f(result.oneStep.median)} s`)
for (const [platform, s] of Object.entries(result.distributed.jobs))
  console.log(`  per-platform job ${platform.padEnd(29)} ${f(s.median)} s`)
console.log(`  merge                                        ${f(result.distributed.merge.median)} s`)
console.log(
  `distributed wall (slowest job + merge)         ${f(result.distributed.wall.median)} s   one-step / this = ${result.ratios.oneStepOverDistributedWall}`
)
console.log(
  `native estimate (${NATIVE} job + merge)        ${f(result.distributed.nativeEstimate.median)} s   one-step / this = ${result.ratios.oneStepOverNativeEstimate}`
)
console.log(
  `(jobs one after another on this machine: ${f(result.distributed.oneAfterAnother.median).trim()} s)`
)
console.log(
  'The distributed wall time stands for the per-platform jobs running in parallel on separate runners; here the\n' +
    'arm jobs still ran under QEMU, so it is an upper bound; with native runners each job takes about as long as\n' +
    `the ${NATIVE} one (the native estimate).`
)
console.log(`written ${path.relative(ROOT, out)}`)
