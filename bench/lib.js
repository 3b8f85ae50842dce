/**
 * What the benchmark scripts share: the stack's variables, timing, summary statistics, and one job run
 * to its end through scripts/runner-sim.js (the way the GitHub runner runs a step).
 */
import { newJob } from '../scripts/runner-sim.js'

/**
 * A variable the e2e stack's env.sh exports.
 * @param {string} name
 */
export function env(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: source the e2e stack's env.sh first`)
  return value
}

/**
 * @param {() => Promise<void> | void} fn
 * @returns {Promise<number>} seconds
 */
export async function timed(fn) {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** @param {number[]} xs */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  return { min: s[0], median, max: s[s.length - 1], runs: xs.map(x => Number(x.toFixed(3))) }
}

/**
 * Runs one job (main, then post when the action has one) and times it as a whole; a failed step throws
 * with the end of its log.
 * @param {Record<string, string>} inputs
 * @param {{ action?: string }} [options]
 * @returns {Promise<{ main: import('../scripts/runner-sim.js').StepResult, seconds: number }>}
 */
export async function runJob(inputs, options = {}) {
  const job = newJob(inputs, {}, options)
  try {
    /** @type {import('../scripts/runner-sim.js').StepResult | undefined} */
    let main
    const seconds = await timed(async () => {
      const steps = await job.run()
      main = steps.main
      for (const [name, step] of Object.entries(steps)) {
        if (step.exitCode !== 0) throw new Error(`${name} step failed:\n${step.log.slice(-3000)}`)
      }
    })
    if (!main) throw new Error('the job ran no main step')
    return { main, seconds }
  } finally {
    await job.finish()
  }
}
