/**
 * The buildx builder: a docker-container driver with our buildkitd.toml, created for this run and removed
 * by the post step. The argv is built by pure functions; `createBuilder` runs it.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandError, runChecked, type CommandRunner } from '../core/runner.js'
import { lastLine } from '../core/errors.js'

export interface BuilderOptions {
  name: string
  buildkitImage: string
  hostNetwork: boolean
  driverOpts: readonly string[]
  /** Proxy variables to pass into the builder container (driver-opt env.*). */
  proxyEnv: Readonly<Record<string, string>>
  buildkitdFlags: string
  /** Path of the generated buildkitd.toml, or '' when there is nothing to configure. */
  configFile: string
  /** Platforms the first node (the runner's engine) builds, when other nodes build the rest. */
  platforms?: readonly string[]
}

/** A builder name that no other job on this runner will pick. */
export function uniqueBuilderName(runId: string): string {
  const suffix = randomBytes(4).toString('hex')
  return runId ? `multiarch-${runId}-${suffix}` : `multiarch-${suffix}`
}

export function createBuilderArgs(options: BuilderOptions): string[] {
  const args = ['buildx', 'create', '--name', options.name, ...builderOptionArgs(options)]
  if (options.platforms && options.platforms.length > 0) args.push('--platform', options.platforms.join(','))
  args.push('--bootstrap')
  return args
}

/** Driver, driver options, buildkitd.toml and buildkitd flags: the same for every node of the builder. */
export function builderOptionArgs(options: BuilderOptions): string[] {
  const args = ['--driver', 'docker-container']
  const driverOpts = [`image=${options.buildkitImage}`]
  if (options.hostNetwork) driverOpts.push('network=host')
  for (const [key, value] of Object.entries(options.proxyEnv))
    driverOpts.push(csvField(`env.${key}=${value}`))
  driverOpts.push(...options.driverOpts)
  for (const opt of driverOpts) args.push('--driver-opt', opt)
  if (options.configFile) args.push('--config', options.configFile)
  const flags = options.buildkitdFlags.trim()
  if (flags) args.push('--buildkitd-flags', flags)
  return args
}

/**
 * buildx reads each --driver-opt as a CSV record, so a value with a comma (NO_PROXY=a,b) must be one
 * quoted field, with quotes inside it doubled.
 */
export function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

export function removeBuilderArgs(name: string): string[] {
  return ['buildx', 'rm', '--force', name]
}

/** Proxy variables of the job (either case) to hand to the builder, HTTP_PROXY before http_proxy. */
export function proxyEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
    const value = env[name] ?? env[name.toLowerCase()]
    if (value) out[name] = value
  }
  return out
}

/** The name is taken by a builder this run did not create (so it must not remove it either). */
export class BuilderExistsError extends Error {
  override name = 'BuilderExistsError'
}

export async function createBuilder(runner: CommandRunner, options: BuilderOptions): Promise<void> {
  try {
    await runChecked(runner, 'docker', createBuilderArgs(options), {
      what: `Creating builder ${options.name}`
    })
  } catch (error) {
    if (
      error instanceof CommandError &&
      /Cannot connect to the Docker daemon|error during connect/i.test(error.stderr)
    ) {
      throw new Error(
        `The Docker engine is not reachable (${lastLine(error.stderr)}). Start Docker on the runner or point ` +
          'DOCKER_HOST at an engine.',
        { cause: error }
      )
    }
    if (error instanceof CommandError && /already exists|existing instance/.test(error.stderr)) {
      throw new BuilderExistsError(
        `A builder named "${options.name}" already exists. Choose another builder-name, leave it empty for a unique one, or set reuse-builder: true.`,
        { cause: error }
      )
    }
    throw error
  }
}

/**
 * Whether a builder of that name exists (for reuse-builder). buildx keeps one file per builder in
 * `$BUILDX_CONFIG/instances` (default `<docker config>/buildx`), so this needs no process; where that
 * directory is missing (an unfamiliar layout), `docker buildx inspect` answers instead.
 */
export async function builderExists(
  runner: CommandRunner,
  name: string,
  buildxConfigDir: string
): Promise<boolean> {
  const instances = path.join(buildxConfigDir, 'instances')
  if (fs.existsSync(instances)) return fs.existsSync(path.join(instances, name))
  const result = await runner.run('docker', ['buildx', 'inspect', name], { silent: true })
  return result.exitCode === 0
}

/** Where buildx keeps its builders: BUILDX_CONFIG, else `buildx` in the docker config directory. */
export function buildxConfigDir(env: NodeJS.ProcessEnv, dockerConfigDir: string): string {
  return env.BUILDX_CONFIG || path.join(dockerConfigDir, 'buildx')
}

/** Removes a builder with its container and state; a builder that is already gone is not an error. */
export async function removeBuilder(runner: CommandRunner, name: string): Promise<'removed' | 'absent'> {
  const result = await runner.run('docker', removeBuilderArgs(name))
  if (result.exitCode === 0) return 'removed'
  if (/no builder .* found|not found/i.test(result.stderr)) return 'absent'
  throw new CommandError('docker', removeBuilderArgs(name), result, `Removing builder ${name}`)
}
