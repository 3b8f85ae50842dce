/**
 * The Reporter on GitHub: @actions/core's workflow commands and files (GITHUB_OUTPUT, GITHUB_STATE,
 * GITHUB_STEP_SUMMARY), and the step's inputs (INPUT_*). The only module besides the entries that
 * imports @actions/core.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import type { Annotation, Reporter } from '../core/reporter.js'
import type { InputSource } from '../inputs/table.js'

/** The step's inputs, as the runner passes them: trimmed, '' when unset. */
export const githubInputs: InputSource = name => core.getInput(name)

function properties(annotation: Annotation | undefined): core.AnnotationProperties {
  if (!annotation) return {}
  return {
    ...(annotation.title !== undefined ? { title: annotation.title } : {}),
    ...(annotation.file !== undefined ? { file: annotation.file } : {}),
    ...(annotation.startLine !== undefined ? { startLine: annotation.startLine } : {})
  }
}

/** The Reporter of a GitHub Actions step. */
export function githubReporter(env: NodeJS.ProcessEnv = process.env): Reporter {
  return {
    info: message => {
      core.info(message)
    },
    debug: message => {
      core.debug(message)
    },
    command: line => {
      core.info(`[command]${line}`)
    },
    warning: (message, annotation) => {
      core.warning(message, properties(annotation))
    },
    error: (message, annotation) => {
      core.error(message, properties(annotation))
    },
    notice: (message, annotation) => {
      core.notice(message, properties(annotation))
    },
    group: (name, work) => core.group(name, work),
    mask: secret => {
      core.setSecret(secret)
    },
    setOutput: (name, value) => {
      core.setOutput(name, value)
    },
    save: (key, value) => {
      core.saveState(key, value)
    },
    get: key => core.getState(key),
    appendSummary: async html => {
      // Outside a job (no summary file) there is nowhere to write it: the log already has the results.
      const file = env.GITHUB_STEP_SUMMARY
      if (file) await fs.promises.appendFile(file, html)
    },
    fail: message => {
      core.setFailed(message)
    }
  }
}
