/** The smoke-test phase: the pushed image of every platform run once, results logged, set and summarised. */
import { parseImageReference } from '../oci/reference.js'
import { runSmokeTests, type SmokeResult } from '../docker/smoke.js'
import type { CommandRunner } from '../core/runner.js'
import type { LogSink } from '../core/reporter.js'

export interface SmokePhaseOptions {
  runner: CommandRunner
  log: LogSink
  /** The first pushed tag: its repository holds the platform digests. */
  image: string
  platforms: Readonly<Record<string, string>>
  args: readonly string[]
  timeoutSeconds: number
  runId: string
}

/** Runs the smoke test; returns the results (the caller reports a failure after the summary is written). */
export async function smokeTest(options: SmokePhaseOptions): Promise<SmokeResult[]> {
  const ref = parseImageReference(options.image)
  const repository = `${ref.registry}/${ref.repository}`
  const { log } = options
  log.info(
    `running \`${options.args.join(' ')}\` in ${Object.keys(options.platforms).join(', ')} ` +
      `(${repository}, by digest; at most ${options.timeoutSeconds} s each)`
  )
  const { runner, platforms, args, timeoutSeconds, runId } = options
  const results = await runSmokeTests({ runner, repository, platforms, args, timeoutSeconds, runId })
  for (const r of results) {
    const verdict = r.passed ? 'passed' : r.timedOut ? 'TIMED OUT' : `FAILED (exit code ${r.exitCode})`
    log.info(`${r.platform}: ${verdict} in ${r.seconds} s`)
    for (const line of (r.output || '(no output)').split('\n')) log.info(`  ${line}`)
  }
  return results
}

/** The `smoke-results` output: platform -> what happened. */
export function smokeResultsJson(results: readonly SmokeResult[]): string {
  const out: Record<string, unknown> = {}
  for (const r of results) {
    out[r.platform] = {
      passed: r.passed,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      seconds: r.seconds,
      image: r.image,
      output: r.output
    }
  }
  return JSON.stringify(out)
}
