/**
 * Retries for failures that a second attempt can fix (network, registry overload, builder start-up), and
 * never for the build's own errors: a Dockerfile that fails fails the same way every time. The build
 * cache makes a retried build cheap: finished steps are not run again.
 */
import { CommandError } from './runner.js'

/** Output that shows the build itself failed: never retried, whatever else the output says. */
const PERMANENT: readonly RegExp[] = [
  /did not complete successfully/i,
  /dockerfile parse error/i,
  /failed to compute cache key/i,
  /failed to parse (stage|platform|dockerfile)/i,
  /unknown instruction/i,
  /invalid reference format/i,
  /certificate signed by unknown authority/i,
  /server gave HTTP response to HTTPS client/i,
  /no such host/i,
  /401 Unauthorized|403 Forbidden|insufficient_scope|authentication required|unauthorized:/i
]

/** Transient failures, each with the reason the log gives for retrying. */
const TRANSIENT: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /connection refused/i, reason: 'connection refused' },
  { pattern: /connection reset by peer/i, reason: 'connection reset' },
  { pattern: /broken pipe|unexpected EOF/i, reason: 'connection dropped' },
  {
    pattern: /i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout/i,
    reason: 'timeout'
  },
  {
    pattern: /\b(500|502|503|504) (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i,
    reason: 'registry server error'
  },
  { pattern: /\b429 Too Many Requests|toomanyrequests/i, reason: 'registry rate limit (429)' },
  {
    pattern: /failed to (push|fetch|copy|do request).*(EOF|reset|refused|timeout)/i,
    reason: 'network failure during push/pull'
  },
  {
    pattern: /error reading from server|transport is closing|failed to dial gRPC|connection error: desc/i,
    reason: 'builder connection lost'
  },
  {
    pattern: /error while booting|failed to bootstrap|timeout waiting for buildkitd/i,
    reason: 'builder start-up failed'
  }
]

/** Why the failure looks transient, or undefined when it must not be retried. */
export function transientReason(output: string): string | undefined {
  if (PERMANENT.some(p => p.test(output))) return undefined
  return TRANSIENT.find(t => t.pattern.test(output))?.reason
}

export interface RetryOptions {
  /** How many times to try again after the first attempt. */
  retries: number
  /** Delay before the first retry; doubled each time, at most maxDelayMs. */
  initialDelayMs: number
  maxDelayMs?: number
  what: string
  log: (message: string) => void
  sleep?: (ms: number) => Promise<void>
  /** Why an error is worth another attempt (undefined: it is not); default: a command's transient output. */
  classify?: (error: unknown) => string | undefined
}

/** The default classifier: a command whose output shows a transient failure. */
export function commandFailureReason(error: unknown): string | undefined {
  return error instanceof CommandError ? transientReason(`${error.stderr}\n${error.stdout}`) : undefined
}

export function backoffDelays(
  options: Pick<RetryOptions, 'retries' | 'initialDelayMs' | 'maxDelayMs'>
): number[] {
  const max = options.maxDelayMs ?? 30_000
  return Array.from({ length: options.retries }, (_, i) => Math.min(options.initialDelayMs * 2 ** i, max))
}

/** Runs `attempt`; on a transient CommandError, waits and tries again, up to `retries` times. */
export async function withRetries<T>(options: RetryOptions, attempt: (n: number) => Promise<T>): Promise<T> {
  const delays = backoffDelays(options)
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)))
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      const reason = (options.classify ?? commandFailureReason)(error)
      const delay = delays[n]
      if (reason === undefined || delay === undefined) throw error
      options.log(
        `${options.what}: attempt ${n + 1} of ${delays.length + 1} failed (${reason}); retrying in ${Math.round(delay / 1000)}s`
      )
      await sleep(delay)
    }
  }
}
