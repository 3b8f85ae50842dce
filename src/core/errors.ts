/** Small helpers for reporting errors of unknown shape. */

/**
 * The message of anything thrown. Duck-typed rather than `instanceof Error`: errors from node built-ins
 * may come from another realm (jest's VM modules), where instanceof fails.
 */
export function messageOf(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message
  }
  return String(error)
}

/** The last non-empty line of a program's output: usually the line that says what went wrong. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? ''
}
