/**
 * The action reports a failure with @actions/core's setFailed, which sets process.exitCode: right for the
 * runner, but in a test it is the test process's exit code, so `npm test` would exit 1 with every test
 * passed. Each test that runs a failing step leaves the code as it found it.
 */
import { afterEach, beforeEach } from '@jest/globals'

let before: typeof process.exitCode
beforeEach(() => {
  before = process.exitCode
})
afterEach(() => {
  process.exitCode = before
})
