/**
 * The GitHub reporter's workflow and file commands (github/workflow-commands.ts) against @actions/core's:
 * the same calls write the same lines and the same files, so the action's steps speak the one protocol
 * without loading @actions/core.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseCommandFile, ROOT } from '../../scripts/runner-sim.js'
import type { Reporter } from '../../src/core/reporter.js'
import { githubInputs, githubReporter } from '../../src/github/github-reporter.js'
import { captureStdout } from '../stdout.js'

const tricky = 'a %25 sign, a colon: a comma, and\r\nlines\n'

/** What the reporter writes for `ours`, and what @actions/core writes for `theirs`. */
async function both(ours: (r: Reporter) => void, theirs: () => void): Promise<[string, string]> {
  const lines: string[] = []
  ours(githubReporter(undefined, line => lines.push(line)))
  return [lines.map(line => `${line}\n`).join(''), await captureStdout(theirs)]
}

describe('the GitHub reporter writes what @actions/core writes', () => {
  it.each<[string, (r: Reporter) => void, () => void]>([
    [
      'info',
      r => {
        r.info(tricky)
      },
      () => {
        core.info(tricky)
      }
    ],
    [
      'debug',
      r => {
        r.debug(tricky)
      },
      () => {
        core.debug(tricky)
      }
    ],
    [
      'warning',
      r => {
        r.warning(tricky)
      },
      () => {
        core.warning(tricky)
      }
    ],
    [
      'error',
      r => {
        r.error(tricky)
      },
      () => {
        core.error(tricky)
      }
    ],
    [
      'mask',
      r => {
        r.mask(tricky)
      },
      () => {
        core.setSecret(tricky)
      }
    ],
    [
      'warning with a title',
      r => {
        r.warning('removing failed', { title: 'Post: step, cleanup' })
      },
      () => {
        core.warning('removing failed', { title: 'Post: step, cleanup' })
      }
    ],
    [
      'notice with every property',
      r => {
        r.notice(tricky, { title: 't:1', file: 'a,b.ts', startLine: 7 })
      },
      () => {
        core.notice(tricky, { title: 't:1', file: 'a,b.ts', startLine: 7 })
      }
    ],
    [
      'notice with an empty title',
      r => {
        r.notice('n', { title: '' })
      },
      () => {
        core.notice('n', { title: '' })
      }
    ]
  ])('%s', async (_name, ours, theirs) => {
    const [mine, core_] = await both(ours, theirs)
    expect(mine).toBe(core_)
  })

  it('a group closes whatever its work does', async () => {
    const lines: string[] = []
    await expect(
      githubReporter({}, line => lines.push(line)).group('Remove: the builder', () =>
        Promise.reject(new Error('x'))
      )
    ).rejects.toThrow('x')
    const theirs = await captureStdout(() =>
      core.group('Remove: the builder', () => Promise.reject(new Error('x'))).catch(() => undefined)
    )
    expect(lines.map(line => `${line}\n`).join('')).toBe(theirs)
  })

  it('fail: the error line and exit code 1', async () => {
    const saved = process.exitCode
    const [mine, theirs] = await both(
      r => {
        r.fail(tricky)
      },
      () => {
        core.setFailed(tricky)
      }
    )
    expect(process.exitCode).toBe(1)
    process.exitCode = saved
    expect(mine).toBe(theirs)
  })
})

describe('file commands and inputs', () => {
  const saved = { ...process.env }
  let dir = ''
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-commands-'))
    for (const name of ['OUTPUT', 'STATE']) {
      fs.writeFileSync(path.join(dir, name), '')
      process.env[`GITHUB_${name}`] = path.join(dir, name)
    }
  })
  afterEach(() => {
    process.env = { ...saved }
  })

  it('outputs and state read back as @actions/core’s do, multi-line values too', () => {
    const value = 'line 1\nline 2 with ghadelimiter and %'
    githubReporter().setOutput('digest', value)
    core.setOutput('digest-core', value)
    githubReporter().save('builder', value)
    core.saveState('builder-core', value)
    const outputs = parseCommandFile(fs.readFileSync(path.join(dir, 'OUTPUT'), 'utf8'))
    const state = parseCommandFile(fs.readFileSync(path.join(dir, 'STATE'), 'utf8'))
    expect(outputs).toEqual({ digest: value, 'digest-core': value })
    expect(state).toEqual({ builder: value, 'builder-core': value })
  })

  it('without the files: the stdout commands @actions/core falls back to', async () => {
    delete process.env.GITHUB_OUTPUT
    delete process.env.GITHUB_STATE
    const [mine, theirs] = await both(
      r => {
        r.setOutput('a', tricky)
        r.save('b', tricky)
      },
      () => {
        core.setOutput('a', tricky)
        core.saveState('b', tricky)
      }
    )
    expect(mine).toBe(theirs)
  })

  it('inputs and state as @actions/core reads them', () => {
    process.env['INPUT_BUILD-ARGS'] = '  A=1\n  '
    process.env['INPUT_MY_INPUT'] = 'x'
    process.env.STATE_builder = 'b1'
    expect(githubInputs('build-args')).toBe(core.getInput('build-args'))
    expect(githubInputs('my input')).toBe(core.getInput('my input'))
    expect(githubInputs('missing')).toBe(core.getInput('missing'))
    expect(githubReporter().get('builder')).toBe(core.getState('builder'))
    expect(githubReporter().get('tempDir')).toBe('')
  })
})

describe('what the action loads', () => {
  /** The packages a source file imports statically, however indirectly. */
  function reached(entry: string): string[] {
    const seen = new Set<string>()
    const visit = (file: string): string[] => {
      if (seen.has(file)) return []
      seen.add(file)
      const text = fs.readFileSync(file, 'utf8')
      const packages = [...text.matchAll(/\bfrom '(@actions\/[^']+)'/g)].map(m => m[1] ?? '')
      const local = [...text.matchAll(/\bfrom '(\.{1,2}\/[^']+)\.js'/g)].map(m =>
        path.resolve(path.dirname(file), `${m[1] ?? ''}.ts`)
      )
      return [...packages, ...local.flatMap(visit)]
    }
    return visit(path.join(ROOT, entry))
  }

  it.each(['src/index.ts', 'src/post.ts'])('%s imports no @actions/core or tool-cache up front', entry => {
    const packages = reached(entry)
    expect(packages).toContain('@actions/exec')
    expect(packages).not.toContain('@actions/core')
    expect(packages).not.toContain('@actions/tool-cache')
  })

  it("main's licence file covers its chunks too (ncc's own lists one chunk's packages only)", () => {
    const listed = fs.readFileSync(path.join(ROOT, 'dist/licenses.txt'), 'utf8')
    for (const name of ['@actions/exec', '@actions/core', '@actions/tool-cache', 'undici'])
      expect(listed).toMatch(new RegExp(`^${name}$`, 'm'))
  })

  it('action.yml runs the post bundle, which the bundle script builds from src/post.ts', () => {
    expect(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')).toContain("post: 'dist/post/index.js'")
    expect(fs.readFileSync(path.join(ROOT, 'scripts/bundle.sh'), 'utf8')).toContain(
      'ncc build lib/post.js -o "$out/post"'
    )
  })
})
