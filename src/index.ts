/**
 * The action's main entry (dist/index.js). Its post step has an entry of its own (src/post.ts), and so do
 * the sub-actions (src/plan.ts, src/merge.ts).
 */
import { githubInputs, githubReporter } from './github/github-reporter.js'
import { defaultDeps } from './step/deps.js'
import { runMain } from './run/main.js'
import { reportFailure } from './run/outputs.js'

const deps = defaultDeps({ reporter: githubReporter(), getInput: githubInputs })
await runMain(deps).catch((error: unknown) => {
  reportFailure(deps.reporter, error)
})
