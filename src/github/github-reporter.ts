/**
 * The Reporter on GitHub: workflow commands on stdout, outputs and state in the runner's command files
 * (GITHUB_OUTPUT, GITHUB_STATE), the summary appended to GITHUB_STEP_SUMMARY, and the step's inputs
 * (INPUT_*): see workflow-commands.ts.
 */
import * as fs from 'node:fs'
import type { Reporter } from '../core/reporter.js'
import type { InputSource } from '../inputs/table.js'
import { annotationProperties, WorkflowCommands } from './workflow-commands.js'

/** The step's inputs, as the runner passes them: trimmed, '' when unset. */
export const githubInputs: InputSource = name => new WorkflowCommands().input(name)

/** The Reporter of a GitHub Actions step (main or post). */
export function githubReporter(env?: NodeJS.ProcessEnv, write?: (line: string) => void): Reporter {
  const commands = new WorkflowCommands(env, write)
  return {
    info: message => {
      commands.line(message)
    },
    debug: message => {
      commands.command('debug', message)
    },
    command: line => {
      commands.line(`[command]${line}`)
    },
    warning: (message, annotation) => {
      commands.command('warning', message, annotationProperties(annotation))
    },
    error: (message, annotation) => {
      commands.command('error', message, annotationProperties(annotation))
    },
    notice: (message, annotation) => {
      commands.command('notice', message, annotationProperties(annotation))
    },
    group: async (name, work) => {
      commands.command('group', name)
      try {
        return await work()
      } finally {
        commands.command('endgroup', '')
      }
    },
    mask: secret => {
      commands.command('add-mask', secret)
    },
    setOutput: (name, value) => {
      commands.keyValue('OUTPUT', name, value)
    },
    save: (key, value) => {
      commands.keyValue('STATE', key, value)
    },
    get: key => commands.state(key),
    appendSummary: async html => {
      // Outside a job (no summary file) there is nowhere to write it: the log already has the results.
      const file = (env ?? process.env).GITHUB_STEP_SUMMARY
      if (file) await fs.promises.appendFile(file, html)
    },
    fail: message => {
      process.exitCode = 1
      commands.command('error', message)
    }
  }
}
