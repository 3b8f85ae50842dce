/**
 * The cache budget (`cache-max-size`): its smallest useful size, and the garbage-collection keys of
 * buildkitd.toml that carry it, written so that old and new BuildKit releases both apply it.
 *
 * BuildKit before v0.17 knows `gc` and `gckeepstorage` under [worker.oci] (its default GC policies keep
 * the cache at that size) and silently ignores the newer keys. From v0.17 on, `maxUsedSpace` is the most
 * the cache may use and `reservedSpace` the least GC keeps; the deprecated `gckeepstorage` still counts,
 * as reservedSpace when that is not set. Writing `gckeepstorage` and `maxUsedSpace` with the same value
 * therefore gives both generations the same budget, without knowing which BuildKit the builder image holds.
 */
import type { TomlTable } from './toml.js'

/** BuildKit cannot do much below this: a base image alone is often larger. */
export const MIN_CACHE_BYTES = 100e6

/** 1234567890 -> '1.23 GB' (decimal units, as `docker buildx du` shows them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit] ?? 'B'}`
}

/** The [worker.oci] keys that hold the cache to `maxBytes` on BuildKit old and new; {} without a budget. */
export function cacheBudgetConfig(maxBytes: number | undefined): TomlTable {
  if (maxBytes === undefined) return {}
  return {
    worker: {
      oci: {
        gc: true,
        // BuildKit < 0.17: the size its default GC policies prune to. >= 0.17: read as reservedSpace.
        gckeepstorage: maxBytes,
        // BuildKit >= 0.17: the most the cache may use before GC prunes it.
        maxUsedSpace: maxBytes
      }
    }
  }
}
