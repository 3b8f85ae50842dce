/**
 * The build phase of a run: `docker buildx build` with retries for transient failures, a hint naming the
 * platform and step when an emulated step crashed, and the time each platform took.
 */
import { evaluates } from '../buildx/build-options.js'
import { BuildError, progressFormat, runBuild } from '../buildx/build.js'
import { failedCacheExports } from '../buildx/cache.js'
import { effectiveProvenance, jobProvenanceFacts } from '../buildx/provenance.js'
import { withRetries } from '../core/retry.js'
import type { CommandRunner } from '../core/runner.js'
import type { Inputs } from '../inputs/inputs.js'
import { retryOptions, type MainDeps } from '../step/deps.js'
import { crashHints, reportTimings, type PlatformTiming } from './timings.js'

export interface BuildStepOptions {
  deps: MainDeps
  inputs: Inputs
  runner: CommandRunner
  builder: string
  buildxVersion: string
  metadataFile: string
  /** The platforms built under QEMU on this runner. */
  emulated: readonly string[]
}

/**
 * Builds (and pushes) the image; returns each platform's build time, or undefined when `call` only
 * evaluated the build (check, outline, targets: nothing was built, pushed or exported).
 */
export async function buildImage(options: BuildStepOptions): Promise<PlatformTiming[] | undefined> {
  const { deps, inputs, emulated } = options
  const { reporter } = deps
  const evaluateOnly = evaluates(inputs.buildOptions.call)
  const title = evaluateOnly
    ? `Evaluate (call: ${inputs.buildOptions.call})`
    : `Build ${inputs.platforms.join(', ')}${inputs.push ? ' and push' : ''}`
  const provenance = effectiveProvenance(inputs, jobProvenanceFacts(deps.env))
  const build = await reporter.group(title, () => {
    if (provenance !== inputs.provenance)
      reporter.info(`provenance: ${provenance} (build-push-action's default; set provenance to choose)`)
    return withRetries(retryOptions(deps, inputs, 'Build'), () =>
      runBuild(options.runner, {
        log: reporter,
        builder: options.builder,
        metadataFile: options.metadataFile,
        settings: { ...inputs, provenance },
        progress: progressFormat(options.buildxVersion)
      })
    ).catch((error: unknown) => {
      // A step that crashed under QEMU: name the platform and the step (the error itself follows).
      if (error instanceof BuildError)
        for (const hint of crashHints(error.steps, inputs.platforms, emulated))
          reporter.error(hint.message, { title: hint.title })
      throw error
    })
  })
  for (const problem of failedCacheExports(build.steps)) reporter.warning(problem, { title: 'Build cache' })
  if (evaluateOnly) return undefined
  return reporter.group('Build time per platform', () =>
    reportTimings(reporter, build.steps, inputs.platforms, emulated)
  )
}
