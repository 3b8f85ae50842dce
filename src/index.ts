/**
 * The bundle's entry: GitHub runs it as `main` and again as `post`; saved state tells which one this is.
 */
import { defaultDeps } from './run/deps.js'
import { runMain } from './run/main.js'
import { reportFailure } from './run/outputs.js'
import { runPost } from './run/post.js'
import { isPost } from './run/state.js'

if (isPost()) {
  await runPost(defaultDeps().runner)
} else {
  await runMain(defaultDeps()).catch(reportFailure)
}
