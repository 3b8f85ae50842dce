/** Types for scripts/runner-sim.js (plain ESM JavaScript, shared by the e2e tests and the benchmark). */

export const ROOT: string

export interface StepResult {
  exitCode: number
  signal: NodeJS.Signals | null
  /** stdout and stderr interleaved as the runner would log them. */
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
}

export interface StepOptions {
  /** Send SIGTERM after this many milliseconds (a cancelled job). */
  killAfterMs?: number
  /** Send SIGTERM as soon as the log matches. */
  killWhen?: RegExp
  /** Called with the whole log so far each time the step prints something. */
  onLog?: (log: string) => void
}

export interface Job {
  dir: string
  runnerTemp: string
  main(options?: StepOptions): Promise<StepResult>
  post(): Promise<StepResult>
  /** main, then post whatever main's outcome (as the runner does); the directory stays until finish(). */
  run(options?: StepOptions): Promise<JobRun>
  /** Everything the steps printed, for secret checks. */
  logs(): string
  /**
   * Runs post unless it already ran (its result, else undefined), then removes the job's directory
   * (also when post fails).
   */
  finish(): Promise<StepResult | undefined>
}

export interface JobRun {
  main: StepResult
  post: StepResult
}

export interface JobOptions {
  /** The action's metadata, relative to the repository: a sub-action such as 'merge/action.yml'. Default action.yml. */
  action?: string
}

export function actionDefaults(actionFile?: string): Record<string, string>
export function parseCommandFile(text: string): Record<string, string>
export function newJob(
  inputs: Record<string, string>,
  extraEnv?: Record<string, string>,
  options?: JobOptions
): Job
