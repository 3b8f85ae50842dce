/**
 * Checks of the inputs that buildx or buildkitd would otherwise refuse late (after the builder started),
 * badly (a usage dump), or not at all: build target, provenance, buildkitd flags, and the Dockerfile.
 * Each throws a message saying what is accepted; inputs.ts prefixes the input's name. No message quotes
 * the content of a file.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { errorCode } from '../core/errors.js'

/** A Dockerfile stage name, as BuildKit accepts it in `FROM ... AS <name>` and --target. */
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/

export function parseTarget(value: string): string {
  if (value !== '' && !STAGE_NAME.test(value)) {
    throw new Error(
      `${JSON.stringify(value)} is not a build stage name; use letters, digits, '_', '.', '-', starting with a letter`
    )
  }
  return value
}

const PROVENANCE_BOOLEANS = ['true', 'false', '1', '0']
const PROVENANCE_KEYS: Record<string, (value: string) => boolean> = {
  mode: value => value === 'min' || value === 'max',
  'builder-id': value => /^[\x21-\x7e]+$/.test(value),
  disabled: value => PROVENANCE_BOOLEANS.includes(value),
  reproducible: value => PROVENANCE_BOOLEANS.includes(value),
  'inline-only': value => PROVENANCE_BOOLEANS.includes(value),
  version: value => /^[\w.:/-]+$/.test(value)
}

/** What buildx's --provenance takes: a boolean, or key=value pairs (mode=min|max, builder-id=…). */
export function parseProvenance(value: string): string {
  if (value === '' || PROVENANCE_BOOLEANS.includes(value.toLowerCase())) return value
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=')
    const key = pair.slice(0, eq)
    const check = PROVENANCE_KEYS[key]
    if (eq === -1 || check === undefined || !check(pair.slice(eq + 1))) {
      throw new Error(
        `${JSON.stringify(value)} is not a provenance setting; use true, false, mode=min, mode=max ` +
          '(with ,builder-id=<url> if needed)'
      )
    }
  }
  return value
}

/** buildkitd flags worth setting on a builder; the rest are the action's (--config, --addr) or unsafe. */
const BUILDKITD_FLAGS = [
  /^debug$/,
  /^trace$/,
  /^log-format$/,
  /^allow-insecure-entitlement$/,
  /^root$/,
  /^oci-worker(-[a-z-]+)?$/,
  /^containerd-worker(-[a-z-]+)?$/
]
/** Flags that take no value (a value may still be given as --flag=true). */
const BUILDKITD_SWITCHES = [
  /^(debug|trace)$/,
  /^(oci|containerd)-worker(-(gc|rootless|no-process-sandbox|selinux|multi-platform|snapshotter-.*))?$/
]
const FLAG_TEXT = /^[A-Za-z0-9_.,:/=@+*-]+$/

/** `--flag`, `--flag=value` and `--flag value` tokens of the flags above, in plain characters. */
export function parseBuildkitdFlags(value: string): string {
  const tokens = value.split(/[ \t\r\n]+/).filter(t => t !== '')
  let expectsValue = ''
  for (const token of tokens) {
    if (!FLAG_TEXT.test(token)) {
      throw new Error(
        `${JSON.stringify(token)} has characters that are not allowed in a flag; use letters, digits and _.,:/=@+*-`
      )
    }
    if (!token.startsWith('--')) {
      if (expectsValue === '') throw new Error(`${JSON.stringify(token)} is not a --flag or the value of one`)
      expectsValue = ''
      continue
    }
    if (expectsValue !== '') throw new Error(`--${expectsValue} needs a value`)
    const eq = token.indexOf('=')
    const name = token.slice(2, eq === -1 ? undefined : eq)
    if (name === 'config')
      throw new Error('--config is set by the action; use buildkitd-config or buildkitd-config-inline')
    if (!BUILDKITD_FLAGS.some(flag => flag.test(name))) {
      throw new Error(
        `--${name} is not a buildkitd flag this action passes; use --debug, --trace, --log-format, ` +
          '--allow-insecure-entitlement, --root, --oci-worker-* or --containerd-worker-* (settings: buildkitd-config)'
      )
    }
    if (eq === -1 && !BUILDKITD_SWITCHES.some(flag => flag.test(name))) expectsValue = name
  }
  if (expectsValue !== '') throw new Error(`--${expectsValue} needs a value`)
  return tokens.join(' ')
}

const MAX_DOCKERFILE_BYTES = 1024 * 1024
const INSTRUCTIONS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR'
])

/** The Dockerfile buildx reads from the directory `dir` when no file is given: Dockerfile, else dockerfile. */
export function defaultDockerfile(dir: string): string | undefined {
  return ['Dockerfile', 'dockerfile']
    .map(name => path.join(dir, name))
    .find(file => fs.statSync(file, { throwIfNoEntry: false })?.isFile())
}

/**
 * Throws unless `file` (an existing path, as written in the input) is a Dockerfile: a regular readable
 * file of at most 1 MiB, no NUL bytes, whose first instruction (after blank lines, comments and parser
 * directives) is a Dockerfile instruction. The message never quotes the file.
 */
export function checkDockerfile(shown: string, file: string): void {
  const notDockerfile = (why: string): Error => new Error(`"${shown}" is not a Dockerfile: ${why}`)
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (error) {
    throw new Error(`"${shown}" cannot be read (${errorCode(error) ?? 'error'})`, { cause: error })
  }
  let text: Buffer
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) throw notDockerfile('not a regular file')
    if (stat.size > MAX_DOCKERFILE_BYTES)
      throw notDockerfile(`it has ${stat.size} bytes, more than ${MAX_DOCKERFILE_BYTES}`)
    text = Buffer.alloc(stat.size)
    fs.readSync(fd, text, 0, stat.size, 0)
  } finally {
    fs.closeSync(fd)
  }
  if (text.includes(0)) throw notDockerfile('it holds NUL bytes (a binary file)')
  const first = text
    .toString('utf8')
    .split(/\r?\n/)
    .map(line => line.trim())
    .find(line => line !== '' && !line.startsWith('#'))
  if (first === undefined) throw notDockerfile('it has no instruction')
  const keyword = /^[A-Za-z]+(?=\s|$)/.exec(first)?.[0].toUpperCase()
  if (keyword === undefined || !INSTRUCTIONS.has(keyword))
    throw notDockerfile('its first instruction is not one of FROM, ARG or the other Dockerfile instructions')
}
