/**
 * One run of the action, in order. Each phase lives in its own module; this file is the table of contents.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { uniqueBuilderName } from '../buildx/builder.js'
import { builderDiskUse } from '../buildx/du.js'
import type { HintContext } from '../buildx/output.js'
import { checkLoad } from './build-checks.js'
import { describeInputs } from '../inputs/describe.js'
import { InputError, readInputs, type Inputs } from '../inputs/inputs.js'
import type { MainDeps } from './deps.js'
import { emulatePlatforms, logEmulation, requireEmulators } from './emulation.js'
import { publishOutputs, RunError } from './outputs.js'
import { provisionBuilder } from './provision.js'
import { nodesInUse, placementOf } from './nodes.js'
import { maskSecrets } from './secrets.js'
import * as state from './state.js'
import { smokeFailure } from './smoke-test.js'
import { buildImage } from './build-step.js'
import { publishImage } from './publish.js'
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
  const builtSince = deps.now()
  const step = { deps, inputs, runner, builder, metadataFile }
  const timings = await buildImage({ ...step, buildxVersion, emulated: emulation.result.emulated })
  if (!timings) return // call: check (outline, targets): nothing was built, pushed or exported

  const access = {
    config: config.table,
    dockerConfigDir,
    ...(inputs.username
      ? { login: { registry: inputs.registry, username: inputs.username, password: inputs.password } }
      : {}),
    runner,
    env: deps.env,
    now: deps.now
  }
  const { report, smoke } = await publishImage({ ...step, access, builtSince })
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
