/**
 * Jest global setup for the unit tests: every temporary file or directory a test makes through
 * os.tmpdir() lands in one directory for the whole run, removed again by the teardown below (test files
 * need not remember their own). TMPDIR is set before Jest starts its workers, which inherit it.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const KEEP = 'MULTIARCH_TEST_TMPDIR'

export default function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiarch-unit-'))
  process.env[KEEP] = dir
  process.env.TMPDIR = dir
}

export function teardown() {
  const dir = process.env[KEEP]
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
}
