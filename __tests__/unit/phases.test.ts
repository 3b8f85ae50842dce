import { describe, expect, it } from '@jest/globals'
import { PhaseClock } from '../../src/core/phases.js'
import { runMain } from '../../src/run/main.js'
import { FakeReporter } from './fake-reporter.js'
import {
  ARCHES,
  THREE_PLATFORMS,
  deps,
  freshWorkDir,
  pushRunner,
  threePlatformImage,
  withRegistry
} from './main-fixtures.js'

/** A clock that moves by the given steps, one per reading. */
function ticking(...steps: number[]): () => number {
  let now = 1000
  return () => (now += steps.shift() ?? 0)
}

describe('PhaseClock', () => {
  it('adds up the time of each phase in the order they first ran; total since the clock started', async () => {
    // readings: start, a start, a end (+5), b start, b end (+7), a start, a end (+2), total (+1)
    const clock = new PhaseClock(ticking(0, 0, 5, 0, 7, 0, 2, 1))
    await clock.time('a', () => Promise.resolve())
    await clock.time('b', () => Promise.resolve())
    await clock.time('a', () => Promise.resolve())
    expect(clock.timings()).toEqual({ a: 7, b: 7, total: 15 })
    expect(Object.keys(clock.timings())).toEqual(['a', 'b', 'total'])
  })

  it('a phase that fails still counts, and the failure goes on', async () => {
    const clock = new PhaseClock(ticking(0, 0, 4))
    await expect(clock.time('build', () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(clock.timings()['build']).toBe(4)
  })

  it('reports one debug line with the JSON of the timings', () => {
    const reporter = new FakeReporter()
    new PhaseClock(ticking(0, 3)).report(reporter)
    expect(reporter.lines).toEqual(['::debug::phase-timings {"total":3}'])
  })
})

describe('runMain: phase timings', () => {
  it('logs the time of every phase of a push, in order, as the last debug line', async () => {
    freshWorkDir()
    const image = await threePlatformImage(arch => ARCHES[arch])
    await withRegistry(image, async server => {
      const run = deps(pushRunner(server.host, image), {
        platforms: THREE_PLATFORMS,
        tags: `${server.host}/team/app:1`
      })
      await runMain(run)
      const lines = run.reporter.lines.filter(line => line.startsWith('::debug::phase-timings '))
      expect(lines).toHaveLength(1)
      const timings = JSON.parse((lines[0] ?? '').replace('::debug::phase-timings ', '')) as Record<
        string,
        number
      >
      expect(Object.keys(timings)).toEqual([
        'inputs',
        'config',
        'push-access',
        'builder',
        'build',
        'read-back',
        'content-checks',
        'tags',
        'outputs',
        'total'
      ])
      for (const ms of Object.values(timings)) expect(ms).toBeGreaterThanOrEqual(0)
      expect(timings['total']).toBeGreaterThanOrEqual(timings['content-checks'] ?? Infinity)
    })
  })

  it('logs the timings of the phases reached when the run fails', async () => {
    freshWorkDir()
    const run = deps(pushRunner('127.0.0.1:9', await threePlatformImage(arch => ARCHES[arch])), {
      platforms: THREE_PLATFORMS,
      tags: '127.0.0.1:9/team/app:1',
      retries: '0'
    })
    await expect(runMain(run)).rejects.toThrow()
    const line = run.reporter.lines.find(l => l.startsWith('::debug::phase-timings ')) ?? ''
    expect(line).toMatch(/"build":\d+,"read-back":\d+,"total":\d+\}$/)
  })
})
