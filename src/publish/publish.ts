/**
 * What follows the push: the digests read back from the registry, the content checks (index structure,
 * binaries), the smoke test, the signature, and only then the tags, so that a failed check leaves every tag
 * where it was.
 * With push-by-digest the image stays untagged: a later merge tags the combined index.
 */
import type { SmokeResult } from '../docker/smoke.js'
import type { Inputs } from '../inputs/inputs.js'
import { runContentChecks } from './content-checks.js'
import { retryOptions, type MainDeps } from '../step/deps.js'
import type { CommandRunner } from '../core/runner.js'
import type { Registries } from '../step/registries.js'
import { smokeTest } from './smoke-test.js'
import { smokeFailure } from '../docker/smoke.js'
import type { PhaseClock } from '../core/phases.js'
import { putTags } from './tags.js'
import { signImage } from '../cosign/sign-image.js'
import { loadPushedImage, type LoadedImage } from './load.js'
import { logDigests, reportDigests, warnMoved, type DigestReport } from './read-back.js'

export interface PublishOptions {
  deps: MainDeps
  inputs: Inputs
  /** The run's registries (the builder's settings, this run's credentials): one client each, for every phase. */
  registries: Registries
  /** The runner with the run's buildx and docker config (smoke test, cosign, docker load). */
  runner: CommandRunner
  builder: string
  metadataFile: string
  /** When the build started (ms since the epoch): layers made since then count as added by it. */
  builtSince: number
  /** Times the phases: read back, content checks, smoke test, tags, load. */
  clock: PhaseClock
  /** The run's work directory (the load archive is written there). */
  work: string
}

export interface Published {
  report: DigestReport
  /** The smoke test's results, when there was one. */
  smoke?: SmokeResult[]
  /** The smoke test's failure (nothing was signed or tagged then): thrown after the outputs are set. */
  smokeFailure?: Error
  /** With load and push: what was loaded into the engine after the tags. */
  loaded?: LoadedImage
  /** With sign: the command that verifies the signature. */
  signatureVerifyCommand?: string
}

export async function publishImage(options: PublishOptions): Promise<Published> {
  const { deps, inputs, registries, runner, clock } = options
  const { reporter } = deps
  // Tags are put after the checks, except with push-by-digest, which puts none.
  const tagsPending = inputs.push && !inputs.pushByDigest
  const digests = await clock.time('read-back', () =>
    reporter.group('Digests', async () =>
      logDigests(
        reporter,
        await reportDigests({
          registries,
          reporter,
          metadataFile: options.metadataFile,
          pushed: inputs.push,
          platforms: inputs.platforms,
          names: inputs.tags,
          tagsPending,
          retry: retryOptions(deps, inputs, 'Reading the image back')
        })
      )
    )
  )
  const served = digests.served
  if (!served) return { report: digests }
  await clock.time('content-checks', () =>
    reporter.group('Content checks', () =>
      runContentChecks({
        registries,
        reporter,
        image: served.image,
        index: served.manifest,
        platforms: inputs.platforms,
        ...(digests.metadata.platform ? { singlePlatform: digests.metadata.platform } : {}),
        binaries: inputs.checkBinaries,
        budgetBytes: inputs.checkBinariesBudget,
        builtSince: options.builtSince,
        retry: retryOptions(deps, inputs, 'Reading the image')
      })
    )
  )
  // The smoke test runs each platform's image by digest, before any tag points at it.
  const [firstTag] = inputs.tags
  const smoke =
    inputs.smokeTest.length > 0 && firstTag !== undefined
      ? await clock.time('smoke', () =>
          reporter.group('Smoke test', () =>
            smokeTest({
              runner,
              log: reporter,
              image: firstTag,
              platforms: digests.platforms,
              args: inputs.smokeTest,
              timeoutSeconds: inputs.smokeTestTimeout,
              runId: options.builder
            })
          )
        )
      : undefined
  const withSmoke = smoke ? { smoke } : {}
  const failure = smoke ? smokeFailure(smoke, inputs.smokeTest) : undefined
  if (failure) return { report: digests, ...withSmoke, smokeFailure: failure }
  // What passed the checks is signed (and the signature verified) before any tag points at it.
  const signed =
    inputs.sign !== 'false'
      ? {
          signatureVerifyCommand: await clock.time('sign', () =>
            reporter.group('Sign (cosign)', () =>
              signImage({
                deps,
                inputs,
                access: { config: registries.config, runner },
                digest: digests.digest,
                platforms: digests.platforms,
                work: options.work
              })
            )
          )
        }
      : {}
  if (!tagsPending) return { report: digests, ...withSmoke, ...signed }
  const moved = await clock.time('tags', () =>
    reporter.group('Tags', () =>
      putTags({
        registries,
        reporter,
        tags: inputs.tags,
        manifest: served.manifest,
        retry: retryOptions(deps, inputs, 'Tagging')
      })
    )
  )
  warnMoved(reporter, digests.digest, moved)
  // Only an image that passed every check, under tags that now point at it, is loaded.
  const loaded = inputs.buildOptions.load
    ? await clock.time('load', () =>
        reporter.group('Load into the Docker engine', () =>
          loadPushedImage({
            registries,
            reporter,
            runner,
            tags: inputs.tags,
            platforms: digests.platforms,
            work: options.work,
            retry: retryOptions(deps, inputs, 'Loading')
          })
        )
      )
    : undefined
  return { report: { ...digests, moved }, ...withSmoke, ...signed, ...(loaded ? { loaded } : {}) }
}
