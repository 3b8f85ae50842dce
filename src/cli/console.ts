/**
 * Human progress for a terminal or a CI log other than GitHub's. The action speaks to the GitHub runner
 * through workflow commands on stdout (`::group::`, `::error::`, `::add-mask::`, ...); on the command line
 * those lines are translated here into readable text on stderr, with registered secrets masked, so stdout
 * stays free for the outputs (--json). Inside GitLab CI, groups become GitLab's collapsible sections.
 */

export interface RenderOptions {
  /** Show `::debug::` messages (hidden otherwise, as the runner hides them without debug logging). */
  debug: boolean
  /** Render groups as GitLab CI log sections. */
  gitlab: boolean
  /** Seconds since the epoch, for GitLab section markers. */
  now?: () => number
}

/** Workflow command data is escaped as %25, %0D, %0A; properties also as %3A, %2C. */
export function unescapeCommand(text: string, property = false): string {
  return text.replace(property ? /%(25|0D|0A|3A|2C)/gi : /%(25|0D|0A)/gi, code => decodeURIComponent(code))
}

const COMMAND = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/
const MASK = '***'

/** Translates the action's stdout, line by line, into what a person reads. Keeps state: masks, groups. */
export class LogRenderer {
  private readonly secrets: string[] = []
  private section = 0
  private readonly open: string[] = []

  constructor(private readonly options: RenderOptions) {}

  /** Lines to show for one line the action wrote (none for commands meant only for the runner). */
  render(line: string): string[] {
    const command = COMMAND.exec(line)
    if (!command) {
      const echoed = /^\[command\](.*)$/.exec(line)
      return [this.mask(echoed ? `$ ${echoed[1] ?? ''}` : line)]
    }
    const [, name = '', rawProperties = '', rawMessage = ''] = command
    const message = unescapeCommand(rawMessage)
    const title = /(?:^|,)title=([^,]*)/.exec(rawProperties)?.[1]
    const headed = title ? `${unescapeCommand(title, true)}: ${message}` : message
    switch (name) {
      case 'add-mask':
        if (message !== '' && !this.secrets.includes(message)) {
          this.secrets.push(message)
          this.secrets.sort((a, b) => b.length - a.length) // longest first: no partial reveal
        }
        return []
      case 'group':
        return [this.startGroup(this.mask(message))]
      case 'endgroup':
        return this.endGroup()
      case 'debug':
        return this.options.debug ? this.prefixed('debug', message) : []
      case 'error':
      case 'warning':
      case 'notice':
        return this.prefixed(name, headed)
      case 'set-output':
      case 'save-state':
      case 'echo':
      case 'add-path':
      case 'add-matcher':
      case 'remove-matcher':
        return []
      default:
        return [this.mask(line)]
    }
  }

  /** Ends any group still open (a run stopped in the middle of one). */
  finish(): string[] {
    const out: string[] = []
    while (this.open.length > 0) out.push(...this.endGroup())
    return out
  }

  mask(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.split(secret).join(MASK)
    return out
  }

  private prefixed(kind: string, message: string): string[] {
    const [first = '', ...more] = this.mask(message).split(/\r?\n/)
    return [`${kind}: ${first}`, ...more.map(l => `  ${l}`)]
  }

  private startGroup(title: string): string {
    const id = `multiarch_${++this.section}`
    this.open.push(id)
    if (!this.options.gitlab) return `==> ${title}`
    return `\x1b[0Ksection_start:${this.now()}:${id}[collapsed=true]\r\x1b[0K${title}`
  }

  private endGroup(): string[] {
    const id = this.open.pop()
    if (id === undefined || !this.options.gitlab) return []
    return [`\x1b[0Ksection_end:${this.now()}:${id}\r\x1b[0K`]
  }

  private now(): number {
    return this.options.now ? this.options.now() : Math.floor(Date.now() / 1000)
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
  /** Writes to the real stdout (the outputs). */
  stdout(text: string): void
  /** Writes a line to stderr as progress. */
  info(text: string): void
  /** Flushes partial lines, closes open groups and puts process.stdout/stderr back. */
  restore(): void
}

/**
 * Routes everything written to process.stdout and process.stderr (by @actions/core and by the commands
 * @actions/exec echoes) through the renderer to stderr. Returns a way to write the real stdout.
 */
export function captureOutput(renderer: LogRenderer): Capture {
  const realOut = process.stdout.write.bind(process.stdout)
  const realErr = process.stderr.write.bind(process.stderr)
  const outLines = new LineBuffer()
  const errLines = new LineBuffer()
  const emit = (lines: readonly string[]): void => {
    if (lines.length > 0) realErr(`${lines.join('\n')}\n`)
  }
  const replacement =
    (buffer: LineBuffer, translate: boolean): Write =>
    (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      const lines = buffer.push(text)
      emit(translate ? lines.flatMap(l => renderer.render(l)) : lines.map(l => renderer.mask(l)))
      const done = typeof encoding === 'function' ? encoding : callback
      if (done) done()
      return true
    }
  process.stdout.write = replacement(outLines, true)
  process.stderr.write = replacement(errLines, false)
  return {
    stdout: text => {
      realOut(text)
    },
    info: text => {
      emit([renderer.mask(text)])
    },
    restore: () => {
      emit(outLines.flush().flatMap(l => renderer.render(l)))
      emit(errLines.flush().map(l => renderer.mask(l)))
      emit(renderer.finish())
      process.stdout.write = realOut
      process.stderr.write = realErr
    }
  }
}
