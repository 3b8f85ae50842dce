/**
 * The GitHub Reporter on @actions/core: workflow commands on stdout, outputs and state in the runner's
 * command files, the summary appended to GITHUB_STEP_SUMMARY.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCommandFile } from '../../scripts/runner-sim.js'
import { githubInputs, githubReporter } from '../../src/github/github-reporter.js'
import { captureStdout, commands } from '../stdout.js'

const saved = { ...process.env }
let dir = ''
const file = (name: string): string => path.join(dir, name)

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-reporter-test-'))
  for (const name of ['output', 'state', 'summary']) fs.writeFileSync(file(name), '')
  process.env.GITHUB_OUTPUT = file('output')
  process.env.GITHUB_STATE = file('state')
  process.env.GITHUB_STEP_SUMMARY = file('summary')
})
afterEach(() => {
  process.env = { ...saved }
})

describe('githubReporter', () => {
  it('speaks in workflow commands: groups, annotations with a title, masks, the command echo', async () => {
    const reporter = githubReporter()
    const log = await captureStdout(() =>
      reporter.group('Inputs', () => {
        reporter.info('plain line')
        reporter.command('docker buildx version')
        reporter.warning('two\nlines', { title: 'Retrying' })
        reporter.error('broken')
        reporter.notice('note', { title: 'Post step' })
        reporter.mask('hunter2')
        return Promise.resolve()
      })
    )
    expect(commands(log, 'group')).toEqual(['Inputs'])
    expect(commands(log, 'warning')).toEqual(['two%0Alines'])
    expect(log).toContain('::warning title=Retrying::two%0Alines')
    expect(commands(log, 'error')).toEqual(['broken'])
    expect(commands(log, 'notice')).toEqual(['note'])
    expect(commands(log, 'add-mask')).toEqual(['hunter2'])
    expect(log).toContain('plain line\n')
    expect(log).toContain('[command]docker buildx version\n')
    expect(log.trimEnd().endsWith('::endgroup::')).toBe(true)
  })

  it('writes outputs and state to the command files, appends to the summary', async () => {
    fs.writeFileSync(file('summary'), '<p>from an earlier step</p>\n')
    const reporter = githubReporter()
    const log = await captureStdout(async () => {
      reporter.setOutput('digest', 'sha256:1')
      reporter.setOutput('metadata', '{\n"a": 1\n}')
      reporter.save('builder', 'b1')
      await reporter.appendSummary('<h2>Image</h2>\n')
    })
    expect(log).toBe('')
    expect(parseCommandFile(fs.readFileSync(file('output'), 'utf8'))).toEqual({
      digest: 'sha256:1',
      metadata: '{\n"a": 1\n}'
    })
    expect(parseCommandFile(fs.readFileSync(file('state'), 'utf8'))).toEqual({ builder: 'b1' })
    expect(fs.readFileSync(file('summary'), 'utf8')).toBe('<p>from an earlier step</p>\n<h2>Image</h2>\n')
  })

  it('reads state and inputs the way the runner passes them', () => {
    process.env.STATE_builder = 'b2'
    process.env.INPUT_PLATFORMS = '  linux/amd64  '
    expect(githubReporter().get('builder')).toBe('b2')
    expect(githubReporter().get('never-saved')).toBe('')
    expect(githubInputs('platforms')).toBe('linux/amd64')
  })

  it('fail sets the exit code and says why', async () => {
    const log = await captureStdout(() => {
      githubReporter().fail('it broke')
    })
    expect(commands(log, 'error')).toEqual(['it broke'])
    expect(process.exitCode).toBe(1)
    process.exitCode = 0
  })
})
