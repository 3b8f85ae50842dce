/**
 * The bundle's entry: GitHub runs it as `main` and again as `post`; saved state tells which one this is.
 */
import { reportFailure, runMain } from './run/main.js'
import { runPost } from './run/post.js'
import { isPost } from './run/state.js'

if (isPost()) {
  await runPost()
} else {
  await runMain().catch(reportFailure)
}
