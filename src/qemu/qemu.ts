/**
 * QEMU user-mode emulation through binfmt_misc: work out which platforms need an emulator on this host,
 * look at what the kernel already has, install only what is missing, and check again.
 *
 * A handler counts only when it is enabled and registered with the F ("fix binary") flag: without F the
 * kernel opens the interpreter lazily by path, which does not exist inside build containers, and RUN steps
 * fail with `exec format error`.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { emulatorFor, parsePlatform } from '../oci/platforms.js'
import { CommandError, runChecked, type CommandRunner } from '../core/runner.js'
import { lastLine, messageOf } from '../core/errors.js'

/** The `qemu` input: how missing emulators are installed (false: never; a missing one is an error). */
export type QemuMode = 'auto' | 'image' | 'package' | 'false'
export const QEMU_MODES: readonly QemuMode[] = ['auto', 'image', 'package', 'false']

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc'
/** Where distributions' qemu-user-static ships systemd-binfmt registrations (with the F flag). */
export const BINFMT_CONF_DIRS = ['/usr/lib/binfmt.d', '/etc/binfmt.d']

export interface BinfmtEntry {
  enabled: boolean
  flags: string
  interpreter: string
}

export function parseBinfmtEntry(text: string): BinfmtEntry {
  const lines = text.split('\n').map(l => l.trim())
  const field = (name: string): string =>
    lines.find(l => l.startsWith(`${name} `) || l.startsWith(`${name}:`))?.replace(/^[^ :]+:? */, '') ?? ''
  return { enabled: lines[0] === 'enabled', flags: field('flags'), interpreter: field('interpreter') }
}

export function isUsable(entry: BinfmtEntry | undefined): boolean {
  return entry !== undefined && entry.enabled && entry.flags.includes('F')
}

export interface EmulationNeed {
  platform: string
  /** QEMU handler name: binfmt_misc entry `qemu-<handler>`. */
  handler: string
  /** OCI architecture, as the binfmt image's --install takes it. */
  architecture: string
}

/** The platforms that need an emulator on a host of `hostArch`, each with its handler. */
export function emulationNeeds(platforms: readonly string[], hostArch: string): EmulationNeed[] {
  const needs: EmulationNeed[] = []
  for (const platform of platforms) {
    const parsed = parsePlatform(platform)
    const handler = emulatorFor(parsed, hostArch)
    if (handler) needs.push({ platform, handler, architecture: parsed.architecture })
  }
  return needs
}

export function readHandler(dir: string, handler: string): BinfmtEntry | undefined {
  try {
    return parseBinfmtEntry(fs.readFileSync(path.join(dir, `qemu-${handler}`), 'utf8'))
  } catch {
    return undefined
  }
}

/** The handlers among `handlers` that binfmt_misc does not have in a usable state. */
export function missingHandlers(dir: string, handlers: readonly string[]): string[] {
  return unique(handlers).filter(h => !isUsable(readHandler(dir, h)))
}

/** The image's --install argv for the architectures that are missing. */
export function binfmtImageArgs(image: string, architectures: readonly string[]): string[] {
  // The installer needs no network; `none` also works on engines without a bridge network.
  return [
    'run',
    '--rm',
    '--privileged',
    '--network',
    'none',
    image,
    '--install',
    unique(architectures).join(',')
  ]
}

/** A systemd-binfmt line (`:name:type:offset:magic:mask:interpreter:flags`) with the F flag ensured. */
export function withFixBinaryFlag(line: string): string {
  const fields = line.trim().split(':')
  if (fields.length < 8) throw new Error(`not a binfmt_misc registration: ${line}`)
  const flags = fields[fields.length - 1] ?? ''
  if (!flags.includes('F')) fields[fields.length - 1] = `${flags}F`
  return fields.join(':')
}

export interface EmulationOptions {
  platforms: readonly string[]
  mode: QemuMode
  image: string
  runner: CommandRunner
  binfmtDir: string
  confDirs?: readonly string[]
  /** This host's OCI architecture (amd64, arm64, ...). */
  hostArch: string
  /** Whether this process runs as root (else privileged commands go through `sudo -n`). */
  isRoot: boolean
  log?: (message: string) => void
}

export interface EmulationResult {
  /** Platforms built under emulation. */
  emulated: string[]
  /** Handlers this run registered ('' methods when nothing was needed). */
  installed: string[]
  method: 'none' | 'image' | 'package'
}

export async function ensureEmulation(options: EmulationOptions): Promise<EmulationResult> {
  const dir = options.binfmtDir
  const log = options.log ?? (() => undefined)
  const needs = emulationNeeds(options.platforms, options.hostArch)
  const emulated = needs.map(n => n.platform)
  if (needs.length === 0) return { emulated, installed: [], method: 'none' }

  const { isRoot } = options
  const privileged = (command: string, args: string[]): [string, string[]] =>
    isRoot ? [command, args] : ['sudo', ['-n', command, ...args]]
  if (options.mode !== 'false') await mountBinfmt(options.runner, dir, privileged, log)

  let missing = missingHandlers(
    dir,
    needs.map(n => n.handler)
  )
  if (missing.length === 0) {
    log(`binfmt_misc already has ${unique(needs.map(n => `qemu-${n.handler}`)).join(', ')} (enabled, F flag)`)
    return { emulated, installed: [], method: 'none' }
  }
  const missingPlatforms = (): string =>
    needs
      .filter(n => missing.includes(n.handler))
      .map(n => n.platform)
      .join(', ')
  if (options.mode === 'false') throw missingEmulators(options) ?? new Error('unreachable')

  const attempts: string[] = []
  let method: EmulationResult['method'] = 'none'
  if (options.mode === 'image' || options.mode === 'auto') {
    const archs = needs.filter(n => missing.includes(n.handler)).map(n => n.architecture)
    const result = await options.runner.run('docker', binfmtImageArgs(options.image, archs))
    method = 'image'
    if (result.exitCode === 0) missing = missingHandlers(dir, missing)
    attempts.push(
      result.exitCode === 0
        ? `${options.image} ran, but ${missing.length ? 'handlers are still missing' : 'all handlers are in place'}`
        : `docker run ${options.image} failed: ${lastLine(result.stderr)}`
    )
  }
  if (missing.length > 0 && (options.mode === 'package' || options.mode === 'auto')) {
    if (options.mode === 'auto') log(`falling back to the system package: ${attempts.join('; ')}`)
    method = 'package'
    try {
      await installPackage({ ...options, dir, missing, privileged, log })
    } catch (error) {
      attempts.push(`qemu-user-static: ${messageOf(error)}`)
    }
    missing = missingHandlers(dir, missing)
  }
  if (missing.length > 0) {
    throw new Error(
      `QEMU emulation for ${missingPlatforms()} could not be set up (missing: qemu-${missing.join(', qemu-')}). ` +
        `Tried: ${attempts.join('; ') || options.mode}. ` +
        'Register the emulators before this step (privileged), or use a runner of that architecture.'
    )
  }
  return { emulated, installed: unique(needs.map(n => n.handler)), method }
}

/**
 * With qemu: false, the emulators must already be registered: the error naming the platforms without one,
 * or undefined when every platform has its emulator (or needs none). Reads binfmt_misc only, so it runs
 * before any docker command.
 */
export function missingEmulators(
  options: Pick<EmulationOptions, 'platforms' | 'binfmtDir' | 'hostArch'>
): Error | undefined {
  const needs = emulationNeeds(options.platforms, options.hostArch)
  const missing = missingHandlers(
    options.binfmtDir,
    needs.map(n => n.handler)
  )
  if (missing.length === 0) return undefined
  const platforms = needs.filter(n => missing.includes(n.handler)).map(n => n.platform)
  return new Error(
    `qemu: ${platforms.join(', ')} need${platforms.length > 1 ? '' : 's'} QEMU emulation on this ` +
      `${options.hostArch} host, but binfmt_misc (${options.binfmtDir}) has no usable handler ` +
      `(qemu-${missing.join(', qemu-')}) and qemu is false. Set qemu: auto (or image/package), register the ` +
      'emulators before this step, or drop those platforms.'
  )
}

type Privileged = (command: string, args: string[]) => [string, string[]]

async function mountBinfmt(
  runner: CommandRunner,
  dir: string,
  privileged: Privileged,
  log: (message: string) => void
): Promise<void> {
  if (fs.existsSync(path.join(dir, 'register'))) return
  const [command, args] = privileged('mount', ['-t', 'binfmt_misc', 'binfmt_misc', dir])
  const result = await runner.run(command, args, { silent: true })
  if (result.exitCode !== 0) log(`could not mount binfmt_misc at ${dir}: ${lastLine(result.stderr)}`)
}

interface PackageOptions extends EmulationOptions {
  dir: string
  missing: readonly string[]
  privileged: Privileged
  log: (message: string) => void
}

/** Installs the distribution's qemu-user-static when its registrations are absent, then registers the
 * missing handlers from its binfmt.d files with the F flag. */
async function installPackage(options: PackageOptions): Promise<void> {
  const confDirs = options.confDirs ?? BINFMT_CONF_DIRS
  const confFor = (handler: string): string | undefined =>
    confDirs.map(d => path.join(d, `qemu-${handler}.conf`)).find(f => fs.existsSync(f))
  if (options.missing.some(h => confFor(h) === undefined)) {
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    const apt = (args: string[]): Promise<unknown> => {
      const [command, argv] = options.privileged('apt-get', args)
      return runChecked(options.runner, command, argv, { env, what: `apt-get ${args[0] ?? ''}` })
    }
    await apt(['update', '-qq'])
    await apt(['install', '-y', '-qq', '--no-install-recommends', 'qemu-user-static'])
  }
  for (const handler of options.missing) {
    const conf = confFor(handler)
    if (!conf) throw new Error(`qemu-user-static has no registration for qemu-${handler} on this system`)
    const line = fs
      .readFileSync(conf, 'utf8')
      .split('\n')
      .find(l => l.startsWith(':'))
    if (!line) throw new Error(`${conf} holds no binfmt_misc registration`)
    // An entry that is disabled or lacks F must go before it can be registered again.
    if (readHandler(options.dir, handler))
      await writePrivileged(options, path.join(options.dir, `qemu-${handler}`), '-1')
    await writePrivileged(options, path.join(options.dir, 'register'), withFixBinaryFlag(line))
    options.log(`registered qemu-${handler} from ${conf} with the F flag`)
  }
}

async function writePrivileged(options: PackageOptions, file: string, text: string): Promise<void> {
  const [command, args] = options.privileged('tee', [file])
  try {
    await runChecked(options.runner, command, args, { input: text, silent: true, what: `writing ${file}` })
  } catch (error) {
    if (error instanceof CommandError) {
      throw new Error(`cannot write ${file}: ${lastLine(error.stderr)}`, { cause: error })
    }
    throw error
  }
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}
