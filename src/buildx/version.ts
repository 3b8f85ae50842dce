/**
 * Versions of the docker buildx CLI: the oldest this action drives (`--metadata-file`, `--bootstrap`,
 * `--provenance`, driver-opt `env.*`), and how to read and compare them.
 */

export const MIN_BUILDX = '0.10.0'

/** `github.com/docker/buildx v0.13.1 abc` / `github.com/docker/buildx 0.13.1+unknown` -> '0.13.1'. */
export function parseBuildxVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)/.exec(output)?.[1]
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
