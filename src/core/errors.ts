/**
 * Helpers for errors of unknown shape. All duck-typed rather than `instanceof Error`: errors from node
 * built-ins may come from another realm (jest's VM modules), where instanceof fails.
 */

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  if (isObject(error) && 'message' in error && typeof error.message === 'string') return error.message
  return String(error)
}

/** A node error's `code` (ENOENT, ECONNREFUSED, ...), or undefined when it has none. */
export function errorCode(error: unknown): string | undefined {
  if (!isObject(error) || !('code' in error)) return undefined
  const { code } = error
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined
}

/** The `code`s and non-empty messages along an error's `cause` chain, outermost first (at most 8 deep). */
export function errorChain(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = []
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; depth < 8 && isObject(current); depth++) {
    const code = errorCode(current)
    if (code !== undefined) codes.push(code)
    if ('message' in current && typeof current.message === 'string' && current.message !== '') {
      messages.push(current.message)
    }
    current = 'cause' in current ? current.cause : undefined
  }
  if (messages.length === 0) messages.push(typeof error === 'string' ? error : 'unknown error')
  return { codes, messages }
}

/** The last non-empty line of a program's output: usually the line that says what went wrong. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? ''
}
