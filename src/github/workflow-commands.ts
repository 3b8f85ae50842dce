/**
 * GitHub's workflow commands (log lines, annotations, groups, masks on stdout) and file commands (outputs
 * and state appended to GITHUB_OUTPUT / GITHUB_STATE), written the way GitHub documents them: what
 * @actions/core writes for the same calls, which a unit test holds side by side. The action's steps speak
 * these without loading @actions/core, whose import alone (its OIDC client and HTTP stack) costs a step
 * more than the work of a small one; it is loaded only to ask for an OIDC token (keyless signing).
 */
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import type { Annotation } from '../core/reporter.js'

const escapeData = (text: string): string =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (text: string): string => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** `::name key=value,...::message`, escaped. */
export function workflowCommand(
  name: string,
  message: string,
  properties: Readonly<Record<string, string | number | undefined>> = {}
): string {
  const given = Object.entries(properties).filter(([, value]) => value !== undefined)
  const written = given
    .filter(([, value]) => value !== '' && value !== 0)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
  // As @actions/core: a space after the name once any property is given, even one left out as empty.
  return `::${name}${given.length > 0 ? ` ${written.join(',')}` : ''}::${escapeData(message)}`
}

/** An annotation's properties, in the order and with the names GitHub reads. */
export function annotationProperties(
  annotation: Annotation | undefined
): Record<string, string | number | undefined> {
  if (!annotation) return {}
  return { title: annotation.title, file: annotation.file, line: annotation.startLine }
}

/**
 * Writes the commands of one step: lines to `write` (stdout), file commands to the files its environment
 * names (`env`, else the process's as it is at each call, as @actions/core reads it).
 */
export class WorkflowCommands {
  constructor(
    private readonly given?: NodeJS.ProcessEnv,
    private readonly write: (line: string) => void = line => process.stdout.write(line + os.EOL)
  ) {}

  private get env(): NodeJS.ProcessEnv {
    return this.given ?? process.env
  }

  line(text: string): void {
    this.write(text)
  }

  command(
    name: string,
    message: string,
    properties?: Readonly<Record<string, string | number | undefined>>
  ): void {
    this.write(workflowCommand(name, message, properties))
  }

  /** `name<<DELIMITER` ... to GITHUB_OUTPUT or GITHUB_STATE; without the file, the old stdout command. */
  keyValue(file: 'OUTPUT' | 'STATE', name: string, value: string): void {
    const path = this.env[`GITHUB_${file}`]
    if (!path) {
      if (file === 'OUTPUT') this.write('')
      this.command(file === 'OUTPUT' ? 'set-output' : 'save-state', value, { name })
      return
    }
    if (!fs.existsSync(path)) throw new Error(`Missing file at path: ${path}`)
    const delimiter = `ghadelimiter_${randomUUID()}`
    if (name.includes(delimiter) || value.includes(delimiter))
      throw new Error(`Unexpected input: name or value contains the delimiter "${delimiter}"`)
    fs.appendFileSync(path, `${name}<<${delimiter}${os.EOL}${value}${os.EOL}${delimiter}${os.EOL}`, 'utf8')
  }

  /** The step's input as the runner passes it (INPUT_NAME), trimmed; '' when unset. */
  input(name: string): string {
    return (this.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
  }

  /** What the main step saved under `name` (STATE_name); '' when nothing. */
  state(name: string): string {
    return this.env[`STATE_${name}`] ?? ''
  }
}
