/**
 * Facts about the Docker engine the job talks to (DOCKER_HOST or the default socket), read with
 * `docker info`.
 */
import { runChecked, type CommandRunner } from '../core/runner.js'

/** The snapshotter driver-type that marks the containerd image store (multi-platform images load). */
export const CONTAINERD_SNAPSHOTTER = 'io.containerd.snapshotter.v1'

/** The engine's storage driver and whether it is the containerd image store. */
export async function imageStore(runner: CommandRunner): Promise<{ driver: string; containerd: boolean }> {
  const result = await runChecked(
    runner,
    'docker',
    ['info', '--format', '{{.Driver}}|{{json .DriverStatus}}'],
    {
      silent: true,
      what: 'docker info'
    }
  )
  return parseImageStore(result.stdout)
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
