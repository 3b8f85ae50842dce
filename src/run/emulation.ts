/** The QEMU part of a run: emulators checked (and installed when missing) with the run's host facts. */
import { runnerPlatforms } from '../buildx/nodes.js'
import { type Inputs } from '../inputs/inputs.js'
import { InputError } from '../inputs/table.js'
import { ensureEmulation, missingEmulators, type EmulationResult } from '../qemu/qemu.js'
import type { Reporter } from '../core/reporter.js'
import type { MainDeps } from '../step/deps.js'

export interface Emulation {
  result: EmulationResult
  /** What was checked and done, for the log group (the work runs while the builder starts). */
  log: string[]
}

export async function emulatePlatforms(deps: MainDeps, inputs: Inputs): Promise<Emulation> {
  const log: string[] = []
  const result = await ensureEmulation({
    // Only the platforms the runner builds itself: builder nodes build theirs.
    platforms: runnerPlatforms(inputs.platforms, inputs.nodes),
    mode: inputs.qemu,
    image: inputs.qemuImage,
    runner: deps.runner,
    binfmtDir: deps.binfmtDir,
    hostArch: deps.hostArch,
    isRoot: deps.isRoot,
    log: message => log.push(message)
  })
  return { result, log }
}

/** qemu: false: throws unless every platform that needs an emulator has one (binfmt_misc only). */
export function requireEmulators(deps: MainDeps, inputs: Inputs): void {
  const error = missingEmulators({
    platforms: runnerPlatforms(inputs.platforms, inputs.nodes),
    binfmtDir: deps.binfmtDir,
    hostArch: deps.hostArch
  })
  if (error) throw new InputError([error.message])
}

/** Logs what emulation did, and notes (once per run) which platforms are built under QEMU. */
export function logEmulation(reporter: Reporter, { result, log }: Emulation): Promise<void> {
  for (const line of log) reporter.info(line)
  if (result.emulated.length === 0) {
    reporter.info('every platform runs natively on this host: no emulation needed')
    return Promise.resolve()
  }
  if (result.method !== 'none')
    reporter.info(`installed qemu-${result.installed.join(', qemu-')} (${result.method})`)
  reporter.notice(
    `${result.emulated.join(', ')} ${result.emulated.length > 1 ? 'are' : 'is'} built under QEMU emulation, ` +
      'which is several times slower than native. To avoid it, cross-compile in the Dockerfile ' +
      '(FROM --platform=$BUILDPLATFORM with TARGETOS/TARGETARCH) or build on native runners.',
    { title: 'Emulated platforms' }
  )
  return Promise.resolve()
}
