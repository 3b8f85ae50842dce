/** The merge sub-action's entry (merge/action.yml runs dist/merge/index.js): one index from several pushes. */
import { githubInputs, githubReporter } from './github/github-reporter.js'
import { runMergeAction } from './merge/action.js'
import { defaultDeps } from './step/deps.js'
import { reportFailure } from './run/outputs.js'

const deps = defaultDeps({ reporter: githubReporter(), getInput: githubInputs })
await runMergeAction(deps).catch((error: unknown) => {
  reportFailure(deps.reporter, error)
})
