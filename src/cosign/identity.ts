/**
 * Keyless signing's identity: the CI job's OIDC token (GitHub's for the audience sigstore, requested with
 * the job's id-token permission; on GitLab and elsewhere the SIGSTORE_ID_TOKEN a job defines), and what
 * Fulcio writes from it into the certificate, which `cosign verify` must be told: the identity (GitHub: the
 * workflow that ran, `https://github.com/OWNER/REPO/.github/workflows/F.yml@REF`; GitLab: the CI config,
 * `https://gitlab.com/GROUP/PROJECT//.gitlab-ci.yml@REF`; else the verified email, or the subject) and the
 * issuer.
 */

export interface SignerIdentity {
  /** What --certificate-identity must be. */
  identity: string
  /** What --certificate-oidc-issuer must be. */
  issuer: string
}

/** The claims of a JWT, read without checking its signature (Fulcio checks it). */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) throw new Error('the identity token is not a JWT (no payload)')
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      throw new Error('not an object')
    return claims as Record<string, unknown>
  } catch {
    throw new Error('the identity token is not a JWT (its payload is not JSON)')
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

/** The identity and issuer Fulcio puts in the certificate for this token, as Fulcio derives them. */
export function signerIdentity(claims: Readonly<Record<string, unknown>>): SignerIdentity {
  const issuer = text(claims['iss'])
  if (issuer === '') throw new Error('the identity token names no issuer (iss)')
  const workflow = text(claims['job_workflow_ref'])
  if (workflow !== '' && issuer === 'https://token.actions.githubusercontent.com')
    return { identity: `https://github.com/${workflow}`, issuer }
  const ciConfig = text(claims['ci_config_ref_uri'])
  if (ciConfig !== '') return { identity: `https://${ciConfig}`, issuer }
  const email = text(claims['email'])
  if (email !== '' && claims['email_verified'] === true) return { identity: email, issuer }
  const subject = text(claims['sub'])
  if (subject === '') throw new Error('the identity token names no subject (sub)')
  return { identity: subject, issuer }
}

/** Requests GitHub's OIDC token for an audience (@actions/core's getIDToken). */
export type IdTokenRequest = (audience: string) => Promise<string>

/**
 * The job's identity token: SIGSTORE_ID_TOKEN when the job defines it (GitLab's id_tokens, any CI), else
 * GitHub's, requested for the audience sigstore. Without either, says what the job needs.
 */
export async function identityToken(env: NodeJS.ProcessEnv, request: IdTokenRequest): Promise<string> {
  const given = env.SIGSTORE_ID_TOKEN?.trim()
  if (given) return given
  if (hasGithubTokenService(env)) return request('sigstore')
  throw new Error(`sign: ${NO_IDENTITY}`)
}

/** Whether the job can have an identity token: its own SIGSTORE_ID_TOKEN, or GitHub's token service. */
export function hasIdentity(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SIGSTORE_ID_TOKEN?.trim()) || hasGithubTokenService(env)
}

function hasGithubTokenService(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
}

/** What a job without an identity token needs, for keyless. */
export const NO_IDENTITY =
  'keyless needs the job\'s OIDC identity: on GitHub give the job "permissions: id-token: write"; on GitLab ' +
  'define id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore; elsewhere set SIGSTORE_ID_TOKEN to a token your Fulcio ' +
  'accepts'
