/**
 * Which buildx this job runs, and how a command reaches it: the runner's `docker buildx` plugin, or a
 * downloaded release run standalone (see install.ts). The post step needs only this module.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { CommandRunner } from '../core/runner.js'

/** How to run buildx: `command ...prefix <buildx args>`. */
export interface BuildxCli {
  readonly command: string
  readonly prefix: readonly string[]
}

/** The runner's own buildx, as a docker CLI plugin. */
export const DOCKER_BUILDX: BuildxCli = Object.freeze({
  command: 'docker',
  prefix: Object.freeze(['buildx'])
})

/** A buildx binary run standalone (`/path/docker-buildx version`). */
export function standaloneBuildx(binary: string): BuildxCli {
  return { command: binary, prefix: [] }
}

/**
 * `['buildx', 'build', ...]` (as builder.ts and build.ts produce it) -> the command and arguments that run
 * it with `cli`.
 */
export function buildxCommand(cli: BuildxCli, argv: readonly string[]): [string, string[]] {
  if (argv[0] !== 'buildx') throw new Error(`not a buildx command: ${argv.join(' ')}`)
  return [cli.command, [...cli.prefix, ...argv.slice(1)]]
}

/** A runner that sends `docker buildx ...` to `cli`; every other command goes to `runner` unchanged. */
export function withBuildx(runner: CommandRunner, cli: BuildxCli): CommandRunner {
  if (isDockerBuildx(cli)) return runner
  return {
    run(command, args, options) {
      if (command === 'docker' && args[0] === 'buildx') {
        const [buildx, buildxArgs] = buildxCommand(cli, args)
        return runner.run(buildx, buildxArgs, options)
      }
      return runner.run(command, args, options)
    }
  }
}

function isDockerBuildx(cli: BuildxCli): boolean {
  return cli.command === 'docker' && cli.prefix.length === 1 && cli.prefix[0] === 'buildx'
}

/** The BuildxCli as a state value, for the post step (which must remove the builder with the same binary). */
export function serializeBuildxCli(cli: BuildxCli): string {
  return isDockerBuildx(cli) ? '' : JSON.stringify({ command: cli.command, prefix: cli.prefix })
}

/**
 * Reads what `serializeBuildxCli` wrote. '' (main used the runner's buildx, or never got that far),
 * something unreadable, or a binary that is no longer there: the runner's `docker buildx`.
 */
export function parseBuildxCli(value: string): BuildxCli {
  if (value === '') return DOCKER_BUILDX
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return DOCKER_BUILDX
  }
  if (typeof parsed !== 'object' || parsed === null) return DOCKER_BUILDX
  const { command, prefix } = parsed as Record<string, unknown>
  if (typeof command !== 'string' || command === '') return DOCKER_BUILDX
  if (!Array.isArray(prefix) || !prefix.every((p): p is string => typeof p === 'string')) return DOCKER_BUILDX
  if (path.isAbsolute(command) && !fs.existsSync(command)) return DOCKER_BUILDX
  return { command, prefix }
}
