/**
 * A time limit for work whose progress can be watched (a download growing a file): it fails when the
 * progress stands still for too long, however long the whole work takes while it moves.
 */

export interface StallLimit {
  /** A number that grows while the work progresses (bytes written so far). */
  progress: () => number
  /** How long the progress may stand still, in milliseconds. */
  stallMs: number
  /** How often to look, in milliseconds. Default: a tenth of stallMs, at most 1 s. */
  pollMs?: number
  /** The error message when it stalls: says what stalled, and where. */
  message: () => string
}

/** `work`, or a rejection with `message` once its progress has not moved for `stallMs`. */
export function withStallLimit<T>(work: Promise<T>, limit: StallLimit): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let last = limit.progress()
    let since = Date.now()
    const timer = setInterval(
      () => {
        const now = limit.progress()
        if (now !== last) {
          last = now
          since = Date.now()
        } else if (Date.now() - since >= limit.stallMs) {
          clearInterval(timer)
          reject(new Error(limit.message()))
        }
      },
      limit.pollMs ?? Math.min(1000, limit.stallMs / 10)
    )
    work.then(
      value => {
        clearInterval(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearInterval(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    )
  })
}
