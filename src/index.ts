/**
 * The bundle's entry. GitHub runs it as the action's `main` and again as its `post` (saved state tells
 * which one this is). Sub-actions run the same bundle: their action.yml declares a `mode` input whose
 * default names the part to run (plan/action.yml: `plan`); the main action has no such input.
 */
import * as core from '@actions/core'
import { defaultDeps } from './run/deps.js'
import { runMain } from './run/main.js'
import { reportFailure } from './run/outputs.js'
import { runPlan } from './run/plan.js'
import { runPost } from './run/post.js'
import { isPost } from './run/state.js'

const deps = defaultDeps()
const mode = deps.getInput('mode')
if (mode === 'plan') {
  await runPlan(deps.getInput).catch(reportFailure)
} else if (mode !== '') {
  core.setFailed(`Unknown mode "${mode}": this bundle runs the action (no mode) or plan`)
} else if (isPost()) {
  await runPost(deps.runner)
} else {
  await runMain(deps).catch(reportFailure)
}
