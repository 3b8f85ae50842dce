/**
 * The state main hands to post, through the GitHub Reporter: saved to GITHUB_STATE the way @actions/core
 * writes it, read back as the STATE_* variables the runner sets for the post step (scripts/runner-sim.js
 * does the same).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCommandFile } from '../../scripts/runner-sim.js'
import { githubReporter } from '../../src/github/github-reporter.js'
import * as state from '../../src/run/state.js'
import type { RunState } from '../../src/run/state.js'
import { captureStdout } from '../stdout.js'

const store = githubReporter()
const EMPTY: RunState = { builder: '', tempDir: '', buildx: '', runnerBuilder: '' }
const saved = { ...process.env }
let stateFile = ''

beforeEach(() => {
  process.env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STATE_')))
  stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'state-test-')), 'state')
  fs.writeFileSync(stateFile, '')
  process.env.GITHUB_STATE = stateFile
})
afterEach(() => {
  process.env = { ...saved }
})

/** What the runner does between main and post: GITHUB_STATE entries become STATE_<name> variables. */
function startPost(): Record<string, string> {
  const written = parseCommandFile(fs.readFileSync(stateFile, 'utf8'))
  for (const [name, value] of Object.entries(written)) process.env[`STATE_${name}`] = value
  return written
}

describe('state between main and post', () => {
  it('is empty in a post step whose main saved nothing', () => {
    startPost()
    expect(state.load(store)).toEqual(EMPTY)
    expect(state.mainStarted(store)).toBe(false)
  })

  it('tells the post step that main started', () => {
    expect(state.mainStarted(store)).toBe(false)
    state.markMainStarted(store)
    expect(state.mainStarted(store)).toBe(false) // read from the state main handed over, not main's own
    startPost()
    expect(state.mainStarted(store)).toBe(true)
  })

  it.each<[keyof RunState, string]>([
    ['builder', 'multiarch-42-abc'],
    ['builder', ''], // cleared after a taken name: nothing to remove
    ['tempDir', '/runner/_temp/multiarch-XyZ12 with space'],
    ['tempDir', '/t/1\n{"second": "line"}'],
    [
      'buildx',
      JSON.stringify({ command: '/opt/hostedtoolcache/buildx/0.29.1/x64/docker-buildx', prefix: [] })
    ],
    ['buildx', 'a=b<<c']
  ])('%s = %j comes back unchanged, and only in its own field', (key, value) => {
    state.save(store, key, value)
    startPost()
    expect(state.load(store)).toEqual({ ...EMPTY, [key]: value })
  })

  it('keeps every field apart and the last value saved for a field', () => {
    const values: RunState = {
      builder: 'b1',
      tempDir: '/t/1',
      buildx: '{"command":"/x","prefix":[]}',
      runnerBuilder: 'b1-runner'
    }
    state.markMainStarted(store)
    for (const key of Object.keys(values) as (keyof RunState)[]) state.save(store, key, values[key])
    state.save(store, 'builder', 'b2')
    const written = startPost()
    expect(state.load(store)).toEqual({ ...values, builder: 'b2' })
    expect(state.mainStarted(store)).toBe(true)
    // five distinct names: the four fields and the marker
    expect(Object.keys(written)).toHaveLength(5)
  })

  it('writes to the state file only, never to the log', async () => {
    const log = await captureStdout(() => {
      state.markMainStarted(store)
      state.save(store, 'tempDir', '/runner/_temp/multiarch-abc')
    })
    expect(log).toBe('')
    expect(fs.readFileSync(stateFile, 'utf8')).toContain('/runner/_temp/multiarch-abc')
  })
})
