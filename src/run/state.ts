/**
 * What the main step hands to the post step. GitHub runs the same bundle twice (main, then post) and
 * carries values between them only through `core.saveState` / `core.getState`; this module is the one
 * place that knows those keys.
 *
 * - `isPost`: set as soon as main starts, so the second run of the bundle knows it is the post step.
 * - `builder`: the builder this run created (saved *before* `buildx create`, so a half-created builder
 *   is still removed); empty when the run reused a builder it must not remove.
 * - `tempDir`: this run's own directory under RUNNER_TEMP (buildkitd.toml, CA files, metadata, the run's
 *   docker config with its credentials).
 * - `buildx`: the buildx binary the run used, so the post step removes the builder with the same one.
 */
import * as core from '@actions/core'

export interface RunState {
  builder: string
  tempDir: string
  /** The buildx this run used (see buildx-install.ts); '' for the runner's `docker buildx`. */
  buildx: string
}

const KEYS: Record<keyof RunState, string> = {
  builder: 'builder',
  tempDir: 'temp-dir',
  buildx: 'buildx'
}

/** The argument dist/post.js adds to the process's arguments: this run of the bundle is the post step. */
export const POST_STEP_FLAG = '--post-step'

/** Whether main started in this job (so this run of the bundle is the post step). */
export function mainStarted(): boolean {
  return core.getState('isPost') === 'true'
}

export function markMainStarted(): void {
  core.saveState('isPost', 'true')
}

export function save<K extends keyof RunState>(key: K, value: RunState[K]): void {
  core.saveState(KEYS[key], value)
}

export function load(): RunState {
  return {
    builder: core.getState(KEYS.builder),
    tempDir: core.getState(KEYS.tempDir),
    buildx: core.getState(KEYS.buildx)
  }
}
