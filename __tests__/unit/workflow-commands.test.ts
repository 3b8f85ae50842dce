/**
 * The post step's workflow commands (github/workflow-commands.ts) against @actions/core's: the same calls
 * write the same lines, so the post step speaks the one protocol without loading @actions/core.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { githubReporter } from '../../src/github/github-reporter.js'
import { postReporter } from '../../src/github/workflow-commands.js'
import { ROOT } from '../../scripts/runner-sim.js'
import { captureStdout } from '../stdout.js'

const tricky = 'a %25 sign, a colon: a comma, and\r\nlines\n'

describe('postReporter', () => {
  it.each<[string, (r: ReturnType<typeof postReporter>) => void]>([
    [
      'info',
      r => {
        r.info(tricky)
      }
    ],
    [
      'debug',
      r => {
        r.debug(tricky)
      }
    ],
    [
      'command',
      r => {
        r.command('docker buildx rm b1')
      }
    ],
    [
      'warning',
      r => {
        r.warning(tricky)
      }
    ],
    [
      'warning with a title',
      r => {
        r.warning('removing failed', { title: 'Post: step, cleanup' })
      }
    ],
    [
      'notice with every property',
      r => {
        r.notice(tricky, { title: 't:1', file: 'a,b.ts', startLine: 7 })
      }
    ],
    [
      'notice with an empty title',
      r => {
        r.notice('n', { title: '' })
      }
    ]
  ])('%s writes what @actions/core writes', async (_name, call) => {
    const lines: string[] = []
    call(postReporter({}, line => lines.push(line)))
    const core = await captureStdout(() => {
      call(githubReporter({}))
    })
    expect(lines.map(line => `${line}\n`).join('')).toBe(core)
  })

  it('a group closes whatever its work does, as @actions/core’s does', async () => {
    const lines: string[] = []
    const reporter = postReporter({}, line => lines.push(line))
    await expect(reporter.group('Remove: the builder', () => Promise.reject(new Error('x')))).rejects.toThrow(
      'x'
    )
    const core = await captureStdout(() =>
      githubReporter({})
        .group('Remove: the builder', () => Promise.reject(new Error('x')))
        .catch(() => undefined)
    )
    expect(lines.map(line => `${line}\n`).join('')).toBe(core)
  })

  it('reads main’s state from STATE_ variables, as @actions/core does', () => {
    const reporter = postReporter({ STATE_builder: 'b1' })
    expect(reporter.get('builder')).toBe('b1')
    expect(reporter.get('tempDir')).toBe('')
  })
})

describe('the post entry', () => {
  it('action.yml runs the post bundle, which the bundle script builds from src/post.ts', () => {
    expect(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')).toContain("post: 'dist/post/index.js'")
    expect(fs.readFileSync(path.join(ROOT, 'scripts/bundle.sh'), 'utf8')).toContain(
      'ncc build lib/post.js -o "$out/post"'
    )
    // Nothing the post entry imports, however indirectly, imports @actions/core.
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
    const reached = visit(path.join(ROOT, 'src/post.ts'))
    expect(reached).toContain('@actions/exec')
    expect(reached).not.toContain('@actions/core')
  })
})
