/**
 * Provisioning the builder: choosing the buildx this job runs and having a builder of that name ready
 * (created for this run, or reused when asked). With no buildx-version asked for, the runner's buildx is
 * checked while the builder already starts with it: only when that buildx turns out to be missing or too
 * old is the attempt discarded and the builder created again with a downloaded one.
 *
 * The builder name is saved for the post step *before* `buildx create` (a half-created builder is still
 * removed), and cleared again when the name turns out to belong to a builder this run did not create.
 */
import {
  BuilderExistsError,
  builderExists,
  buildxConfigDir,
  createBuilder,
  proxyEnvironment,
  removeBuilder
} from '../buildx/builder.js'
import { chooseBuildx } from '../buildx/choose.js'
import { appendNodes, nodeLabel, runnerPlatforms } from '../buildx/nodes.js'
import { createRemoteBuilder, remoteNodes, runnerBuilderName, type RemoteTlsFiles } from '../buildx/remote.js'
import { DOCKER_BUILDX, serializeBuildxCli, withBuildx, type BuildxCli } from '../buildx/buildx-cli.js'
import { runnerDirs } from '../buildx/install.js'
import { entitlementFlags, minimumBuildx } from '../buildx/build-options.js'
import { MIN_BUILDX } from '../buildx/version.js'
import { withRetries } from '../core/retry.js'
import type { CommandRunner } from '../core/runner.js'
import { dockerConfigDir } from '../docker/login.js'
import type { Inputs } from '../inputs/inputs.js'
import { retryOptions, type MainDeps } from '../step/deps.js'
import * as state from './state.js'

export interface ProvisionOptions {
  deps: MainDeps
  inputs: Inputs
  name: string
  /** The buildkitd.toml for a created builder ('' for none). */
  configFile: string
  /** The TLS files of remote+tcp:// nodes (then the builder is a remote-driver one: buildx/remote.ts). */
  remoteTls?: RemoteTlsFiles
}

export interface Provisioned {
  /** Sends `docker buildx` to the chosen buildx. */
  runner: CommandRunner
  /** That buildx's version ('' when it could not be told): what its build command supports. */
  buildxVersion: string
}

/** Chooses the buildx and has the builder ready. */
export async function provisionBuilder(options: ProvisionOptions): Promise<Provisioned> {
  const { deps, inputs } = options
  const messages: string[] = []
  const needs = minimumBuildx(inputs.buildOptions)
  const choice = chooseBuildx({
    minimumFor: needs.input,
    version: inputs.buildxVersion,
    urlTemplate: inputs.buildxDownloadUrl,
    checksumUrlTemplate: inputs.buildxChecksumUrl,
    minimum: needs.input ? needs.version : MIN_BUILDX,
    runner: deps.runner,
    host: deps.host,
    dirs: runnerDirs(deps.env),
    log: {
      info: message => messages.push(message),
      warning: message => {
        deps.reporter.warning(message)
      }
    }
  })
  const using = (cli: BuildxCli): CommandRunner => withBuildx(deps.runner, cli)
  const optimistic = inputs.buildxVersion === '' ? createOrReuse(options, using(DOCKER_BUILDX)) : undefined
  const [chosen, attempt] = await Promise.allSettled([choice, optimistic])
  for (const message of messages) deps.reporter.info(message)
  if (chosen.status === 'rejected') throw chosen.reason
  const runner = using(chosen.value.cli)
  const provisioned = { runner, buildxVersion: chosen.value.version }
  if (chosen.value.cli === DOCKER_BUILDX && optimistic) {
    if (attempt.status === 'rejected') throw attempt.reason
    return provisioned
  }
  state.save(deps.reporter, 'buildx', serializeBuildxCli(chosen.value.cli))
  if (optimistic && attempt.status === 'fulfilled') {
    if (attempt.value === 'reused') return provisioned // not ours: any buildx can use it as it is
    await removeBuilder(using(DOCKER_BUILDX), options.name).catch(() => 'absent')
  }
  await createOrReuse(options, runner)
  return provisioned
}

/** Creates this run's builder (retrying start-up flakes), or reuses an existing one when asked. */
async function createOrReuse(
  options: ProvisionOptions,
  runner: CommandRunner
): Promise<'created' | 'reused'> {
  const { deps, inputs, name } = options
  const buildxDir = buildxConfigDir(deps.env, dockerConfigDir(deps.env))
  if (inputs.reuseBuilder && (await builderExists(runner, name, buildxDir))) {
    deps.reporter.warning(
      `Reusing the existing builder ${name}: it keeps its own configuration (this run's buildkitd.toml is not ` +
        'applied) and is not removed after the job.',
      { title: 'Builder reused' }
    )
    return 'reused'
  }
  state.save(deps.reporter, 'builder', name) // before create: a half-created builder is still removed by the post step
  const remote = inputs.nodes.some(node => node.remote)
  const runnerBuilder = remote ? runnerBuilderName(name) : name
  if (remote) state.save(deps.reporter, 'runnerBuilder', runnerBuilder)
  const runnerOwn = runnerPlatforms(inputs.platforms, inputs.nodes)
  if (remote)
    for (const node of inputs.nodes)
      deps.reporter.info(
        `${nodeLabel(node)} builds ${node.platforms.join(', ')} with its own buildkitd settings: this run's ` +
          'buildkitd.toml, buildkitd-flags and driver-opts apply to the runner’s BuildKit only'
      )
  try {
    await withRetries(retryOptions(deps, inputs, 'Creating the builder'), async attempt => {
      if (attempt > 0) {
        await removeBuilder(runner, name).catch(() => 'absent')
        if (remote) await removeBuilder(runner, runnerBuilder).catch(() => 'absent')
      }
      const settings = {
        name: runnerBuilder,
        buildkitImage: inputs.buildkitImage,
        hostNetwork: inputs.hostNetwork,
        driverOpts: inputs.driverOpts,
        proxyEnv: inputs.proxy ? proxyEnvironment(deps.env) : {},
        buildkitdFlags: entitlementFlags(inputs.buildkitdFlags, {
          hostNetwork: inputs.hostNetwork,
          network: inputs.network,
          allow: inputs.buildOptions.allow
        }),
        configFile: options.configFile,
        // With nodes, the runner's node is told its platforms: buildx would otherwise send it the nodes'
        // platforms too (it lists them as emulated ones).
        ...(inputs.nodes.length > 0 ? { platforms: runnerOwn } : {})
      }
      if (!remote) {
        await createBuilder(runner, settings)
        await appendNodes(runner, settings, inputs.nodes)
        return
      }
      // The runner's BuildKit as always (when it builds anything), then the remote-driver builder over it
      // and the daemons.
      if (runnerOwn.length > 0) await createBuilder(runner, settings)
      const nodes = remoteNodes({
        builder: name,
        runnerPlatforms: runnerOwn,
        nodes: inputs.nodes,
        tls: options.remoteTls
      })
      await createRemoteBuilder(runner, name, nodes)
    })
  } catch (error) {
    if (error instanceof BuilderExistsError) state.save(deps.reporter, 'builder', '') // someone else's: leave it alone
    throw error
  }
  return 'created'
}
