#!/usr/bin/env node
/**
 * Benchmark: what this action costs on top of the bare buildx commands it drives, on the e2e stack
 * (`. /tmp/e2e-stack/env.sh` first). Runs the same multi-platform build N times each way, alternating:
 *   (a) bare CLI: docker buildx create --bootstrap, docker buildx build --push, docker buildx rm
 *   (b) the action: dist/index.js main + post, run the way the GitHub runner runs it
 * Scenarios (a fresh builder every time unless warm, so both sides pay the same bootstrap):
 *   cold     the e2e fixture: one RUN step per platform (the smallest build there is)
 *   cold-go  a small Go program, cross-compiled for each platform (needs `E2E_GOLANG=1 up`)
 *   warm     the fixture again on an existing builder with a warm cache (the action reuses the builder)
 *   second-run  the action only, as a second CI run: the Go program (Dockerfile.cached) on a fresh builder
 *            with `cache: registry` in the private-CA registry, then again on a fresh builder after a
 *            one-line source change; the second run's time against the first's, and its CACHED steps
 * Prints min/median/max and the ratio (b)/(a) of the medians, and writes JSON. With --cross (needs
 * `E2E_GOLANG=1 up`), also times the Go program built under emulation vs cross-compiled, through the action.
 * With --baseline DIR (a checkout of an earlier commit with its dist/ bundled), every pair gets a third side,
 *   (c) the action at that checkout, run through its own scripts/runner-sim.js,
 * in the same rotation, and the result adds the ratio (b)/(c): the current action against the earlier one
 * under the same load, which a machine shared with other work needs (ratios from different days drift).
 *
 *   node bench/bench.js [--pairs 5] [--scenarios cold,cold-go,warm] [--cross] [--baseline DIR]
 *                       [--out bench/results/DATE.json]
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ROOT, newJob } from '../scripts/runner-sim.js'
import { env, stats, timed } from './lib.js'

/** The private-CA registry (a private DNS name) and its CA, for the second-run scenario's cache. */
const privateRegistry = env('E2E_PRIVATE_REGISTRY')
const registryCa = env('E2E_REGISTRY_CA')

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '5' },
    scenarios: { type: 'string', default: 'cold,cold-go,warm' },
    cross: { type: 'boolean', default: false },
    baseline: { type: 'string', default: '' },
    out: { type: 'string', default: '' }
  }
})

const registry = env('E2E_HTTP_REGISTRY')
const platforms = env('E2E_PLATFORMS')
const buildkitImage = env('E2E_BUILDKIT_IMAGE')
const base = `${registry}/${env('E2E_BASE_IMAGE')}`
const context = path.join(ROOT, '__tests__/e2e/fixtures/uname')
const pairs = Number(args.pairs)
/** The earlier checkout's runner simulation (its newJob runs its own action.yml and dist/). */
const baseline = args.baseline
  ? /** @type {typeof import('../scripts/runner-sim.js')} */ (
      await import(pathToFileURL(path.join(path.resolve(args.baseline), 'scripts/runner-sim.js')).href)
    )
  : undefined
const stamp = Date.now().toString(36)

/** @param {string[]} argv */
function docker(argv) {
  execFileSync('docker', argv, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** @param {import('../scripts/runner-sim.js').StepResult} step @param {string} what */
function check(step, what) {
  if (step.exitCode !== 0) throw new Error(`${what} failed:\n${step.log.slice(-3000)}`)
}

// The same builder the action creates with host-network: true (the stack has no bridge network).
const createArgs = (/** @type {string} */ name) => [
  ...['buildx', 'create', '--name', name, '--driver', 'docker-container'],
  ...['--driver-opt', `image=${buildkitImage}`, '--driver-opt', 'network=host'],
  ...['--buildkitd-flags', '--allow-insecure-entitlement network.host', '--bootstrap']
]

/**
 * What is built: a context, an optional Dockerfile and build args.
 * @typedef {{ context: string, file?: string, args: string[] }} Build
 */
/** @type {Build} */
const fixture = { context, args: [`BASE=${base}`] }
/** @returns {Build} */
const goProgram = (/** @type {'cross' | 'emulated'} */ kind) => ({
  context: path.join(ROOT, 'bench/go'),
  file: path.join(ROOT, `bench/go/Dockerfile.${kind}`),
  args: [`BASE=${base}`, `GOLANG=${registry}/${env('E2E_GOLANG_IMAGE')}`]
})
const buildArgs = (
  /** @type {string} */ builder,
  /** @type {string} */ tag,
  /** @type {string} */ metadata,
  /** @type {Build} */ what
) => [
  ...['buildx', 'build', '--builder', builder, '--platform', platforms],
  ...what.args.flatMap(a => ['--build-arg', a]),
  ...(what.file ? ['--file', what.file] : []),
  ...['--tag', tag, '--metadata-file', metadata, '--push', what.context]
]
const actionInputs = (/** @type {string} */ tag, /** @type {Build} */ what) => ({
  platforms,
  context: what.context,
  ...(what.file ? { file: what.file } : {}),
  tags: tag,
  'build-args': what.args.join('\n'),
  'buildkit-image': buildkitImage,
  'host-network': 'true'
})

/**
 * One run of an action side: a job of the given checkout's runner simulation, main then post.
 * @param {typeof newJob} makeJob
 * @param {string} label
 * @param {string} name the scenario
 * @param {Build} what
 * @param {Record<string, string>} extra
 */
async function runAction(makeJob, label, name, what, extra) {
  const tag = `${registry}/bench/${name}:${label}-${stamp}-${Math.random().toString(36).slice(2, 8)}`
  const job = makeJob({ ...actionInputs(tag, what), ...extra })
  /** @type {import('../scripts/runner-sim.js').StepResult | undefined} */
  let main
  /** @type {import('../scripts/runner-sim.js').StepResult | undefined} */
  let post
  const mainSeconds = await timed(async () => (main = await job.main()))
  const postSeconds = await timed(async () => (post = await job.post()))
  await job.finish?.() // an earlier checkout's runner simulation may have no finish
  if (!main || !post) throw new Error(`${label}: no step result`)
  check(main, `${label} main`)
  check(post, `${label} post`)
  if (label !== 'action') return
  const costs = { main: processCost(main, mainSeconds), post: processCost(post, postSeconds) }
  if (costs.main !== undefined) processCosts.main.push(costs.main)
  if (costs.post !== undefined) processCosts.post.push(costs.post)
}

/** One scenario: N alternating pairs of (bare, action), or rounds of (bare, action, baseline). */
async function scenario(/** @type {'cold' | 'cold-go' | 'warm'} */ name) {
  const what = name === 'cold-go' ? goProgram('cross') : fixture
  const warm = name === 'warm'
  const warmBuilder = `bench-warm-${stamp}`
  const metadata = path.join(fs.mkdtempSync('/tmp/bench-'), 'metadata.json')
  if (warm) {
    docker(createArgs(warmBuilder))
    docker(buildArgs(warmBuilder, `${registry}/bench/warm:prime-${stamp}`, metadata, what)) // fill the cache
  }
  const extra = warm ? { 'builder-name': warmBuilder, 'reuse-builder': 'true' } : {}
  /** @type {Record<string, () => Promise<void>>} */
  const sides = {
    bare: async () => {
      const tag = `${registry}/bench/${name}:bare-${stamp}-${Math.random().toString(36).slice(2, 8)}`
      if (warm) {
        docker(buildArgs(warmBuilder, tag, metadata, what))
      } else {
        const builder = `bench-bare-${stamp}-${Math.random().toString(36).slice(2, 8)}`
        docker(createArgs(builder))
        docker(buildArgs(builder, tag, metadata, what))
        docker(['buildx', 'rm', builder])
      }
    },
    action: () => runAction(newJob, 'action', name, what, extra),
    ...(baseline ? { baseline: () => runAction(baseline.newJob, 'baseline', name, what, extra) } : {})
  }
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(Object.keys(sides).map(side => [side, []]))
  const names = Object.keys(sides)
  for (let i = 0; i < pairs; i++) {
    // Each side takes each place in turn (two sides: alternating which goes first).
    const order = names.map((_, k) => names[(i + k) % names.length] ?? '')
    for (const side of order) {
      const seconds = await timed(sides[side])
      times[side].push(seconds)
      console.error(`  ${name} pair ${i + 1}/${pairs} ${side.padEnd(6)} ${seconds.toFixed(2)} s`)
    }
  }
  if (warm) docker(['buildx', 'rm', warmBuilder])
  const bare = stats(times.bare ?? [])
  const action = stats(times.action ?? [])
  const ratio = Number((action.median / bare.median).toFixed(3))
  if (!times.baseline) return { pairs, bare, action, ratio }
  const base = stats(times.baseline)
  return {
    pairs,
    bare,
    action,
    ratio,
    baseline: { ...base, ratio: Number((base.median / bare.median).toFixed(3)) },
    actionOverBaseline: Number((action.median / base.median).toFixed(3))
  }
}

/** Cold start: the post entry (`node dist/post/index.js`) with nothing to clean up, against `node -e 0`. */
async function coldStart() {
  const runs = { node: [], bundle: [] }
  for (let i = 0; i < 10; i++) {
    runs.node.push(await timed(() => execFileSync(process.execPath, ['-e', '0'])))
    runs.bundle.push(
      await timed(() =>
        execFileSync(process.execPath, [path.join(ROOT, 'dist/post/index.js')], { stdio: 'ignore' })
      )
    )
  }
  return { node: stats(runs.node), bundle: stats(runs.bundle) }
}

/**
 * What a step's process costs besides the run itself: its wall time minus the phase total the run logs
 * (`phase-timings`, from the first line of main or post to its last): Node's start, loading the bundle, exit.
 * @param {import('../scripts/runner-sim.js').StepResult} step @param {number} seconds
 */
function processCost(step, seconds) {
  const line = /phase-timings (\{.*\})/.exec(step.log)?.[1]
  if (line === undefined) return undefined
  return seconds - Number(JSON.parse(line).total) / 1000
}
/** Each action side's process costs, by step, over all scenarios (seconds). */
const processCosts = { main: /** @type {number[]} */ ([]), post: /** @type {number[]} */ ([]) }

/**
 * A second CI run: the Go program built with `cache: registry` (next to the first tag, in the private-CA
 * registry) on a fresh builder, then, after one line of its source changed, again on a fresh builder. Each
 * round has a repository (and so a cache) of its own.
 */
async function secondRun() {
  const first = /** @type {number[]} */ ([])
  const second = /** @type {number[]} */ ([])
  const cachedSteps = /** @type {number[]} */ ([])
  for (let i = 0; i < pairs; i++) {
    const dir = fs.mkdtempSync('/tmp/bench-second-run-')
    fs.copyFileSync(path.join(ROOT, 'bench/go/hello.go'), path.join(dir, 'hello.go'))
    const what = {
      context: dir,
      file: path.join(ROOT, 'bench/go/Dockerfile.cached'),
      args: goProgram('cross').args
    }
    const inputs = {
      ...actionInputs(`${privateRegistry}/bench/second-run-${stamp}-${i}:1`, what),
      cache: 'registry',
      'ca-certs': `${privateRegistry}=${registryCa}`
    }
    const run = async () => {
      const job = newJob(inputs)
      /** @type {import('../scripts/runner-sim.js').StepResult | undefined} */
      let main
      const seconds = await timed(async () => {
        main = await job.main()
        check(main, 'second-run main')
        check(await job.post(), 'second-run post')
      })
      await job.finish()
      return { seconds, log: main?.log ?? '' }
    }
    const one = await run()
    const source = fs.readFileSync(path.join(dir, 'hello.go'), 'utf8')
    fs.writeFileSync(path.join(dir, 'hello.go'), source.replace('Hello, %s!', `Hello again (${i}), %s!`))
    const two = await run()
    first.push(one.seconds)
    second.push(two.seconds)
    cachedSteps.push((two.log.match(/^#\d+ CACHED$/gm) ?? []).length)
    console.error(
      `  second-run ${i + 1}/${pairs}: first ${one.seconds.toFixed(2)} s, second ${two.seconds.toFixed(2)} s`
    )
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const a = stats(first)
  const b = stats(second)
  return { pairs, first: a, second: b, ratio: Number((b.median / a.median).toFixed(3)), cachedSteps }
}

/** The same Go program for every platform, compiled under emulation vs cross-compiled, through the action. */
async function cross() {
  /** @type {Record<string, number>} */
  const seconds = {}
  for (const kind of /** @type {const} */ (['emulated', 'cross'])) {
    const job = newJob({
      ...actionInputs(`${registry}/bench/go-${kind}:${stamp}`, goProgram(kind)),
      'no-cache': 'true'
    })
    seconds[kind] = await timed(async () => {
      const { main, post } = await job.run()
      check(main, `go ${kind}`)
      check(post, `go ${kind} post`)
    })
    await job.finish()
    console.error(`  go ${kind}: ${seconds[kind].toFixed(1)} s`)
  }
  return { ...seconds, ratio: Number((seconds.emulated / seconds.cross).toFixed(2)) }
}

const result = {
  date: new Date().toISOString(),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  platforms,
  dist: { bytes: fs.statSync(path.join(ROOT, 'dist/index.js')).size },
  ...(args.baseline
    ? {
        baseline: {
          commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
            cwd: args.baseline,
            encoding: 'utf8'
          }).trim(),
          dist: { bytes: fs.statSync(path.join(args.baseline, 'dist/index.js')).size }
        }
      }
    : {}),
  coldStart: await coldStart(),
  /** @type {Record<string, unknown>} */
  scenarios: {}
}
for (const name of args.scenarios.split(',').filter(Boolean)) {
  if (name === 'second-run') {
    console.error(`scenario second-run: ${pairs} rounds of two runs`)
    result.scenarios[name] = await secondRun()
    continue
  }
  console.error(`scenario ${name}: ${pairs} alternating pairs`)
  result.scenarios[name] = await scenario(/** @type {'cold' | 'cold-go' | 'warm'} */ (name))
}
if (args.cross) result.scenarios.cross = await cross()
/** Each Node process of the action, over `node -e 0` (medians). */
const mainCost = stats(processCosts.main.length > 0 ? processCosts.main : [NaN])
const postCost = stats(processCosts.post.length > 0 ? processCosts.post : [NaN])
const overNode = (/** @type {number} */ median) => Number((median - result.coldStart.node.median).toFixed(3))
result.processes = {
  main: mainCost,
  post: postCost,
  overNode: { main: overNode(mainCost.median), post: overNode(postCost.median) }
}

const f = (/** @type {number} */ x) => x.toFixed(2).padStart(6)
console.log(
  `\ndist/index.js ${result.dist.bytes} bytes; cold start median ${f(result.coldStart.bundle.median)} s (bare node ${f(result.coldStart.node.median)} s)`
)
console.log(
  `per process, besides the run (medians): main ${f(result.processes.main.median)} s, post ${f(result.processes.post.median)} s; ` +
    `over node -e 0: main ${result.processes.overNode.main} s, post ${result.processes.overNode.post} s`
)
console.log('scenario   side     min    median  max     ratio (action/bare, medians)')
for (const [name, s] of Object.entries(result.scenarios)) {
  if (name === 'cross') continue
  if (name === 'second-run') {
    const sr = /** @type {{ first: any, second: any, ratio: number, cachedSteps: number[] }} */ (s)
    console.log(
      `second-run first ${f(sr.first.median)} s, second ${f(sr.second.median)} s: second / first ${sr.ratio.toFixed(3)}` +
        ` (CACHED steps in the second run: ${sr.cachedSteps.join(', ')})`
    )
    continue
  }
  const sc =
    /** @type {{ bare: any, action: any, ratio: number, baseline?: any, actionOverBaseline?: number }} */ (s)
  console.log(`${name.padEnd(10)} bare   ${f(sc.bare.min)} ${f(sc.bare.median)} ${f(sc.bare.max)}`)
  console.log(
    `${name.padEnd(10)} action ${f(sc.action.min)} ${f(sc.action.median)} ${f(sc.action.max)}   ${sc.ratio.toFixed(3)}`
  )
  if (sc.baseline) {
    const b = sc.baseline
    console.log(
      `${name.padEnd(10)} base   ${f(b.min)} ${f(b.median)} ${f(b.max)}   ${b.ratio.toFixed(3)}` +
        `   (action / baseline ${sc.actionOverBaseline?.toFixed(3)})`
    )
  }
}
if (args.cross)
  console.log(`go hello, 3 platforms, no cache: emulated / cross-compiled = ${result.scenarios.cross.ratio}`)
const out = args.out || path.join(ROOT, `bench/results/${result.date.slice(0, 10)}.json`)
fs.mkdirSync(path.dirname(out), { recursive: true })
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
console.log(`written ${path.relative(ROOT, out)}`)
