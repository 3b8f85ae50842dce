/**
 * The cache budget (`cache-max-size`): a byte size from the input, and the garbage-collection keys of
 * buildkitd.toml that carry it, written so that old and new BuildKit releases both apply it.
 *
 * BuildKit before v0.17 knows `gc` and `gckeepstorage` under [worker.oci] (its default GC policies keep
 * the cache at that size) and silently ignores the newer keys. From v0.17 on, `maxUsedSpace` is the most
 * the cache may use and `reservedSpace` the least GC keeps; the deprecated `gckeepstorage` still counts,
 * as reservedSpace when that is not set. Writing `gckeepstorage` and `maxUsedSpace` with the same value
 * therefore gives both generations the same budget, without knowing which BuildKit the builder image holds.
 */
import type { TomlTable } from './toml.js'

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
}

/** BuildKit cannot do much below this: a base image alone is often larger. */
export const MIN_CACHE_BYTES = 100e6

/**
 * `10GB`, `512MB`, `1.5GiB`, `2 TB`, `750000000` (bytes) -> a whole number of bytes. Decimal units are
 * powers of 1000, binary ones (KiB, MiB, GiB, TiB) of 1024, as in BuildKit's and Docker's own output.
 */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(text.trim())
  if (!match) {
    throw new Error(`"${text}" is not a size; use a number with a unit, e.g. 10GB, 512MB or 2GiB`)
  }
  const unit = (match[2] ?? 'b').toLowerCase()
  const bytes = Math.floor(Number(match[1]) * (UNITS[unit] ?? 1))
  if (bytes < MIN_CACHE_BYTES) {
    throw new Error(`"${text}" is below the smallest useful cache budget, ${formatBytes(MIN_CACHE_BYTES)}`)
  }
  if (!Number.isSafeInteger(bytes)) throw new Error(`"${text}" is too large`)
  return bytes
}

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
