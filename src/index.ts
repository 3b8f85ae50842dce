/**
 * The bundle's entry: GitHub runs it as `main` and again as `post`; saved state tells which one this is.
 */
import { reportFailure, runMain } from './main.js'
import { runPost } from './post.js'
import { isPost } from './state.js'

if (isPost()) {
  await runPost()
} else {
  await runMain().catch(reportFailure)
}
