/**
 * The ca-certs input: CA certificates for registries with a private CA, given per registry host as a file
 * path or as PEM text (often from a secret). Entries are parsed, read and checked with node:crypto when the
 * inputs are read (readCaCerts), and the PEM is written to one file per host for buildkitd.toml's
 * `ca = [...]` (writeCaFiles).
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseRegistryHost } from './registry-name.js'
import { errorCode } from '../core/errors.js'

export interface CaCertEntry {
  /** Registry host 'host[:port]' (parseCaCertsInput returns it validated and lowercased). */
  host: string
  source: 'file' | 'pem'
  /** A file path (source 'file') or PEM text (source 'pem'). */
  value: string
}

/** An entry read and checked: its certificates' PEM, normalized. */
export interface CaCert extends CaCertEntry {
  pem: string
}

const DEFAULT_INPUT = 'ca-certs'
const ENTRY_START = /^([^=]*)=(.*)$/
const PEM_BEGIN = /^-----BEGIN [^-]*-----/
const PEM_END = /^-----END [^-]*-----/
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g
const FILE_MODE = 0o644

function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

/**
 * Parses the multi-line input. A line `host[:port]=VALUE` starts a new entry; the lines after it that do
 * not start a new entry belong to its value (PEM continuation). Lines inside a -----BEGIN/-----END block
 * always belong to the PEM, even when they contain '=' (base64 padding); outside a block, any line with
 * '=' starts an entry and its host must be valid, and any other non-blank line that is not the -----BEGIN
 * of a further certificate is an error, so a mistyped entry is never silently dropped. Blank lines are
 * ignored. A value beginning with '-----BEGIN' is PEM, otherwise a file path. Windows line endings and
 * trailing spaces are tolerated. Throws `<input>: ...` for a bad host, an empty value, or a stray line.
 */
export function parseCaCertsInput(text: string, input: string = DEFAULT_INPUT): CaCertEntry[] {
  const entries: CaCertEntry[] = []
  let current: { host: string; source: 'file' | 'pem'; lines: string[]; inBlock: boolean } | undefined
  const finish = (): void => {
    if (current) {
      const value = current.lines.join('\n').trim()
      entries.push({
        host: current.host,
        source: current.source,
        value: current.source === 'pem' ? `${value}\n` : value
      })
    }
    current = undefined
  }

  const lines = normalizeLineEndings(text).split('\n')
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim()
    const lineNumber = index + 1
    if (current?.inBlock) {
      current.lines.push(line)
      if (PEM_END.test(line)) current.inBlock = false
      continue
    }
    const start = ENTRY_START.exec(line)
    if (start) {
      finish()
      const host = parseRegistryHost(start[1] ?? '', { input, allowHttpScheme: false }).host
      const value = (start[2] ?? '').trim()
      if (value === '') {
        throw new Error(
          `${input}: line ${lineNumber}: no value for ${host}; expected ${host}=/path/to/ca.crt or ${host}=<PEM text>`
        )
      }
      const source = value.startsWith('-----BEGIN') ? 'pem' : 'file'
      current = {
        host,
        source,
        lines: [value],
        inBlock: source === 'pem' && !PEM_END.test(value.replace(PEM_BEGIN, ''))
      }
      continue
    }
    if (line === '') continue
    if (current?.source === 'pem' && PEM_BEGIN.test(line)) {
      // The next certificate of a chain.
      current.lines.push(line)
      current.inBlock = !PEM_END.test(line.replace(PEM_BEGIN, ''))
      continue
    }
    throw new Error(
      `${input}: line ${lineNumber} is not an entry; expected host[:port]=/path/to/ca.crt or host[:port]=<PEM text>, ` +
        'one entry per line (PEM text may span several lines)'
    )
  }
  finish()
  return entries
}

function describeCertificate(certificate: X509Certificate): string {
  const subjectLines = certificate.subject.split('\n')
  const commonName = subjectLines.find(part => part.startsWith('CN='))
  const subject = commonName ?? subjectLines.join(', ')
  const expiry = new Date(certificate.validTo)
  const notAfter = Number.isNaN(expiry.getTime()) ? certificate.validTo : expiry.toISOString()
  return `${subject} (notAfter ${notAfter})`
}

/**
 * Splits PEM text into certificate blocks and checks each with node:crypto. Throws `<input>: ...` naming
 * the host (and the file, when given) when there is no certificate, a block does not parse, a block is not
 * a CERTIFICATE, or the text holds a private key (whose content never appears in the message). Returns the
 * normalized PEM (blocks joined with '\n', ending in '\n') and a description of each certificate for logs.
 */
export function validateCertificatePem(
  pem: string,
  context: { input: string; host: string; file?: string }
): { pem: string; subjects: string[] } {
  const where =
    context.file === undefined ? context.host : `${context.host} (file ${JSON.stringify(context.file)})`
  const text = normalizeLineEndings(pem)
    .split('\n')
    .map(line => line.trim())
    .join('\n')
  if (/PRIVATE KEY/.test(text)) {
    throw new Error(
      `${context.input}: the value for ${where} contains a private key; only CA certificates ` +
        '(-----BEGIN CERTIFICATE-----) are accepted here. Remove the key, and rotate it if it was exposed'
    )
  }
  const blocks = [...text.matchAll(PEM_BLOCK)]
  const begins = text.match(/-----BEGIN /g)?.length ?? 0
  if (blocks.length === 0 || begins !== blocks.length) {
    const problem =
      blocks.length === 0 && begins === 0 ? 'holds no PEM certificate' : 'has an incomplete PEM block'
    throw new Error(
      `${context.input}: the value for ${where} ${problem}; expected one or more ` +
        '-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks'
    )
  }
  const normalized: string[] = []
  const subjects: string[] = []
  for (const [index, block] of blocks.entries()) {
    const label = block[1] ?? ''
    if (block[3] !== label) {
      throw new Error(
        `${context.input}: block ${index + 1} for ${where} begins as ${JSON.stringify(label)} but ends as ` +
          `${JSON.stringify(block[3] ?? '')}; expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----`
      )
    }
    if (label !== 'CERTIFICATE') {
      throw new Error(
        `${context.input}: block ${index + 1} for ${where} is a ${JSON.stringify(label)} block; ` +
          'only CERTIFICATE blocks are accepted'
      )
    }
    let certificate: X509Certificate
    try {
      certificate = new X509Certificate(block[0])
    } catch (error) {
      const reason =
        typeof error === 'object' && error !== null && 'message' in error
          ? String(error.message)
          : String(error)
      throw new Error(
        `${context.input}: certificate ${index + 1} for ${where} is not a valid X.509 certificate (${reason}); ` +
          'expected a PEM-encoded certificate',
        { cause: error }
      )
    }
    normalized.push(certificate.toString().trim())
    subjects.push(describeCertificate(certificate))
  }
  return { pem: `${normalized.join('\n')}\n`, subjects }
}

function fileNameFor(host: string): string {
  return `ca-${host.replace(/[^a-z0-9.-]/g, '_')}.crt`
}

/**
 * Reads (for file entries, relative paths from `cwd`) and checks every entry: throws `<input>: ...` naming
 * the host and the file for a file that cannot be read or a value that is not CA certificates.
 */
export function readCaCerts(
  entries: readonly CaCertEntry[],
  options: { input?: string; cwd: string }
): CaCert[] {
  const input = options.input ?? DEFAULT_INPUT
  return entries.map(entry => {
    if (entry.source === 'pem')
      return { ...entry, pem: validateCertificatePem(entry.value, { input, host: entry.host }).pem }
    const file = resolve(options.cwd, entry.value)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const code = errorCode(error) ?? 'unreadable'
      throw new Error(
        `${input}: cannot read the CA certificate file ${JSON.stringify(file)} for ${entry.host} (${code}); ` +
          'expected the path of a readable PEM file, or the PEM text itself',
        { cause: error }
      )
    }
    return { ...entry, pem: validateCertificatePem(text, { input, host: entry.host, file }).pem }
  })
}

/**
 * Writes one PEM file per host as `<dir>/ca-<host with ':' and other characters replaced by '_'>.crt`
 * (mode 0644; dir created if missing). Several entries for the same host are concatenated into its file.
 * Returns host -> [absolute path].
 */
export async function writeCaFiles(
  certs: readonly Pick<CaCert, 'host' | 'pem'>[],
  dir: string
): Promise<Map<string, string[]>> {
  const pemByHost = new Map<string, string[]>()
  for (const { host, pem } of certs) pemByHost.set(host, [...(pemByHost.get(host) ?? []), pem])

  const result = new Map<string, string[]>()
  if (pemByHost.size === 0) return result
  const directory = resolve(dir)
  await mkdir(directory, { recursive: true })
  const usedNames = new Set<string>()
  for (const [host, pems] of pemByHost) {
    let name = fileNameFor(host)
    for (let suffix = 2; usedNames.has(name); suffix++) name = fileNameFor(`${host}-${suffix}`)
    usedNames.add(name)
    const path = join(directory, name)
    await writeFile(path, pems.join(''), { mode: FILE_MODE })
    await chmod(path, FILE_MODE)
    result.set(host, [path])
  }
  return result
}
