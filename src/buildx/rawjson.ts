/**
 * buildx's `--progress=rawjson` stream rendered into the log as it arrives (`#N step`, its output, one
 * DONE/CACHED/ERROR line, a heartbeat for a silent step), and folded into the steps of progress.ts.
 */
import type { Step } from './progress.js'

interface RawVertex {
  digest?: unknown
  name?: unknown
  started?: unknown
  completed?: unknown
  cached?: unknown
  error?: unknown
}
interface RawLog {
  vertex?: unknown
  data?: unknown
}

/** How long a running step may be silent before the log says it is still running (and again after as long). */
export const HEARTBEAT_MS = 30_000

interface RawStep extends Step {
  /** `#N` in the log: steps are numbered in the order they first show; 0 until the header is printed. */
  number: number
  /** BuildKit's time of the vertex's last start. */
  started?: number
  /** Its DONE, CACHED or ERROR line was printed: a vertex that starts again later adds no second one. */
  ended: boolean
  /** Local clock: when it last started, or undefined while it is not running. */
  runningSince?: number
  /** Local clock: its last line in the log (header, output or heartbeat). */
  lastLine: number
}

/**
 * Folds `--progress=rawjson` output into steps. buildx writes one SolveStatus JSON object per status
 * update: on one line (0.29) or pretty-printed over many (0.13), so objects are found by counting braces
 * outside strings. BuildKit names every vertex up front and reports one several times as it starts, logs,
 * completes and (a FROM resolving, then pulling) starts again; the log shows a step's header when it first
 * starts, its output, and one DONE, CACHED or ERROR line; its duration is that of its last start to its
 * completion. Text outside the JSON objects (buildx's own messages, the final error) is passed through as
 * it is. `now` is the local clock (milliseconds), for the heartbeat of silent steps.
 */
export class RawJsonProgress {
  private readonly steps = new Map<string, RawStep>()
  private shownSteps = 0
  private pending = ''
  private depth = 0
  private inString = false
  private escaped = false

  /** Takes one line of the stream; returns the human-readable log lines it adds. */
  feed(line: string, now: number = Date.now()): string[] {
    if (this.depth === 0 && !line.trimStart().startsWith('{')) return line.trim() === '' ? [] : [line]
    this.pending += `${line}\n`
    for (const c of line) {
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === '\\') this.escaped = true
        else if (c === '"') this.inString = false
      } else if (c === '"') this.inString = true
      else if (c === '{') this.depth++
      else if (c === '}') this.depth--
    }
    if (this.depth > 0) return []
    const text = this.pending
    this.pending = ''
    this.depth = 0
    this.inString = false
    let status: unknown
    try {
      status = JSON.parse(text)
    } catch {
      return text.trimEnd().split('\n')
    }
    return isRecord(status) ? this.apply(status, now) : []
  }

  /**
   * `#N still running after 45 s: NAME` for each running step that has printed nothing for HEARTBEAT_MS
   * (then again after as long); called by a timer while the build runs.
   */
  heartbeat(now: number): string[] {
    const out: string[] = []
    for (const step of this.steps.values()) {
      if (step.runningSince === undefined || now - step.lastLine < HEARTBEAT_MS) continue
      step.lastLine = now
      const seconds = Math.round((now - step.runningSince) / 1000)
      out.push(`#${step.number} still running after ${seconds} s: ${step.name}`)
    }
    return out
  }

  private apply(status: Record<string, unknown>, now: number): string[] {
    const out: string[] = []
    const show = (step: RawStep, line?: string): void => {
      if (step.number === 0 && step.name !== '') {
        step.number = ++this.shownSteps
        out.push(`#${step.number} ${step.name}`)
      }
      if (line !== undefined) out.push(`#${step.number} ${line}`)
      step.lastLine = now
    }
    for (const vertex of arrayOf(status['vertexes']) as RawVertex[]) {
      if (typeof vertex.digest !== 'string') continue
      let step = this.steps.get(vertex.digest)
      if (!step) {
        step = {
          id: vertex.digest,
          number: 0,
          name: '',
          cached: false,
          error: '',
          logs: [],
          ended: false,
          lastLine: now
        }
        this.steps.set(vertex.digest, step)
      }
      if (typeof vertex.name === 'string' && step.name === '') step.name = vertex.name
      const started = timeOf(vertex.started)
      const completed = timeOf(vertex.completed)
      if (started !== undefined && started !== step.started) {
        step.started = started
        delete step.seconds // started again: timed by this run's completion
        if (completed === undefined) {
          step.runningSince = now
          show(step)
        }
      }
      if (vertex.cached === true && !step.cached) {
        step.cached = true
        show(step, step.ended ? undefined : 'CACHED')
        step.ended = true
      }
      if (typeof vertex.error === 'string' && vertex.error !== '' && step.error === '') {
        step.error = vertex.error
        show(step, errorLine(vertex.error))
        step.ended = true
      }
      if (completed !== undefined && step.started !== undefined && step.seconds === undefined) {
        step.seconds = Math.max(0, (completed - step.started) / 1000)
        delete step.runningSince
        show(step, step.ended ? undefined : `DONE ${step.seconds.toFixed(1)}s`)
        step.ended = true
      }
    }
    for (const log of arrayOf(status['logs']) as RawLog[]) {
      if (typeof log.vertex !== 'string' || typeof log.data !== 'string') continue
      const step = this.steps.get(log.vertex)
      const text = Buffer.from(log.data, 'base64').toString('utf8')
      for (const part of text.split(/\r?\n/)) {
        if (part === '') continue
        if (!step) {
          out.push(`#? ${part}`)
          continue
        }
        step.logs.push(part)
        show(step, part)
      }
    }
    return out
  }

  result(): Step[] {
    return [...this.steps.values()]
      .filter(s => s.name !== '')
      .map(({ id, name, seconds, cached, error, logs }) => ({
        id,
        name,
        ...(seconds !== undefined ? { seconds } : {}),
        cached,
        error,
        logs
      }))
  }
}

/**
 * A step's error as the log shows it. A registry cache that does not exist yet (the first run with a
 * cache, a new branch) is not an error: the build goes on without it, and the log says so in those words.
 */
export function errorLine(error: string): string {
  const missingCache = /failed to configure registry cache importer: (\S+): not found/.exec(error)
  if (missingCache)
    return `no cache at ${missingCache[1] ?? ''} yet: normal until a build has exported one there (this build goes on without it)`
  return `ERROR: ${error}`
}

/** Parses a whole captured rawjson stream. */
export function parseRawJsonProgress(text: string): Step[] {
  const progress = new RawJsonProgress()
  for (const line of text.split(/\r?\n/)) progress.feed(line)
  return progress.result()
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value.filter(isRecord) : []
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
