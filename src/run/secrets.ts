/**
 * Secrets are masked before anything is parsed or logged: the runner then replaces them with *** in every
 * log line, including the lines of commands that echo them.
 */
import { proxyEnvironment } from '../buildx/builder.js'
import type { Reporter } from '../core/reporter.js'
import type { InputSource } from '../inputs/table.js'
import { parseSecrets } from '../inputs/build-options.js'
import { parseKubeconfig } from '../inputs/remote-access.js'

/** Inputs whose text may carry secrets. */
const SENSITIVE_INPUTS = ['password', 'ca-certs', 'buildkitd-config-inline', 'remote-tls-key', 'sign-key']

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g

/** `http://user:secret@proxy:3128` -> `secret` (as written). */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i

/**
 * Masks the password, every line of any PEM private key pasted into an input (the runner masks line by
 * line), and a proxy URL's password.
 */
export function maskSecrets(reporter: Reporter, getInput: InputSource, env: NodeJS.ProcessEnv): void {
  const mask = (secret: string): void => {
    reporter.mask(secret)
  }
  const password = getInput('password')
  if (password) mask(password)
  const token = getInput('github-token')
  if (token) mask(token)
  const keyPassword = getInput('sign-key-password')
  if (keyPassword) mask(keyPassword)
  if (env.COSIGN_PASSWORD) mask(env.COSIGN_PASSWORD)
  maskBuildSecrets(mask, getInput('secrets'))
  // buildx reads GitHub's cache service token from its environment (cache: gha, type=gha).
  if (env.ACTIONS_RUNTIME_TOKEN) mask(env.ACTIONS_RUNTIME_TOKEN)
  for (const name of SENSITIVE_INPUTS) {
    for (const block of getInput(name).matchAll(PRIVATE_KEY)) {
      for (const line of block[0].split(/\r?\n/))
        if (line.trim() && !line.startsWith('-----')) mask(line.trim())
    }
  }
  // A kubeconfig's tokens, keys and passwords (the rest of it is no secret, and masking it would hide
  // ordinary words).
  try {
    for (const secret of parseKubeconfig(getInput('kubeconfig'))?.secrets ?? [])
      for (const line of secret.split(/\r?\n/)) if (line.trim()) mask(line.trim())
  } catch {
    // not a kubeconfig: the input check says so, and nothing of it is logged
  }
  for (const value of Object.values(proxyEnvironment(env))) {
    // As written (that is how the builder's command line echoes it) and percent-decoded.
    const written = URL_PASSWORD.exec(value)?.[1]
    if (written === undefined) continue
    mask(written)
    try {
      mask(decodeURIComponent(written))
    } catch {
      // not valid percent-encoding: the written form is the only one
    }
  }
}

/**
 * Masks each value of the secrets input, line by line for a multi-line one (the runner masks per line).
 * When the input does not parse, every line is masked (the input check reports entries by position only).
 */
function maskBuildSecrets(mask: (secret: string) => void, value: string): void {
  if (value === '') return
  let values: string[]
  try {
    values = parseSecrets(value).map(s => s.value)
  } catch {
    values = value.split('\n')
  }
  for (const secret of values) {
    for (const line of secret.split(/\r?\n/)) if (line.trim()) mask(line.trim())
    if (secret.includes('\n')) mask(secret)
  }
}
