/**
 * The action's entry. GitHub runs it as the action's `main` (dist/index.js) and as its `post`
 * (dist/post.js, which marks the process as the post step and loads this bundle). A post step whose main
 * never started finds no state and only says so; it never runs main. The sub-actions have entries of
 * their own (src/plan.ts, src/merge.ts).
 */
import { githubInputs, githubReporter } from './github/github-reporter.js'
import { defaultDeps } from './step/deps.js'
import { runMain } from './run/main.js'
import { reportFailure } from './run/outputs.js'
import { runPost } from './run/post.js'
import { POST_STEP_FLAG } from './run/state.js'

const deps = defaultDeps({ reporter: githubReporter(), getInput: githubInputs })
if (process.argv.includes(POST_STEP_FLAG)) {
  await runPost(deps)
} else {
  await runMain(deps).catch((error: unknown) => {
    reportFailure(deps.reporter, error)
  })
}
