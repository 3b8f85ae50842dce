#!/usr/bin/env node
/**
 * Benchmark of the merge action (merge/action.yml) on the e2e stack (`. /tmp/e2e-stack/env.sh` first):
 * three per-platform images (each pushed by the action on its own, with its provenance attestation, as
 * native per-platform jobs would) merged into one index, N times each way:
 *   mount  into another repository of the same registry (the HTTP registry): blobs are mounted, the
 *          merge moves manifests only
 *   copy   into another registry (the private-CA HTTPS registry under its private name): every blob is
 *          streamed through the action
 * Each run is a whole step as the runner runs it (node dist/index.js with the merge action's inputs);
 * reported: the step's wall time and the merge itself (`merged in`, from reading the sources to the
 * read-back of the pushed index). Writes JSON.
 *
 *   node bench/merge.js [--runs 5] [--out bench/results/DATE-merge.json]
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from '../scripts/runner-sim.js'
import { env, runJob, stats } from './lib.js'

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, out: { type: 'string', default: '' } }
})

const http = env('E2E_HTTP_REGISTRY')
const privateRegistry = env('E2E_PRIVATE_REGISTRY')
const stamp = Date.now().toString(36)
const runs = Number(args.runs)

console.log('pushing three per-platform images with the action ...')
const sources = []
for (const platform of env('E2E_PLATFORMS').split(',')) {
  const repository = `${http}/bench/merge-src-${platform.replace(/\//g, '-')}`
  const { main } = await runJob({
    platforms: platform,
    context: path.join(ROOT, '__tests__/e2e/fixtures/uname'),
    tags: `${repository}:${stamp}`,
    'build-args': `BASE=${http}/${env('E2E_BASE_IMAGE')}`,
    'buildkit-image': env('E2E_BUILDKIT_IMAGE'),
    'host-network': 'true'
  })
  sources.push(`${repository}@${main.outputs.digest}`)
}

const ca = env('E2E_REGISTRY_CA')
const scenarios = {
  mount: (/** @type {number} */ n) => ({ tags: `${http}/bench/merged:${stamp}-${n}` }),
  copy: (/** @type {number} */ n) => ({
    tags: `${privateRegistry}/bench/merged-${stamp}-${n}:1`,
    'ca-certs': `${privateRegistry}=${ca}`
  })
}
/** @type {Record<string, { step: ReturnType<typeof stats>, merge: ReturnType<typeof stats>, blobs: string }>} */
const results = {}
for (const [name, inputs] of Object.entries(scenarios)) {
  const wall = []
  const merge = []
  let blobs = ''
  for (let n = 0; n < runs; n++) {
    const { main, seconds } = await runJob(
      { sources: sources.join('\n'), platforms: env('E2E_PLATFORMS'), ...inputs(n) },
      { action: 'merge/action.yml' }
    )
    wall.push(seconds)
    merge.push(Number(/merged in ([\d.]+) s/.exec(main.log)?.[1] ?? NaN))
    blobs = /(\d+ blobs mounted, \d+ copied, \d+ already there)/.exec(main.log)?.[1] ?? ''
  }
  results[name] = { step: stats(wall), merge: stats(merge), blobs }
}

const f = (/** @type {number} */ x) => x.toFixed(2).padStart(6)
console.log('merge of 3 platform images   step: min  median  max  | merge: min  median  max  | blobs')
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(28)} ${f(r.step.min)} ${f(r.step.median)} ${f(r.step.max)} | ` +
      `${f(r.merge.min)} ${f(r.merge.median)} ${f(r.merge.max)} | ${r.blobs}`
  )
}
const date = new Date().toISOString()
const out = args.out || path.join(ROOT, `bench/results/${date.slice(0, 10)}-merge.json`)
fs.mkdirSync(path.dirname(out), { recursive: true })
fs.writeFileSync(out, `${JSON.stringify({ date, runs, sources, scenarios: results }, null, 2)}\n`)
console.log(`written ${path.relative(ROOT, out)}`)
