/**
 * The merge command: the merge action's own run (runMergeAction, the code merge/action.yml runs), speaking
 * through the terminal reporter, its outputs printed as --json / --dotenv.
 * A merge starts no container and creates no builder: on SIGINT or SIGTERM it stops where it is and
 * removes its temporary files (the index is the last thing it pushes, so no tag moves half-way).
 */
import { runMergeAction } from '../merge/action.js'
import { reportFailure } from '../run/outputs.js'
import type { ParsedArgs } from './args.js'
import type { Capture } from './console.js'
import { MERGE_OUTPUTS } from '../inputs/action-spec.js'
import { SIGNAL_STATUS, emitOutputs, runSession, stepDeps, type CommandDeps } from './session.js'

/** Runs the merge command; returns the exit status. */
export function runMergeCommand(args: ParsedArgs, capture: Capture, deps: CommandDeps): Promise<number> {
  const { reporter } = capture
  return runSession(deps, reporter, {
    onSignal: () => undefined,
    run: async interruption => {
      const merged = runMergeAction(stepDeps(args, capture, deps, deps.runner(reporter))).then(
        () => true,
        (error: unknown) => {
          if (!interruption.signal) reportFailure(reporter, error)
          return false
        }
      )
      const first = await Promise.race([merged, interruption.signalled])
      if (typeof first === 'string') return SIGNAL_STATUS[first] ?? 1
      if (!first) return 1
      emitOutputs(MERGE_OUTPUTS, args, capture)
      return 0
    }
  })
}
