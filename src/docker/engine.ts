/**
 * Facts about the Docker engine the job talks to (DOCKER_HOST or the default socket): its image store, its
 * platform, and the IDs it gives images, each read with one quiet docker command.
 */
import { runChecked, type CommandRunner } from '../core/runner.js'
import { normalizePlatform } from '../oci/platforms.js'

/** The snapshotter driver-type that marks the containerd image store (multi-platform images load). */
export const CONTAINERD_SNAPSHOTTER = 'io.containerd.snapshotter.v1'

/** The engine's storage driver and whether it is the containerd image store. */
export async function imageStore(runner: CommandRunner): Promise<{ driver: string; containerd: boolean }> {
  return parseImageStore(await ask(runner, ['info', '--format', '{{.Driver}}|{{json .DriverStatus}}']))
}

/** Parses `{{.Driver}}|{{json .DriverStatus}}`, e.g. `overlayfs|[["driver-type","io.containerd.snapshotter.v1"]]`. */
export function parseImageStore(output: string): { driver: string; containerd: boolean } {
  const line = output.trim()
  const bar = line.indexOf('|')
  const driver = bar === -1 ? line : line.slice(0, bar)
  let status: unknown
  try {
    status = JSON.parse(bar === -1 ? '[]' : line.slice(bar + 1))
  } catch {
    status = []
  }
  const containerd =
    Array.isArray(status) &&
    status.some(
      (entry: unknown) =>
        Array.isArray(entry) && entry[0] === 'driver-type' && entry[1] === CONTAINERD_SNAPSHOTTER
    )
  return { driver, containerd }
}

/** The engine's own platform (`docker version`: the server's OS and architecture), e.g. linux/arm64. */
export async function enginePlatform(runner: CommandRunner): Promise<string> {
  return normalizePlatform(
    (await ask(runner, ['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}'])).trim()
  )
}

/**
 * The engine's image ID of each reference (a name or an ID), as `docker image inspect` shows it: the
 * config digest on the classic store, the manifest or index digest on the containerd store.
 */
export async function imageIds(runner: CommandRunner, references: readonly string[]): Promise<string[]> {
  const output = await ask(runner, ['image', 'inspect', '--format', '{{.Id}}', ...references])
  return output
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
}

/** What a quiet docker command prints; a failure is a CommandError named after its first words. */
async function ask(runner: CommandRunner, args: string[]): Promise<string> {
  const what = `docker ${args.slice(0, args[0] === 'image' ? 2 : 1).join(' ')}`
  return (await runChecked(runner, 'docker', args, { silent: true, what })).stdout
}
