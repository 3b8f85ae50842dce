/** The builder's disk use, as `docker buildx du` totals it (shown in the job summary next to cache-max-size). */
import type { CommandRunner } from '../core/runner.js'

export interface DiskUse {
  /** As buildx prints it, e.g. '1.234GB'. */
  total: string
  reclaimable: string
}

/** The `Reclaimable:` and `Total:` lines at the end of `docker buildx du`; undefined when absent. */
export function parseDiskUse(output: string): DiskUse | undefined {
  const total = /^Total:\s*(\S+)/m.exec(output)?.[1]
  if (total === undefined) return undefined
  return { total, reclaimable: /^Reclaimable:\s*(\S+)/m.exec(output)?.[1] ?? '' }
}

/** Asks buildx; a builder that cannot tell (or a buildx without `du`) gives undefined, not an error. */
export async function builderDiskUse(runner: CommandRunner, builder: string): Promise<DiskUse | undefined> {
  const result = await runner.run('docker', ['buildx', 'du', '--builder', builder], { silent: true })
  return result.exitCode === 0 ? parseDiskUse(result.stdout) : undefined
}
