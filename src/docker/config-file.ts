/**
 * Docker's config.json (`<DOCKER_CONFIG>/config.json`): where it is, reading it without ever quoting its
 * text (it holds credentials), and replacing it in place: through a symlink, keeping its mode.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { errorCode, messageOf } from '../core/errors.js'

/** The parts of config.json this action reads or writes; everything else is kept as it is. */
export type DockerConfig = Record<string, unknown> & {
  auths?: Record<string, unknown>
  credHelpers?: Record<string, string>
  credsStore?: string
}

/** What reading config.json found. `problem` says what is wrong without quoting the file. */
export type DockerConfigRead =
  | { status: 'missing'; file: string }
  | { status: 'found'; file: string; config: DockerConfig }
  | { status: 'invalid'; file: string; problem: string }

/** The directory whose config.json the docker CLI (and buildx) read: $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env['DOCKER_CONFIG'] || path.join(os.homedir(), '.docker')
}

export function dockerConfigFile(configDir: string): string {
  return path.join(configDir, 'config.json')
}

/**
 * Reads config.json. A missing file, or an empty one, is not an error (docker treats both as no
 * settings); an unreadable or malformed one is reported in the result, never thrown.
 */
export function readDockerConfig(file: string): DockerConfigRead {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { status: 'missing', file }
    return { status: 'invalid', file, problem: `Cannot read docker config ${file}: ${messageOf(error)}` }
  }
  if (text.trim() === '') return { status: 'found', file, config: {} }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // Not JSON.parse's message: it quotes the text around the error, which may be someone's credentials.
    return { status: 'invalid', file, problem: `Docker config ${file} is not valid JSON; fix or remove it` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      status: 'invalid',
      file,
      problem: `Docker config ${file} is not a JSON object; fix or remove it`
    }
  }
  return { status: 'found', file, config: parsed as DockerConfig }
}

/** The config, {} when there is none; throws the read's problem when the file is malformed. */
export function dockerConfigOrThrow(read: DockerConfigRead): DockerConfig {
  if (read.status === 'invalid') throw new Error(read.problem)
  return read.status === 'found' ? read.config : {}
}

/**
 * Replaces config.json atomically, through a symlink to where it really lives, keeping the mode of an
 * existing file (a new one is 0600: it holds credentials).
 */
export function writeDockerConfig(file: string, config: DockerConfig): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const target = fs.existsSync(file) ? fs.realpathSync(file) : file
  const mode = fs.existsSync(target) ? fs.statSync(target).mode & 0o777 : 0o600
  const tmp = `${target}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode })
  fs.chmodSync(tmp, mode)
  fs.renameSync(tmp, target)
}
