import { describe, expect, it } from '@jest/globals'
import { buildxFailureReason } from '../../src/buildx/output.js'
import { backoffDelays, withRetries } from '../../src/core/retry.js'
import { CommandError } from '../../src/core/runner.js'

const noSleep = (): Promise<void> => Promise.resolve()

/** A quiet, sleepless build retry with `retries` retries, classifying as buildx failures do. */
const quietBuild = (retries: number): Parameters<typeof withRetries>[0] => ({
  retries,
  initialDelayMs: 1,
  what: 'Build',
  log: () => undefined,
  sleep: noSleep,
  classify: buildxFailureReason
})

describe('backoffDelays', () => {
  it.each<[number, number, number | undefined, number[]]>([
    [0, 1000, undefined, []],
    [3, 1000, undefined, [1000, 2000, 4000]],
    [5, 10_000, 30_000, [10_000, 20_000, 30_000, 30_000, 30_000]]
  ])('%i retries from %i ms', (retries, initialDelayMs, maxDelayMs, expected) => {
    expect(backoffDelays({ retries, initialDelayMs, ...(maxDelayMs ? { maxDelayMs } : {}) })).toEqual(
      expected
    )
  })
})

describe('withRetries', () => {
  const failure = (stderr: string): CommandError =>
    new CommandError('docker', ['buildx', 'build'], { exitCode: 1, stdout: '', stderr })

  it('retries a transient failure, logging why, until it succeeds', async () => {
    const log: string[] = []
    const slept: number[] = []
    let calls = 0
    const result = await withRetries(
      {
        retries: 3,
        initialDelayMs: 100,
        what: 'Build',
        classify: buildxFailureReason,
        log: m => log.push(m),
        sleep: ms => {
          slept.push(ms)
          return Promise.resolve()
        }
      },
      () => {
        calls++
        return calls < 3 ? Promise.reject(failure('connect: connection refused')) : Promise.resolve('ok')
      }
    )
    expect(result).toBe('ok')
    expect(slept).toEqual([100, 200])
    expect(log).toEqual([
      'Build: attempt 1 of 4 failed (connection refused); retrying in 0s',
      'Build: attempt 2 of 4 failed (connection refused); retrying in 0s'
    ])
  })

  it('does not retry a build error', async () => {
    let calls = 0
    await expect(
      withRetries(quietBuild(3), () => {
        calls++
        return Promise.reject(
          failure('process "/bin/sh -c false" did not complete successfully: exit code: 1')
        )
      })
    ).rejects.toThrow(/exit code 1/)
    expect(calls).toBe(1)
  })

  it('gives up after the last retry with the last error', async () => {
    let calls = 0
    await expect(
      withRetries(quietBuild(2), () => {
        calls++
        return Promise.reject(failure(`attempt ${calls}: i/o timeout`))
      })
    ).rejects.toThrow(/attempt 3: i\/o timeout/)
    expect(calls).toBe(3)
  })

  it('asks the given classifier, with the error itself', async () => {
    const seen: unknown[] = []
    const error = new Error('flaky')
    let calls = 0
    const options = {
      ...quietBuild(1),
      what: 'Read',
      classify: (e: unknown) => {
        seen.push(e)
        return 'flaky'
      }
    }
    const result = await withRetries(options, () =>
      ++calls === 1 ? Promise.reject(error) : Promise.resolve(calls)
    )
    expect(result).toBe(2)
    expect(seen).toEqual([error])
  })
})
