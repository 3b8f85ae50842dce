/**
 * What buildx's progress stream says about each build step: its name (which carries the platform, e.g.
 * `[linux/arm64 2/3] RUN make` or, for a stage cross-compiling on the build machine,
 * `[linux/amd64->arm64 build 2/3] RUN go build`), how long it took, whether it was cached or failed, and
 * what it printed. Two formats: `--progress=rawjson` (one JSON status object per line, exact timestamps)
 * and `--progress=plain` (`#12 [linux/arm64 2/3] RUN ...`, `#12 0.512 output`, `#12 DONE 1.2s`).
 * Pure functions; the build module decides which format buildx is asked for.
 */

export interface Step {
  /** Plain: the `#N` number; rawjson: the vertex digest. */
  id: string
  name: string
  /** Seconds the step ran; undefined when the stream never said (cached, interrupted). */
  seconds?: number
  cached: boolean
  /** The error BuildKit reported for the step, '' when it did not fail. */
  error: string
  /** What the step printed, one string per line. */
  logs: string[]
}

/** Which platform a step belongs to and where it ran: they differ for a `FROM --platform=$BUILDPLATFORM` stage. */
export interface StepPlatform {
  /** The platform the step builds for, e.g. 'linux/arm64'. */
  target: string
  /** The platform the step's processes ran on, e.g. 'linux/amd64' for a cross-compiling stage. */
  runsOn: string
  /** The Dockerfile instruction after the bracket: 'RUN', 'COPY', 'FROM', … ('' for internal steps). */
  instruction: string
}

const OSES = ['linux', 'windows', 'darwin', 'freebsd']

/**
 * `[linux/arm64 2/3] RUN x` -> { target: linux/arm64, runsOn: linux/arm64, instruction: RUN };
 * `[linux/amd64->arm/v7 build 2/3] RUN x` -> { target: linux/arm/v7, runsOn: linux/amd64, … }.
 * A step without a platform (`[2/3] RUN x`, single-platform builds) belongs to `only` when given.
 */
export function stepPlatform(name: string, only?: string): StepPlatform | undefined {
  const match = /^\[([^\]]*)\]\s*(\S*)/.exec(name)
  if (!match) return undefined
  const inside = (match[1] ?? '').trim().split(/\s+/)
  const first = inside[0] ?? ''
  const instruction = (match[2] ?? '').toUpperCase()
  const isInternal = inside.includes('internal')
  const arrow = first.indexOf('->')
  const head = arrow === -1 ? first : first.slice(0, arrow)
  if (!OSES.some(os => head.startsWith(`${os}/`))) {
    if (only === undefined) return undefined
    return { target: only, runsOn: only, instruction: isInternal ? '' : instruction }
  }
  let target = head
  if (arrow !== -1) {
    const tail = first.slice(arrow + 2)
    const os = head.split('/')[0] ?? 'linux'
    target = OSES.some(o => tail.startsWith(`${o}/`)) ? tail : `${os}/${tail}`
  }
  return { target, runsOn: head, instruction: isInternal ? '' : instruction }
}

/** Parses `--progress=plain` output (buildx writes it to stderr). Lines that are not progress are ignored. */
export function parsePlainProgress(text: string): Step[] {
  const steps = new Map<string, Step>()
  const step = (id: string): Step => {
    let found = steps.get(id)
    if (!found) {
      found = { id, name: '', cached: false, error: '', logs: [] }
      steps.set(id, found)
    }
    return found
  }
  for (const line of text.split(/\r?\n/)) {
    const match = /^#(\d+) (.*)$/.exec(line)
    if (!match) continue
    const id = match[1] ?? ''
    const rest = match[2] ?? ''
    const current = step(id)
    if (rest.startsWith('[') && (current.name === '' || current.name === rest)) {
      current.name = rest
      continue
    }
    const done = /^DONE (\d+(?:\.\d+)?)s$/.exec(rest)
    if (done) {
      current.seconds = Number(done[1])
    } else if (rest === 'CACHED') {
      current.cached = true
    } else if (rest.startsWith('ERROR:')) {
      current.error = rest.slice('ERROR:'.length).trim()
    } else if (rest === '...') {
      // the step's output continues further down
    } else if (rest.startsWith('CANCELED')) {
      current.error ||= 'canceled'
    } else if (current.name === '' && !/^\d+\.\d+ /.test(rest)) {
      current.name = rest // `#1 building with "b" instance…` or an unbracketed internal step
    } else {
      // `#7 0.512 the step's output`: drop the timestamp
      current.logs.push(rest.replace(/^\d+\.\d+ /, ''))
    }
  }
  return [...steps.values()].filter(s => s.name !== '')
}

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
  /** `#N` in the log: steps are numbered in the order they first show. */
  number: number
  /** BuildKit's time of the vertex's last start. */
  started?: number
  /** The header line was printed (the step started, or was cached or failed without starting). */
  shown: boolean
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
      if (!step.shown && step.name !== '') {
        step.shown = true
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
          shown: false,
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
        show(step, `ERROR: ${vertex.error}`)
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
