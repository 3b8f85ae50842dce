/**
 * How long each phase of a run took (inputs, config, builder, build, read back, content checks, smoke
 * test, tags, load, outputs; the post step's cleanup), for the debug log: one `phase-timings {json}` line per
 * step, milliseconds by phase in the order they ran, which bench/ reads from the step's log.
 */
import type { LogSink } from './reporter.js'

export const PHASE_TIMINGS = 'phase-timings'

export class PhaseClock {
  private readonly phases = new Map<string, number>()
  private readonly started: number

  constructor(private readonly now: () => number) {
    this.started = now()
  }

  /** Runs `work` and adds its time to `phase` (a phase that runs twice counts both). */
  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = this.now()
    try {
      return await work()
    } finally {
      this.phases.set(phase, (this.phases.get(phase) ?? 0) + (this.now() - start))
    }
  }

  /** Milliseconds by phase in the order they first ran, and `total` since the clock started. */
  timings(): Record<string, number> {
    return { ...Object.fromEntries(this.phases), total: this.now() - this.started }
  }

  /** The debug line: `phase-timings {"inputs":3,...,"total":4210}`. */
  report(log: LogSink): void {
    log.debug(`${PHASE_TIMINGS} ${JSON.stringify(this.timings())}`)
  }
}
