/**
 * What the code under test writes to process.stdout: the action's log as the runner would read it
 * (workflow commands such as `::warning::`, `::group::`, `::add-mask::`, and plain info lines).
 */

/** Runs `fn` with process.stdout.write redirected into a string, and returns what was written. */
export async function captureStdout(fn: () => unknown): Promise<string> {
  const stream = process.stdout
  const write = stream.write.bind(stream)
  let text = ''
  stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    const callback = rest.find(r => typeof r === 'function') as (() => void) | undefined
    callback?.()
    return true
  }
  try {
    await fn()
  } finally {
    stream.write = write
  }
  return text
}

/** The workflow commands of one kind in a captured log, e.g. `commands(log, 'warning')`. */
export function commands(log: string, name: string): string[] {
  return log
    .split('\n')
    .filter(line => line.startsWith(`::${name}::`) || line.startsWith(`::${name} `))
    .map(line => line.slice(line.indexOf('::', 2) + 2))
}
