/**
 * One run of the action, in order. Each phase lives in its own module; this file is the table of contents.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  BuilderExistsError,
  builderExists,
  buildxConfigDir,
  createBuilder,
  proxyEnvironment,
  removeBuilder,
  uniqueBuilderName
} from '../buildx/builder.js'
import { runBuild } from '../buildx/build.js'
import { writeBuildkitdConfig, type BuildkitdConfig } from '../buildkitd/config.js'
import { MIN_BUILDX } from '../buildx/version.js'
import { DOCKER_BUILDX, serializeBuildxCli, withBuildx, type BuildxCli } from '../buildx/cli.js'
import { setupBuildx } from '../buildx/install.js'
import { hintsFor } from './hints.js'
import { readInputs, type InputSource, type Inputs } from '../inputs/inputs.js'
import { dockerConfigDir, login } from '../docker/login.js'
import { BINFMT_DIR, ensureEmulation, type EmulationResult } from '../qemu/qemu.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import { CommandError, execRunner, type CommandRunner } from '../core/runner.js'
import * as state from './state.js'
import { writeSummary } from './summary.js'
import { reportDigests, type DigestReport, type VerifyOptions } from './verify.js'
import { messageOf } from '../core/errors.js'

export interface MainDeps {
  runner: CommandRunner
  getInput: InputSource
  env: NodeJS.ProcessEnv
  /** Where the kernel's binfmt_misc entries are (tests point it at a fixture directory). */
  binfmtDir: string
  /** Wait before the first retry of a transient failure (doubled each time). */
  retryDelayMs: number
}

export function defaultDeps(): MainDeps {
  return {
    runner: execRunner,
    getInput: name => core.getInput(name),
    env: process.env,
    binfmtDir: BINFMT_DIR,
    retryDelayMs: 3000
  }
}

export async function runMain(given: MainDeps = defaultDeps()): Promise<void> {
  state.markMainStarted()
  maskSecrets(given.getInput, given.env)
  const inputs = await core.group('Inputs', () => Promise.resolve(readInputs(given.getInput)))
  const work = createWorkDir(given.env)
  const config = await core.group('BuildKit configuration (buildkitd.toml)', () => configure(inputs, work))

  // Before any pull: the BuildKit and QEMU images may live in the registry being logged in to.
  const dockerConfig = dockerConfigDir(given.env)
  if (inputs.username)
    await core.group(`Registry login (${inputs.registry})`, () => logIn(inputs, dockerConfig))

  const builder = inputs.builderName || uniqueBuilderName(given.env.GITHUB_RUN_ID)
  core.setOutput('builder-name', builder)
  const emulationLog: string[] = []
  // Emulators are checked (and installed if missing) while the builder starts.
  const [emulation, deps] = await Promise.all([
    ensureEmulation({
      platforms: inputs.platforms,
      mode: inputs.qemu,
      image: inputs.qemuImage,
      runner: given.runner,
      binfmtDir: given.binfmtDir,
      log: message => emulationLog.push(message)
    }),
    core.group(`Builder ${builder}`, () => prepareBuilder(given, inputs, builder, config.file))
  ])
  await core.group('QEMU emulation', () => reportEmulation(emulation, emulationLog))

  const metadataFile = path.join(work, 'metadata.json')
  await core.group(`Build ${inputs.platforms.join(', ')}${inputs.push ? ' and push' : ''}`, () =>
    withRetries(retryOptions(deps, inputs, 'Build'), () =>
      runBuild(deps.runner, { builder, metadataFile, settings: inputs })
    )
  )

  const report = await core.group('Digests', () =>
    checkDigests({
      metadataFile,
      pushed: inputs.push,
      platforms: inputs.platforms,
      config: config.table,
      dockerConfigDir: dockerConfig,
      runner: deps.runner,
      retry: retryOptions(deps, inputs, 'Reading the image back')
    })
  )
  core.setOutput('digest', report.digest)
  core.setOutput('platform-digests', JSON.stringify(report.platforms))
  core.setOutput('metadata', JSON.stringify(report.metadata.raw))
  core.setOutput('emulated-platforms', emulation.emulated.join(','))
  await writeSummary({
    tags: inputs.tags,
    pushed: inputs.push,
    report,
    emulated: emulation.emulated,
    builder
  })
}

/** Writes this run's buildkitd.toml and shows it (it holds no secrets: CAs are referenced by path). */
async function configure(inputs: Inputs, work: string): Promise<BuildkitdConfig> {
  const written = await writeBuildkitdConfig(inputs, work)
  core.info(written.text || '(nothing to configure: BuildKit defaults)')
  return written
}

/** Puts the login inputs where buildx reads credentials; the post step puts back what was there. */
function logIn(inputs: Inputs, configDir: string): Promise<void> {
  const restore = login({ ...inputs, configDir })
  state.save('loginRestore', JSON.stringify(restore))
  core.info(`credentials for ${inputs.registry} written to ${restore.configFile}`)
  return Promise.resolve()
}

/** Reads the digests from buildx's metadata, checks them in the registry, and logs them. */
async function checkDigests(options: VerifyOptions): Promise<DigestReport> {
  const report = await reportDigests(options)
  const where = report.verified.join(', ') || 'no registry (push is false)'
  core.info(`index ${report.digest || '(none)'}; checked in ${where}`)
  for (const [platform, digest] of Object.entries(report.platforms)) core.info(`${platform}  ${digest}`)
  return report
}

/**
 * Chooses the buildx this job runs and creates the builder with it; returns the dependencies with a runner
 * that sends every later `docker buildx` to that buildx. With no buildx-version asked for, the runner's
 * buildx is checked while the builder already starts with it: only when that buildx turns out to be
 * missing or too old is the attempt discarded and the builder created again with a downloaded one.
 */
async function prepareBuilder(
  given: MainDeps,
  inputs: Inputs,
  name: string,
  configFile: string
): Promise<MainDeps> {
  const messages: string[] = []
  const choice = setupBuildx({
    version: inputs.buildxVersion,
    urlTemplate: inputs.buildxDownloadUrl,
    checksumUrlTemplate: inputs.buildxChecksumUrl,
    minimum: MIN_BUILDX,
    runner: given.runner,
    log: {
      info: message => messages.push(message),
      warning: message => {
        core.warning(message)
      }
    }
  })
  const using = (cli: BuildxCli): MainDeps => ({ ...given, runner: withBuildx(given.runner, cli) })
  const optimistic =
    inputs.buildxVersion === '' ? setUpBuilder(using(DOCKER_BUILDX), inputs, name, configFile) : undefined
  const [chosen, attempt] = await Promise.allSettled([choice, optimistic])
  for (const message of messages) core.info(message)
  if (chosen.status === 'rejected') throw chosen.reason
  const deps = using(chosen.value.cli)
  if (chosen.value.cli === DOCKER_BUILDX && optimistic) {
    if (attempt.status === 'rejected') throw attempt.reason
    return deps
  }
  state.save('buildx', serializeBuildxCli(chosen.value.cli))
  if (optimistic && attempt.status === 'fulfilled') {
    if (attempt.value === 'reused') return deps // not ours: any buildx can use it as it is
    await removeBuilder(using(DOCKER_BUILDX).runner, name).catch(() => 'absent')
  }
  await setUpBuilder(deps, inputs, name, configFile)
  return deps
}

/** Creates this run's builder (retrying start-up flakes), or reuses an existing one when asked. */
async function setUpBuilder(
  deps: MainDeps,
  inputs: Inputs,
  name: string,
  configFile: string
): Promise<'created' | 'reused'> {
  const buildxDir = buildxConfigDir(deps.env, dockerConfigDir(deps.env))
  if (inputs.reuseBuilder && (await builderExists(deps.runner, name, buildxDir))) {
    core.warning(
      `Reusing the existing builder ${name}: it keeps its own configuration (this run's buildkitd.toml is not ` +
        'applied) and is not removed after the job.',
      { title: 'Builder reused' }
    )
    return 'reused'
  }
  state.save('builder', name) // before create: a half-created builder is still removed by the post step
  try {
    await withRetries(retryOptions(deps, inputs, 'Creating the builder'), async attempt => {
      if (attempt > 0) await removeBuilder(deps.runner, name).catch(() => 'absent')
      await createBuilder(deps.runner, {
        name,
        buildkitImage: inputs.buildkitImage,
        hostNetwork: inputs.hostNetwork,
        allowHostNetwork: inputs.hostNetwork || inputs.network === 'host',
        driverOpts: inputs.driverOpts,
        proxyEnv: inputs.proxy ? proxyEnvironment(deps.env) : {},
        buildkitdFlags: inputs.buildkitdFlags,
        configFile
      })
    })
  } catch (error) {
    if (error instanceof BuilderExistsError) state.save('builder', '') // someone else's: leave it alone
    throw error
  }
  return 'created'
}

function retryOptions(deps: MainDeps, inputs: Inputs, what: string): RetryOptions {
  return {
    retries: inputs.retries,
    initialDelayMs: deps.retryDelayMs,
    what,
    log: message => {
      core.warning(message, { title: 'Retrying' })
    }
  }
}

/** Reports a failure: buildx's error is in the message; known registry/emulation errors get a hint. */
export function reportFailure(error: unknown): void {
  const message = messageOf(error)
  const output = error instanceof CommandError ? `${error.stderr}\n${error.stdout}` : message
  for (const hint of hintsFor(output)) core.error(hint.message, { title: hint.title })
  core.setFailed(message)
}

/** Inputs whose text may carry secrets: masked before anything is parsed or logged. */
const SENSITIVE_INPUTS = ['password', 'ca-certs', 'buildkitd-config-inline']

/**
 * Masks the password, every line of any PEM private key pasted into an input (the runner masks line by
 * line), and a proxy URL's password (http://user:secret@proxy:3128).
 */
export function maskSecrets(getInput: InputSource, env: NodeJS.ProcessEnv): void {
  const password = getInput('password')
  if (password) core.setSecret(password)
  for (const name of SENSITIVE_INPUTS) {
    for (const block of getInput(name).matchAll(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g
    )) {
      for (const line of block[0].split(/\r?\n/))
        if (line.trim() && !line.startsWith('-----')) core.setSecret(line.trim())
    }
  }
  for (const value of Object.values(proxyEnvironment(env))) {
    // As written (that is how the builder's command line echoes it) and percent-decoded.
    const written = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i.exec(value)?.[1]
    if (written === undefined) continue
    core.setSecret(written)
    try {
      core.setSecret(decodeURIComponent(written))
    } catch {
      // not valid percent-encoding: the written form is the only one
    }
  }
}

/** This run's own directory under RUNNER_TEMP, removed by the post step. */
function createWorkDir(env: NodeJS.ProcessEnv): string {
  const base = env.RUNNER_TEMP || os.tmpdir()
  fs.mkdirSync(base, { recursive: true })
  const dir = fs.mkdtempSync(path.join(base, 'multiarch-'))
  state.save('tempDir', dir)
  return dir
}

function reportEmulation(emulation: EmulationResult, log: readonly string[]): Promise<void> {
  for (const line of log) core.info(line)
  if (emulation.emulated.length === 0) {
    core.info('every platform runs natively on this host: no emulation needed')
    return Promise.resolve()
  }
  if (emulation.method !== 'none')
    core.info(`installed qemu-${emulation.installed.join(', qemu-')} (${emulation.method})`)
  core.notice(
    `${emulation.emulated.join(', ')} ${emulation.emulated.length > 1 ? 'are' : 'is'} built under QEMU emulation, ` +
      'which is several times slower than native. To avoid it, cross-compile in the Dockerfile ' +
      '(FROM --platform=$BUILDPLATFORM with TARGETOS/TARGETARCH) or build on native runners.',
    { title: 'Emulated platforms' }
  )
  return Promise.resolve()
}
