/**
 * The recording Reporter of the unit tests: what the engine said, in order, as one transcript in the
 * notation of GitHub's workflow commands (`::warning title=T::message`, `::group::name`, `::endgroup::`,
 * plain lines for info; annotations escaped onto one line; see ../stdout.ts `commands`), plus the outputs, state, masks and summary it set.
 */
import type { Annotation, Reporter } from '../../src/core/reporter.js'

export class FakeReporter implements Reporter {
  readonly lines: string[] = []
  readonly outputs: Record<string, string> = {}
  readonly state: Record<string, string>
  /** The last value saved under each key. */
  readonly saved: Record<string, string> = {}
  /** Every save in order, a key saved again included. */
  readonly saves: { key: string; value: string }[] = []
  readonly masked: string[] = []
  summary = ''
  failure: string | undefined

  /** `state`: what a main step saved before (the post step reads it). */
  constructor(state: Record<string, string> = {}) {
    this.state = { ...state }
  }

  /** The transcript, one line each. */
  get log(): string {
    return this.lines.map(line => `${line}\n`).join('')
  }

  info(message: string): void {
    this.lines.push(message)
  }
  debug(message: string): void {
    this.lines.push(`::debug::${message}`)
  }
  command(line: string): void {
    this.lines.push(`[command]${line}`)
  }
  warning(message: string, annotation?: Annotation): void {
    this.annotate('warning', message, annotation)
  }
  error(message: string, annotation?: Annotation): void {
    this.annotate('error', message, annotation)
  }
  notice(message: string, annotation?: Annotation): void {
    this.annotate('notice', message, annotation)
  }
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.lines.push(`::group::${name}`)
    try {
      return await work()
    } finally {
      this.lines.push('::endgroup::')
    }
  }
  mask(secret: string): void {
    this.masked.push(secret)
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value
  }
  save(key: string, value: string): void {
    this.saved[key] = value
    this.saves.push({ key, value })
  }
  get(key: string): string {
    return this.state[key] ?? ''
  }
  appendSummary(html: string): Promise<void> {
    this.summary += html
    return Promise.resolve()
  }
  fail(message: string): void {
    this.failure = message
    this.lines.push(`::error::${escapeData(message)}`)
  }

  private annotate(kind: string, message: string, annotation: Annotation | undefined): void {
    const title = annotation?.title ? ` title=${annotation.title}` : ''
    this.lines.push(`::${kind}${title}::${escapeData(message)}`)
  }
}

/** As in workflow commands, an annotation stays on one line: %, CR and LF escaped. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
