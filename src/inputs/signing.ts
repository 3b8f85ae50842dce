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
import { bool, field, text, type Rule, type Values } from './table.js'

/** false: no signature; key: cosign signs with the private key of sign-key. */
export type SignMode = 'false' | 'key'
export const SIGN_MODES: readonly SignMode[] = ['false', 'key']

export interface SigningInputs {
  sign: SignMode
  /** The private key's PEM (LF line ends, ending in a newline); '' without signing. */
  signKey: string
  signKeyPassword: string
  /** Upload to sigstore's public transparency log (cosign's default); false for private registries. */
  signTransparencyLog: boolean
}

/** The PEM block cosign generate-key-pair writes (ENCRYPTED SIGSTORE PRIVATE KEY), or an older/plain one. */
const PRIVATE_KEY =
  /-----BEGIN ((?:ENCRYPTED )?(?:SIGSTORE |COSIGN |EC )?PRIVATE KEY)-----\n[A-Za-z0-9+/=\n]+-----END \1-----/

/** The key's text, given as such or as a path from `cwd`, checked to be a private key PEM. */
export function parseSignKey(value: string, cwd: string): string {
  if (value === '') return ''
  let pem = value.replace(/\r\n/g, '\n')
  if (!pem.includes('-----BEGIN')) {
    const file = path.resolve(cwd, value)
    try {
      pem = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n')
    } catch (error) {
      throw new Error(
        `cannot read ${JSON.stringify(value)} (${errorCode(error) ?? 'unreadable'}, relative paths start at ${cwd}); ` +
          'give the private key (cosign.key) as text, e.g. from a secret, or its path',
        { cause: error }
      )
    }
  }
  if (!PRIVATE_KEY.test(pem))
    throw new Error(
      'is not a private key PEM (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY----- as cosign generate-key-pair ' +
        'writes it); give the text of cosign.key or its path'
    )
  return pem.endsWith('\n') ? pem : `${pem}\n`
}

export const SIGNING_FIELDS = {
  sign: field<SignMode>('false', value => {
    const mode = value === '' ? 'false' : SIGN_MODES.find(m => m === value.toLowerCase())
    if (mode === undefined) throw new Error(`"${value}" is not a way to sign; use false or key`)
    return mode
  }),
  'sign-key': field('', (value, { cwd }) => parseSignKey(value, cwd)),
  'sign-key-password': text,
  'sign-transparency-log': bool(true)
}

interface SigningContext {
  sign: SignMode
  'sign-key': string
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
    check: v =>
      v['sign-key'] !== '' && v.sign !== 'key'
        ? 'is given but sign is false; set sign: key to sign'
        : undefined
  }
]

export function signingInputs(v: Values<typeof SIGNING_FIELDS>): SigningInputs {
  return {
    sign: v.sign,
    signKey: v['sign-key'],
    signKeyPassword: v['sign-key-password'],
    signTransparencyLog: v['sign-transparency-log']
  }
}
