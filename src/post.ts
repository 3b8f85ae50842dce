/**
 * The action's post step (dist/post/index.js): GitHub runs it after the job's steps, whether main
 * succeeded, failed or was cancelled. A bundle of its own holding only the cleanup (run/cleanup.ts) and
 * the GitHub reporter: no registry client, tar or TOML code to load.
 */
import { execRunner } from './core/runner.js'
import { githubReporter } from './github/github-reporter.js'
import { runPost } from './run/cleanup.js'

const reporter = githubReporter()
await runPost({ reporter, runner: execRunner(reporter) })
