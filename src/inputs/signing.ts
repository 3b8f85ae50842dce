/**
 * The signing inputs: `sign` (false, or key: cosign with a private key), `sign-key` (the key as
 * `cosign generate-key-pair` writes it: PEM text, usually from a secret, or a file path),
 * `sign-key-password` and `sign-transparency-log`. Checked before any command: the key must be a private
 * key PEM (its text never appears in a message), a key needs `sign: key` and `sign: key` needs a key and a
 * push. cosign/sign-image.ts signs.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { errorCode } from '../core/errors.js'
import { SIGN_MODES, type SignMode } from '../cosign/cosign.js'
import { hasIdentity, NO_IDENTITY } from '../cosign/identity.js'
import type { SigningInputs } from '../cosign/sign-image.js'
import { privateKeyLines } from './masks.js'
import { bool, field, secret, text, type Rule } from './table.js'

export type { SignMode, SigningInputs }

/** The PEM block cosign generate-key-pair writes (ENCRYPTED SIGSTORE PRIVATE KEY), or an older/plain one. */
const PRIVATE_KEY =
  /-----BEGIN ((?:ENCRYPTED )?(?:SIGSTORE |COSIGN |EC )?PRIVATE KEY)-----\n[A-Za-z0-9+/=\n]+-----END \1-----/

/**
 * An input that holds a document as text, or the path (from `cwd`) of a file holding it: `isText` tells
 * them apart. A file that cannot be read is named as written, with `advice` after it.
 */
function textOrFile(value: string, cwd: string, isText: boolean, advice = ''): string {
  if (isText) return value
  try {
    return fs.readFileSync(path.resolve(cwd, value), 'utf8')
  } catch (error) {
    throw new Error(
      `cannot read ${JSON.stringify(value)} (${errorCode(error) ?? 'unreadable'}, relative paths start at ${cwd})` +
        (advice ? `; ${advice}` : ''),
      { cause: error }
    )
  }
}

/** The key's text, given as such or as a path from `cwd`, checked to be a private key PEM. */
export function parseSignKey(value: string, cwd: string): string {
  if (value === '') return ''
  const advice = 'give the private key (cosign.key) as text, e.g. from a secret, or its path'
  const pem = textOrFile(value, cwd, value.includes('-----BEGIN'), advice).replace(/\r\n/g, '\n')
  if (!PRIVATE_KEY.test(pem))
    throw new Error(
      'is not a private key PEM (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY----- as cosign generate-key-pair ' +
        'writes it); give the text of cosign.key or its path'
    )
  return pem.endsWith('\n') ? pem : `${pem}\n`
}

export const SIGNING_FIELDS = {
  sign: field<SignMode>('false', (value, { env }) => {
    const mode = value === '' ? 'false' : SIGN_MODES.find(m => m === value.toLowerCase())
    if (mode === undefined) throw new Error(`"${value}" is not a way to sign; use false, key or keyless`)
    // Known now, not after the build: the job can have no identity token.
    if (mode === 'keyless' && !hasIdentity(env)) throw new Error(NO_IDENTITY)
    return mode
  }),
  'sign-key': secret(
    field('', (value, { cwd }) => parseSignKey(value, cwd)),
    privateKeyLines
  ),
  'sign-key-password': secret(text),
  'sign-transparency-log': bool(true),
  'sign-signing-config': field('', (value, { cwd }) => parseSigstoreJson(value, cwd, 'signingconfig')),
  'sign-trusted-root': field('', (value, { cwd }) => parseSigstoreJson(value, cwd, 'trustedroot'))
}

/**
 * A sigstore JSON document (a signing config, a trusted root) as text or a path from `cwd`: JSON whose
 * mediaType names what it must be.
 */
export function parseSigstoreJson(value: string, cwd: string, kind: 'signingconfig' | 'trustedroot'): string {
  if (value === '') return ''
  const text = textOrFile(value, cwd, value.trimStart().startsWith('{'))
  let mediaType: unknown
  try {
    mediaType = (JSON.parse(text) as { mediaType?: unknown }).mediaType
  } catch {
    throw new Error('is not JSON; give the file (or its text) that your sigstore instance publishes')
  }
  if (typeof mediaType !== 'string' || !mediaType.startsWith(`application/vnd.dev.sigstore.${kind}`))
    throw new Error(
      `is not a sigstore ${kind === 'trustedroot' ? 'trusted root' : 'signing config'} (its mediaType is not application/vnd.dev.sigstore.${kind}...)`
    )
  return text
}

interface SigningContext {
  sign: SignMode
  'sign-key': string
  'sign-signing-config': string
  'sign-trusted-root': string
}

/** The build's and the merge action's: a key comes with sign: key, and sign: key with a key. */
export const SIGNING_RULES: readonly Rule<SigningContext>[] = [
  {
    input: 'sign',
    reads: ['sign-key'],
    check: v =>
      v.sign === 'key' && v['sign-key'] === ''
        ? 'key needs the private key in the sign-key input (cosign generate-key-pair writes cosign.key)'
        : undefined
  },
  {
    input: 'sign-key',
    reads: ['sign'],
    check: v => {
      if (v['sign-key'] === '' || v.sign === 'key') return undefined
      return v.sign === 'keyless'
        ? "is given, but keyless signs with the job's identity; remove sign-key, or set sign: key"
        : 'is given but sign is false; set sign: key to sign'
    }
  },
  ...(['sign-signing-config', 'sign-trusted-root'] as const).map((input): Rule<SigningContext> => ({
    input,
    reads: ['sign'],
    check: v =>
      v[input] !== '' && v.sign !== 'keyless'
        ? 'is for sign: keyless with your own sigstore instance; remove it, or set sign: keyless'
        : undefined
  }))
]
