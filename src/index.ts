/**
 * The bundle's entry. GitHub runs it as the action's `main` (dist/index.js) and as its `post`
 * (dist/post.js, which marks the process as the post step and loads this bundle). A post step whose main
 * never started finds no state and only says so; it never runs main. Sub-actions run the same bundle:
 * their action.yml declares a `mode` input whose default names the part to run (plan/action.yml: `plan`,
 * merge/action.yml: `merge`); the main action has no such input.
 */
import * as core from '@actions/core'
import { runMergeAction } from './merge/action.js'
import { defaultDeps } from './run/deps.js'
import { runMain } from './run/main.js'
import { reportFailure } from './run/outputs.js'
import { runPlan } from './run/plan.js'
import { runPost } from './run/post.js'
import { POST_STEP_FLAG } from './run/state.js'

const deps = defaultDeps()
const mode = deps.getInput('mode')
if (mode === 'plan') {
  await runPlan(deps.getInput).catch(reportFailure)
} else if (mode === 'merge') {
  await runMergeAction(deps).catch(reportFailure)
} else if (mode !== '') {
  core.setFailed(`Unknown mode "${mode}": this bundle runs the action (no mode), plan or merge`)
} else if (process.argv.includes(POST_STEP_FLAG)) {
  await runPost(deps.runner)
} else {
  await runMain(deps).catch(reportFailure)
}
// A request abandoned at its time limit may still hold a socket open: the step ends when its work does.
process.exit()
