/**
 * The bundle's entry: GitHub runs it as `main` and again as `post`; saved state tells which one this is.
 *
 * It exits as soon as the step's work is done: the HTTP client used to read back the pushed index keeps
 * Node alive for tens of milliseconds after its connections are closed, which every job would pay for.
 * Output to the runner is written synchronously (files and pipes on Linux), so nothing is lost.
 */
import { reportFailure, runMain } from './main.js'
import { runPost } from './post.js'
import { isPost } from './state.js'

if (isPost()) {
  await runPost()
} else {
  await runMain().catch(reportFailure)
}
process.exit()
