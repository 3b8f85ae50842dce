/**
 * The state main hands to post: saved through GITHUB_STATE the way @actions/core writes it, read back as
 * the STATE_* variables the runner sets for the post step (scripts/runner-sim.js does the same).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCommandFile } from '../../scripts/runner-sim.js'
import * as state from '../../src/run/state.js'
import type { RunState } from '../../src/run/state.js'
import { captureStdout } from '../stdout.js'

const EMPTY: RunState = { builder: '', tempDir: '', loginRestore: '', buildx: '' }
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
    expect(state.load()).toEqual(EMPTY)
    expect(state.isPost()).toBe(false)
  })

  it('marks the second run of the bundle as the post step', () => {
    expect(state.isPost()).toBe(false)
    state.markMainStarted()
    expect(state.isPost()).toBe(false) // main itself does not become post
    startPost()
    expect(state.isPost()).toBe(true)
  })

  const restore = JSON.stringify({
    configFile: '/home/u/.docker/config.json',
    key: 'r.example',
    created: true
  })
  it.each<[keyof RunState, string]>([
    ['builder', 'multiarch-42-abc'],
    ['builder', ''], // cleared after a taken name: nothing to remove
    ['tempDir', '/runner/_temp/multiarch-XyZ12 with space'],
    ['loginRestore', restore],
    ['loginRestore', `${restore}\n{"second": "line"}`],
    [
      'buildx',
      JSON.stringify({ command: '/opt/hostedtoolcache/buildx/0.29.1/x64/docker-buildx', prefix: [] })
    ],
    ['buildx', 'a=b<<c']
  ])('%s = %j comes back unchanged, and only in its own field', (key, value) => {
    state.save(key, value)
    startPost()
    expect(state.load()).toEqual({ ...EMPTY, [key]: value })
  })

  it('keeps every field apart and the last value saved for a field', () => {
    const values: RunState = { builder: 'b1', tempDir: '/t/1', loginRestore: '{"key":"k"}', buildx: '' }
    state.markMainStarted()
    for (const key of Object.keys(values) as (keyof RunState)[]) state.save(key, values[key])
    state.save('builder', 'b2')
    const written = startPost()
    expect(state.load()).toEqual({ ...values, builder: 'b2' })
    expect(state.isPost()).toBe(true)
    // five distinct names: the four fields and the post marker
    expect(Object.keys(written)).toHaveLength(5)
  })

  it('writes to the state file only, never to the log (the login restore may hold a credential)', async () => {
    const secret = JSON.stringify({ key: 'r.example', auth: { auth: 'b2xkOm9sZA==' } })
    const log = await captureStdout(() => {
      state.markMainStarted()
      state.save('loginRestore', secret)
    })
    expect(log).toBe('')
    expect(fs.readFileSync(stateFile, 'utf8')).toContain('b2xkOm9sZA==')
  })
})
