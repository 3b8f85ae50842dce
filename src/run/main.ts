/**
 * One run of the action, in order. Each phase lives in its own module; this file is the table of contents.
 */
import * as path from 'node:path'
import { uniqueBuilderName } from '../buildx/builder.js'
import { builderDiskUse } from '../buildx/du.js'
import type { HintContext } from '../buildx/output.js'
import { checkLoad } from './build-checks.js'
import { describeInputs } from '../inputs/describe.js'
import { readInputs, type Inputs } from '../inputs/inputs.js'
import { InputError } from '../inputs/table.js'
import type { MainDeps } from '../step/deps.js'
import { emulatePlatforms, logEmulation, requireEmulators } from './emulation.js'
import { buildxImageId, publishOutputs, RunError } from './outputs.js'
import { provisionBuilder } from './provision.js'
import { nodesInUse, placementOf } from './node-placement.js'
import { hostNetworkForLoopback } from './loopback.js'
import { checkPushAccess, pushRepositories } from './push-access.js'
import { maskSecrets } from '../inputs/masks.js'
import { BUILD_FIELDS } from '../inputs/fields.js'
import * as state from './state.js'
import { buildImage } from './build-step.js'
import { PhaseClock } from '../core/phases.js'
import { publishImage } from '../publish/publish.js'
import { loadedImageId } from '../publish/load.js'
import { createWorkDir, withRegistryCas, writeConfig } from './workspace.js'
import { useRunDockerConfig } from '../step/docker-config.js'
import { openRegistries } from '../step/registries.js'
import { loginOf } from '../inputs/registry-inputs.js'
import { withKubeconfig, writeRemoteTls } from './remote-access-files.js'

export async function runMain(deps: MainDeps): Promise<void> {
  const { reporter } = deps
  const clock = new PhaseClock(deps.now)
  try {
    state.markMainStarted(reporter)
    maskSecrets(reporter, BUILD_FIELDS, deps.getInput, deps.env)
    const inputs = await clock.time('inputs', () =>
      reporter.group('Inputs', () => {
        const parsed = readInputs(deps.getInput, deps.cwd, deps.env)
        for (const warning of parsed.warnings) reporter.warning(warning)
        for (const line of describeInputs(parsed)) reporter.info(line)
        return Promise.resolve(hostNetworkForLoopback(reporter, nodesInUse(reporter, parsed)))
      })
    )
    try {
      await run(deps, inputs, clock)
    } catch (error) {
      if (error instanceof InputError) throw error
      throw new RunError(error, hintContext(inputs))
    }
  } finally {
    clock.report(reporter)
  }
}

/**
 * `jobDeps` are the job's as given; from the login on, every command runs with the run's own docker
 * config (`runDeps`).
 */
async function run(jobDeps: MainDeps, inputs: Inputs, clock: PhaseClock): Promise<void> {
  const { reporter } = jobDeps
  const { work, config, remoteTls, runDeps, dockerConfigDir } = await clock.time('config', async () => {
    // qemu: false: the emulators must be there already; binfmt_misc says so before any docker command.
    if (inputs.qemu === 'false') requireEmulators(jobDeps, inputs)
    await checkLoad(jobDeps.runner, inputs)
    const work = createWorkDir(jobDeps)
    const config = await reporter.group('BuildKit configuration (buildkitd.toml)', () =>
      writeConfig(reporter, inputs, work)
    )
    const remoteTls = writeRemoteTls(inputs, work)
    // Before any pull: the BuildKit and QEMU images may live in the registry being logged in to.
    const docker = await reporter.group('Docker config and registry login', () =>
      Promise.resolve(useRunDockerConfig(jobDeps, inputs, work))
    )
    // With several nodes buildx merges their results in its own process: it must trust the registry CAs.
    const runDeps = withKubeconfig(withRegistryCas(docker.deps, inputs, config), inputs, work)
    return { work, config, remoteTls, runDeps, dockerConfigDir: docker.dockerConfigDir }
  })

  // How the registries are read: the builder's settings, this run's credentials.
  const login = loginOf(inputs)
  const access = {
    config: config.table,
    dockerConfigDir,
    ...(login ? { login } : {}),
    runner: runDeps.runner,
    reporter,
    env: runDeps.env,
    now: runDeps.now
  }
  // A wrong password or a read-only account: found now, before a builder exists, not after the build.
  const repositories = pushRepositories(inputs)
  if (repositories.length > 0)
    await clock.time('push-access', () =>
      reporter.group('Push access', () => checkPushAccess(access, repositories))
    )

  const builder = inputs.builderName || uniqueBuilderName(runDeps.env.GITHUB_RUN_ID ?? '')
  reporter.setOutput('builder-name', builder)
  // Emulators are checked (and installed if missing) while the builder starts.
  const [emulation, { runner, buildxVersion }] = await clock.time('builder', () =>
    Promise.all([
      emulatePlatforms(runDeps, inputs),
      reporter.group(`Builder ${builder}`, () =>
        provisionBuilder({
          deps: runDeps,
          inputs,
          name: builder,
          configFile: config.file,
          ...(remoteTls ? { remoteTls } : {})
        })
      )
    ])
  )
  await reporter.group('QEMU emulation', () => logEmulation(reporter, emulation))

  const metadataFile = path.join(work, 'metadata.json')
  const builtSince = runDeps.now()
  const step = { deps: runDeps, inputs, runner, builder, metadataFile }
  const timings = await clock.time('build', () =>
    buildImage({ ...step, buildxVersion, emulated: emulation.result.emulated })
  )
  if (!timings) return // call: check (outline, targets): nothing was built, pushed or exported

  const registries = openRegistries({ ...access, runner })
  const {
    report,
    smoke,
    smokeFailure: failure,
    loaded,
    signatureVerifyCommand
  } = await publishImage({
    ...step,
    registries,
    builtSince,
    clock,
    work
  }).finally(() => {
    registries.close()
  })
  await clock.time('outputs', async () => {
    // Only with a budget to compare it with: otherwise one more process the run does not need.
    const diskUse = inputs.cacheMaxSize !== undefined ? await builderDiskUse(runner, builder) : undefined
    // A loaded image's ID is the engine's, whichever image store it uses.
    const imageId =
      loaded?.imageId ??
      (inputs.buildOptions.load
        ? await loadedImageId(runner, inputs.tags, report.metadata.raw)
        : buildxImageId(report.metadata.raw))
    await publishOutputs(reporter, {
      tags: inputs.tags,
      pushed: inputs.push,
      imageId,
      report,
      emulation: emulation.result,
      builder,
      ...placementOf(builder, inputs),
      timings,
      ...(smoke ? { smoke: { args: inputs.smokeTest, results: smoke } } : {}),
      ...(diskUse ? { diskUse } : {}),
      ...(signatureVerifyCommand ? { signatureVerifyCommand } : {}),
      ...(inputs.cacheMaxSize !== undefined ? { cacheMaxSize: inputs.cacheMaxSize } : {})
    })
  })
  // After the summary and outputs, so that they show every platform's result.
  if (failure) throw failure
}

function hintContext(inputs: Inputs): HintContext {
  return {
    loginRegistry: loginOf(inputs)?.registry ?? '',
    retries: inputs.retries,
    insecureRegistries: inputs.insecureRegistries.filter(r => r.http).map(r => r.host)
  }
}
