/**
 * Signing, after the checks and before any tag moves: cosign signs the index that passed the checks, by
 * digest, and every manifest it lists, in each repository the image was pushed to; then the signature of
 * the index and of each platform's manifest is verified against the registry. The key is written to a
 * private file in the run's directory (removed with it by the post step), its password goes in
 * COSIGN_PASSWORD. cosign reaches each registry as BuildKit did (HTTP, CA, unverified HTTPS), with the
 * run's docker config for credentials.
 */
import { escapeHtml } from '../core/html.js'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { registrySettings, type TomlTable } from '../buildkitd/toml.js'
import { runnerDirs, type InstallLog } from '../buildx/install.js'
import type { NodeHost } from '../buildx/release.js'
import { runChecked, withEnvironment, type CommandRunner } from '../core/runner.js'
import { canonicalRegistry, parseImageReference, repositoriesOf } from '../oci/reference.js'
import {
  publicKeyArgs,
  signArgs,
  verifyArgs,
  verifyCommand,
  type CosignRegistry,
  type SignMode,
  type Signer,
  type Verifier
} from './cosign.js'
import { identityToken, signerIdentity, tokenClaims, type IdTokenRequest } from './identity.js'
import { findCosign } from './cosign-install.js'

/** The signing inputs, as the build and the merge action read them (inputs/signing.ts). */
export interface SigningInputs {
  sign: SignMode
  /** The private key's PEM (LF line ends, ending in a newline); '' without signing. */
  signKey: string
  signKeyPassword: string
  /** Upload to sigstore's public transparency log (cosign's default); false for private registries. */
  signTransparencyLog: boolean
  /** Keyless with your own sigstore instance: its signing config and trusted root (JSON; '' for sigstore's). */
  signSigningConfig: string
  signTrustedRoot: string
}

export interface SignOptions {
  deps: {
    reporter: InstallLog & { mask(secret: string): void }
    env: NodeJS.ProcessEnv
    host: NodeHost
    /** GitHub's OIDC token for an audience (keyless on GitHub). */
    idToken: IdTokenRequest
  }
  /** The signing inputs, and the tags (or, by digest, the repositories) whose repositories hold the image. */
  inputs: SigningInputs & { tags: readonly string[] }
  /** The registries' settings (the generated buildkitd.toml) and a runner whose DOCKER_CONFIG holds the login. */
  access: { config: TomlTable; runner: CommandRunner }
  /** The index digest that passed the checks. */
  digest: string
  /** platform -> manifest digest, as the registry serves them. */
  platforms: Readonly<Record<string, string>>
  work: string
}

interface Way {
  signer: Signer
  verifier: Verifier
  /** What cosign needs in its environment: the key's password, or the identity token. */
  env: Record<string, string>
}

/** Signs and verifies; returns the command a user runs to verify the index (the first repository's). */
export async function signImage(options: SignOptions): Promise<string> {
  const { deps, inputs, digest } = options
  const { reporter } = deps
  const dir = path.join(options.work, 'signing')
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const cosign = await findCosign({
    runner: options.access.runner,
    log: reporter,
    dirs: runnerDirs(deps.env),
    platform: deps.host.platform,
    arch: deps.host.arch
  })
  const way = inputs.sign === 'keyless' ? await keyless(options, dir) : await withKey(options, dir, cosign)
  const runner = withEnvironment(options.access.runner, way.env)
  const transparencyLog = inputs.signTransparencyLog
  const commands: string[] = []
  for (const repository of repositoriesOf(inputs.tags)) {
    const registry = cosignRegistry(repository, options.access.config, dir)
    const reference = `${repository}@${digest}`
    await runChecked(runner, cosign, signArgs({ signer: way.signer, reference, registry, transparencyLog }), {
      what: `cosign sign ${reference}`
    })
    const references = [reference, ...Object.values(options.platforms).map(d => `${repository}@${d}`)]
    for (const signed of references)
      await runChecked(
        runner,
        cosign,
        verifyArgs({ verifier: way.verifier, reference: signed, registry, transparencyLog }),
        { what: `cosign verify ${signed}`, silent: true }
      )
    reporter.info(`signed and verified: ${reference} and its ${references.length - 1} platform manifests`)
    commands.push(verifyCommand({ verifier: way.verifier, reference, registry, transparencyLog }))
  }
  return commands[0] ?? ''
}

/** The key in a private file, its public half from cosign (a wrong password fails here, before signing). */
async function withKey(options: SignOptions, dir: string, cosign: string): Promise<Way> {
  const { deps, inputs } = options
  const keyFile = path.join(dir, 'cosign.key')
  fs.writeFileSync(keyFile, inputs.signKey, { mode: 0o600 })
  // Never a prompt: the input's password, else one already in the job's environment, else none.
  const env = { COSIGN_PASSWORD: inputs.signKeyPassword || deps.env.COSIGN_PASSWORD || '' }
  const publicKey = await runChecked(
    withEnvironment(options.access.runner, env),
    cosign,
    publicKeyArgs(keyFile),
    {
      what: 'cosign public-key (is sign-key-password the password of sign-key?)',
      silent: true
    }
  )
  const publicKeyFile = path.join(dir, 'cosign.pub')
  fs.writeFileSync(publicKeyFile, publicKey.stdout)
  return { signer: { keyFile }, verifier: { publicKeyFile }, env }
}

/** The job's identity token (masked, in SIGSTORE_ID_TOKEN) and the identity its certificate will name. */
async function keyless(options: SignOptions, dir: string): Promise<Way> {
  const { deps, inputs } = options
  const token = await identityToken(deps.env, deps.idToken)
  deps.reporter.mask(token)
  const { identity, issuer } = signerIdentity(tokenClaims(token))
  deps.reporter.info(`keyless: the certificate will name ${identity} (issuer ${issuer})`)
  const place = (name: string, json: string): string => {
    if (json === '') return ''
    const file = path.join(dir, name)
    fs.writeFileSync(file, json)
    return file
  }
  const trustedRoot = place('trusted_root.json', inputs.signTrustedRoot)
  return {
    signer: { signingConfig: place('signing_config.json', inputs.signSigningConfig), trustedRoot },
    verifier: { identity, issuer, trustedRoot },
    env: { SIGSTORE_ID_TOKEN: token }
  }
}

/** How cosign reaches the registry of `repository`: the generated buildkitd.toml's settings for it. */
function cosignRegistry(repository: string, config: TomlTable, dir: string): CosignRegistry {
  const host = canonicalRegistry(parseImageReference(repository).registry)
  const settings = registrySettings(config, host)
  let caFile = ''
  if (settings.ca.length > 0) {
    // cosign takes one file: the CAs of this registry together.
    caFile = path.join(dir, `ca-${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem`)
    fs.writeFileSync(caFile, settings.ca.map(file => fs.readFileSync(file, 'utf8')).join('\n'))
  }
  return { plainHttp: settings.plainHttp, insecure: settings.insecure, caFile }
}

/** The summary's word on a signature (the build's and the merge action's). */
export function signatureHtml(verifyCommand: string): string {
  return (
    '<p>Signed with cosign before the tags moved, and verified against the registry. To verify:</p>' +
    `<pre><code>${escapeHtml(verifyCommand)}</code></pre>`
  )
}
