import { describe, expect, it } from '@jest/globals'
import { backoffDelays, transientReason, withRetries } from '../../src/core/retry.js'
import { CommandError } from '../../src/core/runner.js'

describe('transientReason', () => {
  it.each<[string, string | undefined]>([
    [
      'ERROR: failed to solve: failed to push 127.0.0.1:5999/e2e/x:1: failed to do request: Head "http://127.0.0.1:5999/v2/e2e/x/blobs/sha256:ab": dial tcp 127.0.0.1:5999: connect: connection refused',
      'connection refused'
    ],
    ['read tcp 10.0.0.2:443: read: connection reset by peer', 'connection reset'],
    ['failed to copy: httpReadSeeker: failed open: unexpected EOF', 'connection dropped'],
    ['net/http: TLS handshake timeout', 'timeout'],
    ['dial tcp 1.2.3.4:443: i/o timeout', 'timeout'],
    [
      'unexpected status from PUT request to https://r/v2/x/manifests/1: 503 Service Unavailable',
      'registry server error'
    ],
    ['unexpected status: 502 Bad Gateway', 'registry server error'],
    ['toomanyrequests: You have reached your pull rate limit', 'registry rate limit (429)'],
    ['ERROR: error while booting: timeout waiting for buildkitd', 'builder start-up failed'],
    // never retried: the build itself failed
    ['ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1', undefined],
    ['dockerfile parse error on line 3: unknown instruction: RUNN', undefined],
    ['failed to compute cache key: "/app" not found', undefined],
    ['x509: certificate signed by unknown authority', undefined],
    ['dial tcp: lookup registry.corp on 127.0.0.53:53: no such host', undefined],
    ['server message: insufficient_scope: authorization failed', undefined],
    ['did not complete successfully: exit code: 1 ... connection refused', undefined],
    ['something else entirely', undefined]
  ])('%s', (output, expected) => {
    expect(transientReason(output)).toBe(expected)
  })
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
      withRetries({ retries: 3, initialDelayMs: 1, what: 'Build', log: () => undefined }, () => {
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
      withRetries({ retries: 2, initialDelayMs: 1, what: 'Build', log: () => undefined }, () => {
        calls++
        return Promise.reject(failure(`attempt ${calls}: i/o timeout`))
      })
    ).rejects.toThrow(/attempt 3: i\/o timeout/)
    expect(calls).toBe(3)
  })
})
