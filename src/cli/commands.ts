/**
 * The commands of the command line, one per action. Each takes its action.yml's inputs as flags, runs
 * that action's own code and prints that action's outputs.
 */
import { INPUTS, MERGE_INPUTS, MERGE_OUTPUTS, OUTPUTS, type InputSpec } from '../inputs/action-spec.js'
import type { CommandSpec, ParsedArgs } from './args.js'
import { readMergeInputs } from '../inputs/merge-inputs.js'
import { readInputs } from '../inputs/inputs.js'
import { refuseBadInputs, runBuildCommand } from './build-command.js'
import { inputSource, type CommandDeps } from './session.js'
import type { Capture } from './console.js'
import { PROGRAM } from './help.js'
import { runMergeCommand } from './merge-command.js'

export interface Command extends CommandSpec {
  /** Refuses bad values (UsageError naming the flag) before anything runs. */
  check(args: ParsedArgs, deps: CommandDeps): void
  /** Runs the command; returns the exit status. */
  run(args: ParsedArgs, capture: Capture, deps: CommandDeps): Promise<number>
}

/** The list inputs: their flags may be repeated. */
export function listInputs(inputs: readonly InputSpec[]): ReadonlySet<string> {
  return new Set(inputs.filter(input => input.list).map(input => input.name))
}

const build: Command = {
  name: 'build',
  summary: 'build a multi-platform image and push it, as the GitHub Action does',
  inputs: INPUTS,
  lists: listInputs(INPUTS),
  outputs: OUTPUTS,
  notes: [
    'The builder and temporary files are removed on success, failure, SIGINT and SIGTERM. Exit status:',
    '0 done, 1 failed, 2 bad command line, 130/143 interrupted by SIGINT/SIGTERM (after cleanup).'
  ],
  example: [
    `${PROGRAM} --platforms linux/amd64,linux/arm64 --tags localhost:5000/hello:1 \\`,
    '  --insecure-registries http://localhost:5000 --json'
  ],
  check(args, deps) {
    refuseBadInputs(() => readInputs(inputSource(args), deps.cwd, deps.env), this)
  },
  run(args, capture, deps) {
    return runBuildCommand(args, capture, deps)
  }
}

const merge: Command = {
  name: 'merge',
  summary: 'merge images into one multi-platform index, as the merge action does',
  inputs: MERGE_INPUTS,
  lists: listInputs(MERGE_INPUTS),
  outputs: MERGE_OUTPUTS,
  notes: [
    'It talks to the registries itself (no docker command, no builder) and pushes the index last. Exit',
    'status: 0 done, 1 failed, 2 bad command line, 130/143 interrupted by SIGINT/SIGTERM.'
  ],
  example: [
    `${PROGRAM} merge --sources localhost:5000/hello@sha256:1111... \\`,
    '  --sources localhost:5000/hello@sha256:2222... --tags localhost:5000/hello:1 --json'
  ],
  check(args, deps) {
    refuseBadInputs(() => readMergeInputs(inputSource(args), deps.cwd, deps.env), this)
  },
  run(args, capture, deps) {
    return runMergeCommand(args, capture, deps)
  }
}

/** The first command is the default one. */
export const COMMANDS: readonly Command[] = [build, merge]
