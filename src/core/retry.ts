/**
 * Retries for failures that a second attempt can fix. What counts as such a failure is the caller's
 * classifier (buildx output: src/buildx/output.ts; registry reads: the registry client).
 */

export interface RetryOptions {
  /** How many times to try again after the first attempt. */
  retries: number
  /** Delay before the first retry; doubled each time, at most maxDelayMs. */
  initialDelayMs: number
  maxDelayMs?: number
  what: string
  log: (message: string) => void
  /** Waits between attempts (the run's clock, injected). */
  sleep: (ms: number) => Promise<void>
  /** Why an error is worth another attempt; undefined: it is not. */
  classify: (error: unknown) => string | undefined
}

export function backoffDelays(
  options: Pick<RetryOptions, 'retries' | 'initialDelayMs' | 'maxDelayMs'>
): number[] {
  const max = options.maxDelayMs ?? 30_000
  return Array.from({ length: options.retries }, (_, i) => Math.min(options.initialDelayMs * 2 ** i, max))
}

/** Runs `attempt`; on an error the classifier calls transient, waits and tries again, up to `retries` times. */
export async function withRetries<T>(options: RetryOptions, attempt: (n: number) => Promise<T>): Promise<T> {
  const delays = backoffDelays(options)
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      const reason = options.classify(error)
      const delay = delays[n]
      if (reason === undefined || delay === undefined) throw error
      options.log(
        `${options.what}: attempt ${n + 1} of ${delays.length + 1} failed (${reason}); retrying in ${Math.round(delay / 1000)}s`
      )
      await options.sleep(delay)
    }
  }
}

/** Real time: the production `sleep`. */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>(resolve => setTimeout(resolve, ms))
}
