/** A CommandRunner that records every call and answers from a script of handlers, for orchestration tests. */
import type { CommandRunner, RunOptions, RunResult } from '../../src/core/runner.js'

export interface Call {
  command: string
  args: string[]
  options: RunOptions
}

export type Handler = (call: Call) => Partial<RunResult> | undefined

export class FakeRunner implements CommandRunner {
  readonly calls: Call[] = []
  private readonly handlers: Handler[] = []

  /** Adds a handler; the first one to return a result answers a call. Unanswered calls exit 0. */
  on(
    match: (call: Call) => boolean,
    answer: Partial<RunResult> | ((call: Call) => Partial<RunResult>)
  ): this {
    this.handlers.push(call =>
      match(call) ? (typeof answer === 'function' ? answer(call) : answer) : undefined
    )
    return this
  }

  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const call = { command, args: [...args], options }
    this.calls.push(call)
    for (const handler of this.handlers) {
      const result = handler(call)
      if (result) return Promise.resolve({ exitCode: 0, stdout: '', stderr: '', ...result })
    }
    return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' })
  }

  /** The calls as `command arg1 arg2 …` lines, for readable assertions. */
  lines(): string[] {
    return this.calls.map(c => [c.command, ...c.args].join(' '))
  }
}

/** Matches `docker <args…>` calls whose argv starts with the given words. */
export function docker(...words: string[]): (call: Call) => boolean {
  return call => call.command === 'docker' && words.every((w, i) => call.args[i] === w)
}
