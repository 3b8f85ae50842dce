/** The stall limit: work that makes progress may take its time; work that stands still fails, saying what. */
import { describe, expect, it } from '@jest/globals'
import { withStallLimit } from '../../src/core/stall.js'

const after = <T>(ms: number, value: T): Promise<T> =>
  new Promise(resolve => {
    setTimeout(() => {
      resolve(value)
    }, ms)
  })

describe('withStallLimit', () => {
  it('fails with the message once the progress stands still for the limit', async () => {
    const started = Date.now()
    const never = new Promise<string>(() => undefined)
    await expect(
      withStallLimit(never, {
        progress: () => 0,
        stallMs: 100,
        pollMs: 10,
        message: () => 'r.example stalled'
      })
    ).rejects.toThrow('r.example stalled')
    expect(Date.now() - started).toBeGreaterThanOrEqual(100)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('lets work that keeps moving take longer than the limit', async () => {
    let bytes = 0
    const timer = setInterval(() => (bytes += 1), 20)
    try {
      await expect(
        withStallLimit(after(300, 'done'), {
          progress: () => bytes,
          stallMs: 100,
          pollMs: 10,
          message: () => 'x'
        })
      ).resolves.toBe('done')
    } finally {
      clearInterval(timer)
    }
  })

  it('passes the work’s own failure through', async () => {
    await expect(
      withStallLimit(Promise.reject(new Error('HTTP 404')), {
        progress: () => 0,
        stallMs: 100,
        message: () => 'x'
      })
    ).rejects.toThrow('HTTP 404')
  })
})
