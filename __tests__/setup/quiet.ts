/**
 * Keeps `npm test` output to Jest's own: what @actions/core and @actions/exec write to stdout for the
 * runner (`::debug::`, `::add-mask::`, `::group::`, info lines, echoed commands) is dropped unless
 * TEST_VERBOSE=1. Anything else written to stdout (console output in --verbose mode, for one) passes.
 * Tests that check the log capture it themselves (see ../stdout.ts), which takes precedence.
 */
import { afterAll } from '@jest/globals'

type Write = typeof process.stdout.write
const ORIGINAL = Symbol.for('multiarch-build-push-action.tests.stdout-write')

if (process.env.TEST_VERBOSE !== '1') {
  const stream = process.stdout as NodeJS.WriteStream & { [ORIGINAL]?: Write }
  // One original across test files: a worker runs several files, and a file that fails to load never
  // reaches its afterAll, so each file wraps the real write, never a previous file's wrapper.
  const original = (stream[ORIGINAL] ??= stream.write.bind(stream))
  stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (!fromActionsToolkit(new Error().stack ?? '')) return original.apply(stream, [chunk, ...rest] as never)
    const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
    callback?.()
    return true
  }
  afterAll(() => {
    stream.write = original
  })
}

/** The code that called write (the first frame below this file and Node's stream internals) is @actions/*. */
function fromActionsToolkit(stack: string): boolean {
  const caller = stack
    .split('\n')
    .slice(1)
    .find(line => !line.includes('node:internal') && !line.includes('setup/quiet'))
  return caller !== undefined && /[\\/]node_modules[\\/]@actions[\\/]/.test(caller)
}
