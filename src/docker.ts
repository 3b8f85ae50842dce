/**
 * Preflight: the docker CLI, the engine behind it, and a buildx recent enough for what this action drives
 * (`--metadata-file`, `--bootstrap`, `--provenance`, driver-opt `env.*`).
 */
import { runChecked, type CommandRunner } from './runner.js'

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

export async function checkDocker(runner: CommandRunner): Promise<{ buildx: string }> {
  const cli = await runner.run('docker', ['version', '--format', '{{.Server.Version}}'], { silent: true })
  if (cli.exitCode === 127) {
    throw new Error('docker is not installed on this runner (the docker CLI was not found on PATH).')
  }
  if (cli.exitCode !== 0) {
    throw new Error(
      `The Docker engine is not reachable: ${cli.stderr.trim().split('\n').pop() ?? ''}. ` +
        'Start Docker on the runner or point DOCKER_HOST at an engine.'
    )
  }
  const buildx = await runner.run('docker', ['buildx', 'version'], { silent: true })
  const version = buildx.exitCode === 0 ? parseBuildxVersion(buildx.stdout) : undefined
  if (!version) {
    throw new Error(
      'docker buildx is not installed (`docker buildx version` failed). Install the buildx CLI plugin ' +
        `(${MIN_BUILDX} or newer) on the runner.`
    )
  }
  if (compareVersions(version, MIN_BUILDX) < 0) {
    throw new Error(`docker buildx ${version} is too old; this action needs ${MIN_BUILDX} or newer.`)
  }
  return { buildx: version }
}

/** `docker info` for the engine's own architecture is not needed: Node knows the host's. This only logs. */
export async function logVersions(runner: CommandRunner): Promise<void> {
  await runChecked(runner, 'docker', ['buildx', 'version'])
}
