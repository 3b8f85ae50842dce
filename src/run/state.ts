/**
 * What the main step hands to the post step, through the Reporter's StateStore (GitHub runs the same
 * bundle twice, main then post, and carries values between them only as step state; the command line
 * keeps them in memory). This module is the one place that knows the keys:
 *
 * - `main-started`: saved as soon as main starts; the post step finds it only when main ran in this job
 *   (else it has nothing to clean up).
 * - `builder`: the builder this run created (saved *before* `buildx create`, so a half-created builder
 *   is still removed); empty when the run reused a builder it must not remove.
 * - `temp-dir`: this run's own directory under RUNNER_TEMP (buildkitd.toml, CA files, metadata, the run's
 *   docker config with its credentials).
 * - `buildx`: the buildx binary the run used, so the post step removes the builder with the same one.
 * - `runner-builder`: with remote+tcp:// nodes, the runner's docker-container builder that the step's
 *   remote-driver builder reaches (saved before it is created), removed after the builder.
 */
import type { StateStore } from '../core/reporter.js'

export interface RunState {
  builder: string
  tempDir: string
  /** The buildx this run used (see buildx/install.ts); '' for the runner's `docker buildx`. */
  buildx: string
  /** The docker-container builder behind a remote-driver builder; '' when there is none. */
  runnerBuilder: string
}

const KEYS: Record<keyof RunState, string> = {
  builder: 'builder',
  tempDir: 'temp-dir',
  buildx: 'buildx',
  runnerBuilder: 'runner-builder'
}

const MAIN_STARTED = 'main-started'

/** Whether main started in this job (else the post step has nothing to clean up). */
export function mainStarted(store: Pick<StateStore, 'get'>): boolean {
  return store.get(MAIN_STARTED) === 'true'
}

export function markMainStarted(store: StateStore): void {
  store.save(MAIN_STARTED, 'true')
}

export function save<K extends keyof RunState>(store: StateStore, key: K, value: RunState[K]): void {
  store.save(KEYS[key], value)
}

export function load(store: Pick<StateStore, 'get'>): RunState {
  return {
    builder: store.get(KEYS.builder),
    tempDir: store.get(KEYS.tempDir),
    buildx: store.get(KEYS.buildx),
    runnerBuilder: store.get(KEYS.runnerBuilder)
  }
}
