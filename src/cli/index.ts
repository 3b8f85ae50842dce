#!/usr/bin/env node
/** The command line's entry (bundled to dist/cli/index.js, the package's `multiarch-build-push` bin). */
import { runCli } from './command-line.js'

const status = await runCli(process.argv.slice(2))
// After a signal a command may still hold the event loop (a build being torn down): do not wait for it.
if (status > 128) process.exit(status)
process.exitCode = status
