/**
 * Per-platform build timings from buildx's progress stream: how long each platform's steps took, and how
 * much of that ran under QEMU (RUN steps executed on an emulated platform; a `FROM --platform=$BUILDPLATFORM`
 * stage runs natively even when it builds for an emulated platform). From them, two hints: cross-compile
 * when emulated RUN steps dominate, and pin or update the emulator when an emulated step crashed.
 */
import type { Reporter } from '../core/reporter.js'
import { stepPlatform, type Step } from '../buildx/progress.js'
import { QEMU_CRASH, crossCompileHint, emulatorCrashHint, type Hint } from '../buildx/output.js'

export interface PlatformTiming {
  platform: string
  /** Sum of the durations of the platform's steps (steps that ran in parallel each count). */
  seconds: number
  /** The part of `seconds` spent in RUN steps executed under emulation. */
  emulatedSeconds: number
  /** Steps taken from the cache. */
  cached: number
  steps: number
}

export function platformTimings(
  steps: readonly Step[],
  platforms: readonly string[],
  emulated: readonly string[]
): PlatformTiming[] {
  const only = platforms.length === 1 ? platforms[0] : undefined
  const timings = new Map<string, PlatformTiming>(
    platforms.map(platform => [platform, { platform, seconds: 0, emulatedSeconds: 0, cached: 0, steps: 0 }])
  )
  for (const step of steps) {
    const where = stepPlatform(step.name, only)
    const timing = where ? timings.get(where.target) : undefined
    if (!where || !timing) continue
    timing.steps++
    if (step.cached) timing.cached++
    const seconds = step.seconds ?? 0
    timing.seconds += seconds
    if (where.instruction === 'RUN' && emulated.includes(where.runsOn)) timing.emulatedSeconds += seconds
  }
  return [...timings.values()].map(t => ({
    ...t,
    seconds: round(t.seconds),
    emulatedSeconds: round(t.emulatedSeconds)
  }))
}

export interface DominanceOptions {
  /** Emulated RUN time must be at least this share of all step time… */
  minShare: number
  /** …and at least this many seconds, so that a trivial emulated RUN in a tiny build says nothing. */
  minSeconds: number
}

export const DOMINANCE: DominanceOptions = { minShare: 0.5, minSeconds: 10 }

/** The cross-compile hint when emulated RUN steps took most of the time; undefined otherwise. */
export function dominanceHint(
  timings: readonly PlatformTiming[],
  options: DominanceOptions = DOMINANCE
): Hint | undefined {
  const total = timings.reduce((sum, t) => sum + t.seconds, 0)
  const emulated = timings.reduce((sum, t) => sum + t.emulatedSeconds, 0)
  if (total <= 0 || emulated < options.minSeconds || emulated / total < options.minShare) return undefined
  const platforms = timings.filter(t => t.emulatedSeconds > 0).map(t => t.platform)
  return crossCompileHint(platforms, emulated, emulated / total)
}

/** A hint for each failed step that ran under emulation and printed what an emulator crash prints. */
export function crashHints(
  steps: readonly Step[],
  platforms: readonly string[],
  emulated: readonly string[]
): Hint[] {
  const only = platforms.length === 1 ? platforms[0] : undefined
  const hints: Hint[] = []
  for (const step of steps) {
    if (step.error === '') continue
    const where = stepPlatform(step.name, only)
    if (!where || !emulated.includes(where.runsOn)) continue
    // The error quotes the failed command line (`process "/bin/sh -c ..." did not complete…`): not evidence.
    const reason = step.error.replace(/^process ".*" did not complete successfully/s, '')
    if (!QEMU_CRASH.test(step.logs.join('\n')) && !QEMU_CRASH.test(reason)) continue
    hints.push(emulatorCrashHint(where.target, stepLabel(step.name)))
  }
  return hints
}

/** `[linux/arm64 2/3] RUN make -j4 all` -> `RUN make -j4 all` (shortened). */
function stepLabel(name: string): string {
  const label = name.replace(/^\[[^\]]*\]\s*/, '')
  return label.length > 80 ? `${label.slice(0, 77)}...` : label
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10
}

/** Logs each platform's step time and emulated share; a notice when emulated RUN steps dominate. */
export function reportTimings(
  reporter: Reporter,
  steps: readonly Step[],
  platforms: readonly string[],
  emulated: readonly string[]
): Promise<PlatformTiming[]> {
  const timings = platformTimings(steps, platforms, emulated)
  for (const t of timings) {
    reporter.info(
      `${t.platform}: ${t.seconds.toFixed(1)} s in ${t.steps} steps (${t.cached} cached), ` +
        `${t.emulatedSeconds.toFixed(1)} s of it in RUN steps under emulation`
    )
  }
  const hint = dominanceHint(timings)
  if (hint) reporter.notice(hint.message, { title: hint.title })
  return Promise.resolve(timings)
}
