/**
 * The Reporter of the command line: what a person reads on a terminal, or in a CI log other than GitHub's.
 * Every line goes to one writer (stderr: stdout is kept for --json); a secret passed to mask() becomes ***
 * in every line written after; groups are `==> title` headings, or collapsible sections inside GitLab CI.
 * Outputs, and the state main hands to post, stay in memory; the job summary has no place here (the log
 * already carries the results). Nothing here writes a workflow command or a GitHub file.
 */
import type { Annotation, Reporter } from '../core/reporter.js'

export interface TerminalOptions {
  /** Writes one line (no newline at its end). */
  write(line: string): void
  /** Show debug lines (hidden otherwise, as the runner hides them without debug logging). */
  debug: boolean
  /** Render groups as GitLab CI log sections. */
  gitlab: boolean
  /** Seconds since the epoch, for GitLab section markers. */
  now?: () => number
  /** Words a warning, error or notice for this interface (the command line names flags, see wording.ts). */
  words?: (message: string) => string
}

const MASK = '***'

export class TerminalReporter implements Reporter {
  /** The outputs the run set, by name. */
  readonly outputs = new Map<string, string>()
  private readonly state = new Map<string, string>()
  private readonly secrets: string[] = []
  private readonly open: string[] = []
  private section = 0

  constructor(private readonly options: TerminalOptions) {}

  info(message: string): void {
    for (const line of this.masked(message).split(/\r?\n/)) this.options.write(line)
  }

  debug(message: string): void {
    if (this.options.debug) this.prefixed('debug', message)
  }

  command(line: string): void {
    this.info(`$ ${line}`)
  }

  warning(message: string, annotation?: Annotation): void {
    this.prefixed('warning', headed(this.worded(message), annotation))
  }

  error(message: string, annotation?: Annotation): void {
    this.prefixed('error', headed(this.worded(message), annotation))
  }

  notice(message: string, annotation?: Annotation): void {
    this.prefixed('notice', headed(this.worded(message), annotation))
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.startGroup(name)
    try {
      return await work()
    } finally {
      this.endGroup()
    }
  }

  mask(secret: string): void {
    if (secret === '' || this.secrets.includes(secret)) return
    this.secrets.push(secret)
    this.secrets.sort((a, b) => b.length - a.length) // longest first: no partial reveal
  }

  setOutput(name: string, value: string): void {
    this.outputs.set(name, value)
  }

  save(key: string, value: string): void {
    this.state.set(key, value)
  }

  get(key: string): string {
    return this.state.get(key) ?? ''
  }

  appendSummary(): Promise<void> {
    return Promise.resolve()
  }

  fail(message: string): void {
    this.prefixed('error', this.worded(message))
  }

  private worded(message: string): string {
    return this.options.words ? this.options.words(message) : message
  }

  /** `text` with every registered secret replaced by ***. */
  masked(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.split(secret).join(MASK)
    return out
  }

  /** Ends any group still open (a run stopped in the middle of one). */
  finish(): void {
    while (this.open.length > 0) this.endGroup()
  }

  private prefixed(kind: string, message: string): void {
    const [first = '', ...more] = this.masked(message).split(/\r?\n/)
    for (const line of [`${kind}: ${first}`, ...more.map(l => `  ${l}`)]) this.options.write(line)
  }

  private startGroup(title: string): void {
    const id = `multiarch_${++this.section}`
    this.open.push(id)
    const shown = this.masked(title)
    this.options.write(
      this.options.gitlab
        ? `\x1b[0Ksection_start:${this.now()}:${id}[collapsed=true]\r\x1b[0K${shown}`
        : `==> ${shown}`
    )
  }

  private endGroup(): void {
    const id = this.open.pop()
    if (id !== undefined && this.options.gitlab)
      this.options.write(`\x1b[0Ksection_end:${this.now()}:${id}\r\x1b[0K`)
  }

  private now(): number {
    return this.options.now ? this.options.now() : Math.floor(Date.now() / 1000)
  }
}

function headed(message: string, annotation: Annotation | undefined): string {
  return annotation?.title ? `${annotation.title}: ${message}` : message
}
