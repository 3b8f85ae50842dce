/**
 * The commands of the command line, one per action. Each takes its action.yml's inputs as flags; a new
 * action (e.g. a merge of per-platform pushes) adds its entry here with its own spec and run function.
 */
import { INPUTS } from './action-spec.js'
import type { CommandSpec, ParsedArgs } from './args.js'
import { checkInputs, inputSource, runBuild, type CommandDeps } from './build.js'
import type { Capture } from './console.js'

export interface Command extends CommandSpec {
  /** Refuses bad values (UsageError naming the flag) before anything runs. */
  check(args: ParsedArgs, deps: CommandDeps): void
  /** Runs the command; returns the exit status. */
  run(args: ParsedArgs, capture: Capture, deps: CommandDeps): Promise<number>
}

/** The inputs of action.yml that take lists (newline or comma separated): their flags may be repeated. */
export const BUILD_LISTS: ReadonlySet<string> = new Set([
  'platforms',
  'tags',
  'build-args',
  'labels',
  'cache-from',
  'cache-to',
  'driver-opts',
  'insecure-registries',
  'ca-certs',
  'registry-mirrors',
  'secrets',
  'secret-files',
  'secret-envs',
  'ssh',
  'build-contexts',
  'annotations',
  'attests',
  'outputs',
  'add-hosts',
  'ulimit',
  'allow',
  'no-cache-filters'
])

const build: Command = {
  name: 'build',
  summary: 'build a multi-platform image and push it, as the GitHub Action does',
  inputs: INPUTS,
  lists: BUILD_LISTS,
  check(args, deps) {
    checkInputs(inputSource(args), this, deps.cwd, deps.env)
  },
  run(args, capture, deps) {
    return runBuild(args, capture, deps)
  }
}

/** The first command is the default one. */
export const COMMANDS: readonly Command[] = [build]
