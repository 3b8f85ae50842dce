/**
 * The port through which the engine speaks to the world: log lines and groups, annotations, masking,
 * outputs, the state carried from main to post, and the job summary. The engine never imports
 * GitHub's toolkit; it is handed a Reporter. Two implementations exist: the GitHub one (workflow commands
 * and files, src/github/github-reporter.ts) and the terminal one of the command line (plain text, outputs and state in
 * memory). Tests use a recording fake.
 */

/** Where an annotation points and what it is called (a subset of what GitHub's annotations take). */
export interface Annotation {
  title?: string
  file?: string
  startLine?: number
}

/** Values carried from the main step to the post step (GitHub: `saveState` / `STATE_*`). */
export interface StateStore {
  save(key: string, value: string): void
  /** '' when the key was never saved. */
  get(key: string): string
}

/** What the command runner and the lower layers log with: lines, the command echo and debug lines. */
export interface LogSink {
  info(message: string): void
  /** Shown only when debug logging is on. */
  debug(message: string): void
  /** Echoes a command line as it starts (GitHub: a `[command]` line; a terminal: `$ command`). */
  command(line: string): void
}

export interface Reporter extends StateStore, LogSink {
  warning(message: string, annotation?: Annotation): void
  error(message: string, annotation?: Annotation): void
  notice(message: string, annotation?: Annotation): void
  /** Runs `work` inside a collapsible log group named `name`; the group closes whatever `work` does. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
  /** Hides `secret` wherever it would appear in the log from now on. */
  mask(secret: string): void
  setOutput(name: string, value: string): void
  /** Appends HTML/Markdown to the job summary. */
  appendSummary(html: string): Promise<void>
  /** Marks the step failed with `message` (the process's exit code becomes 1). */
  fail(message: string): void
}

/** What the post step reports through: log lines, warnings and notices, groups, and main's state. */
export type PostReporter = Pick<
  Reporter,
  'info' | 'debug' | 'command' | 'warning' | 'notice' | 'group' | 'get'
>
