/**
 * One run of the action, in order. Each phase lives in its own module; this file is the table of contents.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createBuilder, proxyEnvironment, uniqueBuilderName } from './builder.js'
import { runBuild } from './build.js'
import { writeBuildkitdConfig } from './config.js'
import { checkDocker } from './docker.js'
import { hintsFor } from './hints.js'
import { readInputs, type InputSource, type Inputs } from './inputs.js'
import { dockerConfigDir, login } from './login.js'
import { BINFMT_DIR, ensureEmulation, type EmulationResult } from './qemu.js'
import { CommandError, execRunner, type CommandRunner } from './runner.js'
import * as state from './state.js'
import { writeSummary } from './summary.js'
import { reportDigests } from './verify.js'

export interface MainDeps {
  runner: CommandRunner
  getInput: InputSource
  env: NodeJS.ProcessEnv
  /** Where the kernel's binfmt_misc entries are (tests point it at a fixture directory). */
  binfmtDir: string
}

export function defaultDeps(): MainDeps {
  return {
    runner: execRunner,
    getInput: name => core.getInput(name),
    env: process.env,
    binfmtDir: BINFMT_DIR
  }
}

export async function runMain(deps: MainDeps = defaultDeps()): Promise<void> {
  state.markMainStarted()
  const inputs = await core.group('Inputs', () => Promise.resolve(readInputs(deps.getInput)))
  maskSecrets(inputs, deps.env)
  const work = createWorkDir(deps.env)
  const docker = await core.group('Docker and buildx', () => checkDocker(deps.runner))
  core.info(`buildx ${docker.buildx}`)

  const config = await core.group('BuildKit configuration (buildkitd.toml)', async () => {
    const written = await writeBuildkitdConfig(inputs, work)
    core.info(written.text || '(nothing to configure: BuildKit defaults)')
    return written
  })

  const builder = inputs.builderName || uniqueBuilderName(deps.env.GITHUB_RUN_ID)
  state.save('builder', builder)
  core.setOutput('builder-name', builder)
  const emulationLog: string[] = []
  const [emulation] = await Promise.all([
    ensureEmulation({
      platforms: inputs.platforms,
      mode: inputs.qemu,
      image: inputs.qemuImage,
      runner: deps.runner,
      binfmtDir: deps.binfmtDir,
      log: message => emulationLog.push(message)
    }),
    core.group(`Builder ${builder}`, () =>
      createBuilder(deps.runner, {
        name: builder,
        buildkitImage: inputs.buildkitImage,
        hostNetwork: inputs.hostNetwork,
        allowHostNetwork: inputs.hostNetwork || inputs.network === 'host',
        driverOpts: inputs.driverOpts,
        proxyEnv: inputs.proxy ? proxyEnvironment(deps.env) : {},
        buildkitdFlags: inputs.buildkitdFlags,
        configFile: config.file
      })
    )
  ])
  await core.group('QEMU emulation', () => {
    reportEmulation(emulation, emulationLog)
    return Promise.resolve()
  })

  const configDir = dockerConfigDir(deps.env)
  if (inputs.username) {
    await core.group(`Registry login (${inputs.registry})`, () => {
      const restore = login({ ...inputs, configDir })
      state.save('loginRestore', JSON.stringify(restore))
      core.info(`credentials for ${inputs.registry} written to ${restore.configFile}`)
      return Promise.resolve()
    })
  }

  const metadataFile = path.join(work, 'metadata.json')
  await core.group(`Build ${inputs.platforms.join(', ')}${inputs.push ? ' and push' : ''}`, () =>
    runBuild(deps.runner, { builder, metadataFile, settings: inputs })
  )

  const report = await core.group('Digests', async () => {
    const r = await reportDigests({
      metadataFile,
      pushed: inputs.push,
      platforms: inputs.platforms,
      config: config.table,
      dockerConfigDir: configDir,
      runner: deps.runner
    })
    core.info(
      `index ${r.digest || '(none)'}; checked in ${r.verified.join(', ') || 'no registry (push is false)'}`
    )
    for (const [platform, digest] of Object.entries(r.platforms)) core.info(`${platform}  ${digest}`)
    return r
  })

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

/** Reports a failure: buildx's error is in the message; known registry/emulation errors get a hint. */
export function reportFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  const output = error instanceof CommandError ? `${error.stderr}\n${error.stdout}` : message
  for (const hint of hintsFor(output)) core.error(hint.message, { title: hint.title })
  core.setFailed(message)
}

function maskSecrets(inputs: Inputs, env: NodeJS.ProcessEnv): void {
  if (inputs.password) core.setSecret(inputs.password)
  // A proxy URL may carry a password (http://user:secret@proxy:3128).
  for (const value of Object.values(proxyEnvironment(env))) {
    const password = URL.canParse(value) ? new URL(value).password : ''
    if (password) core.setSecret(decodeURIComponent(password))
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

function reportEmulation(emulation: EmulationResult, log: readonly string[]): void {
  for (const line of log) core.info(line)
  if (emulation.emulated.length === 0) {
    core.info('every platform runs natively on this host: no emulation needed')
    return
  }
  if (emulation.method !== 'none')
    core.info(`installed qemu-${emulation.installed.join(', qemu-')} (${emulation.method})`)
  core.notice(
    `${emulation.emulated.join(', ')} ${emulation.emulated.length > 1 ? 'are' : 'is'} built under QEMU emulation, ` +
      'which is several times slower than native. To avoid it, cross-compile in the Dockerfile ' +
      '(FROM --platform=$BUILDPLATFORM with TARGETOS/TARGETARCH) or build on native runners.',
    { title: 'Emulated platforms' }
  )
}
