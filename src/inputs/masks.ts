/**
 * Secrets are masked before anything is parsed or logged: the runner then replaces them with *** in every
 * log line, including the lines of commands that echo them. Which inputs carry a secret, and which part of
 * their text it is, their table rows say (`secret(...)`); the step's environment adds its own.
 */
import { proxyEnvironment } from '../buildx/builder.js'
import { secretsOf, type Fields, type InputSource } from './table.js'

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g

/** `http://user:secret@proxy:3128` -> `secret` (as written). */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i

/** Every line of any PEM private key in the text (the runner masks line by line), without the armour. */
export function privateKeyLines(text: string): string[] {
  return [...text.matchAll(PRIVATE_KEY)].flatMap(block =>
    block[0]
      .split(/\r?\n/)
      .map(line => line.trim())
      .filter(line => !line.startsWith('-----'))
  )
}

/**
 * Masks what the table's secret inputs carry, the environment's signing password and cache token, and a
 * proxy URL's password.
 */
export function maskSecrets(
  reporter: { mask(secret: string): void },
  fields: Fields,
  getInput: InputSource,
  env: NodeJS.ProcessEnv
): void {
  const secrets = secretsOf(fields, getInput)
  if (env.COSIGN_PASSWORD) secrets.push(env.COSIGN_PASSWORD)
  // buildx reads GitHub's cache service token from its environment (cache: gha, type=gha).
  if (env.ACTIONS_RUNTIME_TOKEN) secrets.push(env.ACTIONS_RUNTIME_TOKEN)
  for (const value of Object.values(proxyEnvironment(env))) {
    // As written (that is how the builder's command line echoes it) and percent-decoded.
    const written = URL_PASSWORD.exec(value)?.[1]
    if (written === undefined) continue
    secrets.push(written)
    try {
      secrets.push(decodeURIComponent(written))
    } catch {
      // not valid percent-encoding: the written form is the only one
    }
  }
  for (const secret of new Set(secrets)) reporter.mask(secret)
}
