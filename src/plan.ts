/** The plan sub-action's entry (plan/action.yml runs dist/plan/index.js): the matrix of a distributed build. */
import { githubInputs, githubReporter } from './github/github-reporter.js'
import { reportFailure } from './run/outputs.js'
import { runPlan } from './plan/matrix.js'

const reporter = githubReporter()
await runPlan({ reporter, getInput: githubInputs }).catch((error: unknown) => {
  reportFailure(reporter, error)
})
