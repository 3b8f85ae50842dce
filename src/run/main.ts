/**
 * One run of the action, in order. Each phase lives in its own module; this file is the table of contents.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { uniqueBuilderName } from '../buildx/builder.js'
import { BuildError, progressFormat, runBuild } from '../buildx/build.js'
import { builderDiskUse } from '../buildx/du.js'
import type { HintContext } from '../buildx/output.js'
import { evaluates } from '../buildx/build-options.js'
import { checkLoad } from './build-checks.js'
import { describeInputs } from '../inputs/describe.js'
import { InputError, readInputs, type Inputs } from '../inputs/inputs.js'
import { withRetries } from '../core/retry.js'
import { retryOptions, type MainDeps } from './deps.js'
import { emulatePlatforms, logEmulation, requireEmulators } from './emulation.js'
import { logDigests, publishOutputs, RunError } from './outputs.js'
import { provisionBuilder } from './provision.js'
import { nodesInUse, placementOf } from './nodes.js'
import { maskSecrets } from './secrets.js'
import * as state from './state.js'
import { reportDigests, warnMoved } from './verify.js'
import { smokeFailure, smokeTest } from './smoke-test.js'
import { crashHints, reportTimings } from './timings.js'
import { runContentChecks } from './content-checks.js'
import { putTags } from './tags.js'
import { createWorkDir, useRunDockerConfig, writeConfig } from './workspace.js'

export async function runMain(deps: MainDeps): Promise<void> {
  state.markMainStarted()
  maskSecrets(deps.getInput, deps.env)
  const inputs = await core.group('Inputs', () => {
    const parsed = readInputs(deps.getInput, deps.cwd, deps.env)
    for (const line of describeInputs(parsed)) core.info(line)
    return Promise.resolve(nodesInUse(parsed))
  })
  try {
    await run(deps, inputs)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new RunError(error, hintContext(inputs))
  }
}

async function run(outside: MainDeps, inputs: Inputs): Promise<void> {
  // qemu: false: the emulators must be there already; binfmt_misc says so before any docker command.
  if (inputs.qemu === 'false') requireEmulators(outside, inputs)
  await checkLoad(outside.runner, inputs)
  const work = createWorkDir(outside)
  const config = await core.group('BuildKit configuration (buildkitd.toml)', () => writeConfig(inputs, work))

  // Before any pull: the BuildKit and QEMU images may live in the registry being logged in to.
  const { deps, dockerConfigDir } = await core.group('Docker config and registry login', () =>
    Promise.resolve(useRunDockerConfig(outside, inputs, work))
  )

  const builder = inputs.builderName || uniqueBuilderName(deps.env.GITHUB_RUN_ID ?? '')
  core.setOutput('builder-name', builder)
  // Emulators are checked (and installed if missing) while the builder starts.
  const [emulation, { runner, buildxVersion }] = await Promise.all([
    emulatePlatforms(deps, inputs),
    core.group(`Builder ${builder}`, () =>
      provisionBuilder({ deps, inputs, name: builder, configFile: config.file })
    )
  ])
  await core.group('QEMU emulation', () => logEmulation(emulation))

  const metadataFile = path.join(work, 'metadata.json')
  const builtSince = Date.now()
  const evaluateOnly = evaluates(inputs.buildOptions.call)
  const emulated = emulation.result.emulated
  const title = evaluateOnly
    ? `Evaluate (call: ${inputs.buildOptions.call})`
    : `Build ${inputs.platforms.join(', ')}${inputs.push ? ' and push' : ''}`
  const build = await core.group(title, () =>
    withRetries(retryOptions(deps, inputs, 'Build'), () =>
      runBuild(runner, { builder, metadataFile, settings: inputs, progress: progressFormat(buildxVersion) })
    ).catch((error: unknown) => {
      // A step that crashed under QEMU: name the platform and the step (the error itself follows).
      if (error instanceof BuildError)
        for (const hint of crashHints(error.steps, inputs.platforms, emulated))
          core.error(hint.message, { title: hint.title })
      throw error
    })
  )
  if (evaluateOnly) return // call: check (outline, targets): nothing was built, pushed or exported
  const timings = await core.group('Build time per platform', () =>
    reportTimings(build.steps, inputs.platforms, emulated)
  )

  const access = {
    config: config.table,
    dockerConfigDir,
    ...(inputs.username
      ? { login: { registry: inputs.registry, username: inputs.username, password: inputs.password } }
      : {}),
    runner,
    env: deps.env
  }
  // Tags are put after the checks, except with push-by-digest, which puts none.
  const tagsPending = inputs.push && !inputs.pushByDigest
  const digests = await core.group('Digests', async () =>
    logDigests(
      await reportDigests({
        ...access,
        metadataFile,
        pushed: inputs.push,
        platforms: inputs.platforms,
        names: inputs.tags,
        tagsPending,
        retry: retryOptions(deps, inputs, 'Reading the image back')
      })
    )
  )
  let report = digests
  const [firstTag] = inputs.tags
  const smoke = await (async () => {
    if (!digests.served) return undefined
    const served = digests.served
    await core.group('Content checks', () =>
      runContentChecks({
        ...access,
        image: served.image,
        index: served.manifest,
        platforms: inputs.platforms,
        ...(digests.metadata.platform ? { singlePlatform: digests.metadata.platform } : {}),
        binaries: inputs.checkBinaries,
        budgetBytes: inputs.checkBinariesBudget,
        builtSince,
        retry: retryOptions(deps, inputs, 'Reading the image')
      })
    )
    // The smoke test runs each platform's image by digest, before any tag points at it.
    const results =
      inputs.smokeTest.length > 0 && firstTag !== undefined
        ? await core.group('Smoke test', () =>
            smokeTest({
              runner,
              image: firstTag,
              platforms: digests.platforms,
              args: inputs.smokeTest,
              timeoutSeconds: inputs.smokeTestTimeout,
              runId: builder
            })
          )
        : undefined
    // With push-by-digest the image stays untagged: a later merge tags the combined index.
    if (tagsPending && !(results && smokeFailure(results, inputs.smokeTest))) {
      const moved = await core.group('Tags', () =>
        putTags({
          ...access,
          tags: inputs.tags,
          manifest: served.manifest,
          retry: retryOptions(deps, inputs, 'Tagging')
        })
      )
      warnMoved(digests.digest, moved)
      report = { ...digests, moved }
    }
    return results
  })()
  // Only with a budget to compare it with: otherwise one more process the run does not need.
  const diskUse = inputs.cacheMaxSize !== undefined ? await builderDiskUse(runner, builder) : undefined
  await publishOutputs({
    tags: inputs.tags,
    pushed: inputs.push,
    report,
    emulation: emulation.result,
    builder,
    ...placementOf(builder, inputs),
    timings,
    ...(smoke ? { smoke: { args: inputs.smokeTest, results: smoke } } : {}),
    ...(diskUse ? { diskUse } : {}),
    ...(inputs.cacheMaxSize !== undefined ? { cacheMaxSize: inputs.cacheMaxSize } : {})
  })
  // After the summary and outputs, so that they show every platform's result.
  const failure = smoke ? smokeFailure(smoke, inputs.smokeTest) : undefined
  if (failure) throw failure
}

function hintContext(inputs: Inputs): HintContext {
  return {
    loginRegistry: inputs.username ? inputs.registry : '',
    retries: inputs.retries,
    insecureRegistries: inputs.insecureRegistries.filter(r => r.http).map(r => r.host)
  }
}
