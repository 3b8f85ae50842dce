/**
 * The few workflow commands the post step speaks (log lines, annotations, groups, debug) and the state it
 * reads (`STATE_*`), written the way GitHub documents them: what @actions/core writes for the same calls
 * (a unit test holds the two side by side). The post step loads only this, not @actions/core, whose
 * import alone (its OIDC client and HTTP stack) costs more than the cleanup it would report.
 */
import * as os from 'node:os'
import type { Annotation, PostReporter } from '../core/reporter.js'

const escapeData = (text: string): string =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (text: string): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** `::name key=value,...::message`, escaped. */
export function workflowCommand(name: string, message: string, annotation: Annotation = {}): string {
  const properties = Object.entries({
    title: annotation.title,
    file: annotation.file,
    line: annotation.startLine
  })
    .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
  // As @actions/core: a space after the name once any property is given, even one left out as empty.
  const given = Object.values(annotation).some(value => value !== undefined)
  return `::${name}${given ? ` ${properties.join(',')}` : ''}::${escapeData(message)}`
}

/** The post step's reporter on GitHub: lines to `write` (stdout), state from the step's environment. */
export function postReporter(
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = line => process.stdout.write(line + os.EOL)
): PostReporter {
  return {
    info: write,
    debug: message => {
      write(workflowCommand('debug', message))
    },
    command: line => {
      write(`[command]${line}`)
    },
    warning: (message, annotation) => {
      write(workflowCommand('warning', message, annotation))
    },
    notice: (message, annotation) => {
      write(workflowCommand('notice', message, annotation))
    },
    group: async (name, work) => {
      write(`::group::${escapeData(name)}`)
      try {
        return await work()
      } finally {
        write('::endgroup::')
      }
    },
    get: key => env[`STATE_${key}`] ?? ''
  }
}
