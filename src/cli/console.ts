/**
 * The command line's output. Its own progress goes through the TerminalReporter (terminal.ts). What the
 * libraries it uses write to stdout or stderr themselves (@actions/tool-cache logs its download as
 * `::debug::` workflow commands on stdout) is caught here and passed to the same reporter, so stdout
 * stays free for the outputs (--json) and no line escapes the masking.
 */
import type { Reporter } from '../core/reporter.js'
import { TerminalReporter, type TerminalOptions } from './terminal.js'

/** Workflow command data is escaped as %25, %0D, %0A; properties also as %3A, %2C. */
export function unescapeCommand(text: string, property = false): string {
  return text.replace(property ? /%(25|0D|0A|3A|2C)/gi : /%(25|0D|0A)/gi, code => decodeURIComponent(code))
}

const COMMAND = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/

/** Passes one line a library wrote to stdout to the reporter, workflow commands as what they mean. */
export function relayLine(line: string, reporter: Reporter): void {
  const command = COMMAND.exec(line)
  if (!command) {
    const echoed = /^\[command\](.*)$/.exec(line)
    if (echoed) reporter.command(echoed[1] ?? '')
    else reporter.info(line)
    return
  }
  const [, name = '', properties = '', raw = ''] = command
  const message = unescapeCommand(raw)
  const title = /(?:^|,)title=([^,]*)/.exec(properties)?.[1]
  const annotation = title ? { title: unescapeCommand(title, true) } : undefined
  switch (name) {
    case 'debug':
      reporter.debug(message)
      return
    case 'error':
    case 'warning':
    case 'notice':
      reporter[name](message, annotation)
      return
    case 'add-mask':
      reporter.mask(message)
      return
    default:
      // The other commands (groups, outputs, state, paths, matchers) are the runner's business.
      return
  }
}

type WriteCallback = (error?: Error | null) => void
type Write = typeof process.stdout.write

/** Splits a stream of chunks into lines, keeping a partial last line until it is complete. */
export class LineBuffer {
  private pending = ''
  push(chunk: string): string[] {
    const text = this.pending + chunk
    const lines = text.split('\n')
    this.pending = lines.pop() ?? ''
    return lines.map(l => l.replace(/\r$/, ''))
  }
  flush(): string[] {
    const rest = this.pending
    this.pending = ''
    return rest === '' ? [] : [rest]
  }
}

export interface Capture {
  /** The run's reporter: its lines go to stderr. */
  reporter: TerminalReporter
  /** Writes to the real stdout (the outputs). */
  stdout(text: string): void
  /** Flushes partial lines, closes open groups and puts process.stdout/stderr back. */
  restore(): void
}

export interface CaptureOptions extends Omit<TerminalOptions, 'write'> {
  /** The real stdout and stderr. */
  stdout: (text: string) => void
  stderr: (text: string) => void
}

/**
 * Makes the run's reporter, writing to `options.stderr`, and routes everything libraries write to
 * process.stdout and process.stderr into it until restore().
 */
export function captureOutput(options: CaptureOptions): Capture {
  const { stdout, stderr, ...terminal } = options
  const reporter = new TerminalReporter({
    ...terminal,
    write: line => {
      stderr(`${line}\n`)
    }
  })
  const realOut = process.stdout.write.bind(process.stdout)
  const realErr = process.stderr.write.bind(process.stderr)
  const outLines = new LineBuffer()
  const errLines = new LineBuffer()
  const relayOut = (line: string): void => {
    relayLine(line, reporter)
  }
  const relayErr = (line: string): void => {
    reporter.info(line)
  }
  const replacement =
    (buffer: LineBuffer, relay: (line: string) => void): Write =>
    (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback) => {
      buffer.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).forEach(relay)
      const done = typeof encoding === 'function' ? encoding : callback
      if (done) done()
      return true
    }
  process.stdout.write = replacement(outLines, relayOut)
  process.stderr.write = replacement(errLines, relayErr)
  return {
    reporter,
    stdout,
    restore: () => {
      outLines.flush().forEach(relayOut)
      errLines.flush().forEach(relayErr)
      reporter.finish()
      process.stdout.write = realOut
      process.stderr.write = realErr
    }
  }
}
