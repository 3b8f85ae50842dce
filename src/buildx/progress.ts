/**
 * What buildx's progress stream says about each build step: its name (which carries the platform, e.g.
 * `[linux/arm64 2/3] RUN make` or, for a stage cross-compiling on the build machine,
 * `[linux/amd64->arm64 build 2/3] RUN go build`), how long it took, whether it was cached or failed, and
 * what it printed. Two formats: `--progress=rawjson` (one JSON status object per line, exact timestamps)
 * and `--progress=plain` (`#12 [linux/arm64 2/3] RUN ...`, `#12 0.512 output`, `#12 DONE 1.2s`).
 * Pure functions; the build module decides which format buildx is asked for; rawjson.ts renders the rawjson
 * stream as it arrives.
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
