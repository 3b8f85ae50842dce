/**
 * cosign's command lines, from pure functions: signing an image by digest with a key (the index and,
 * recursively, every manifest it lists), the public key of that key, and verifying a signature against the
 * registry. The registry is reached as BuildKit reached it: plain HTTP, HTTPS without verification, or a
 * private CA. The key's password goes in COSIGN_PASSWORD, never in argv.
 */

/** false: no signature; key: with the private key of sign-key; keyless: with the job's OIDC identity. */
export type SignMode = 'false' | 'key' | 'keyless'
export const SIGN_MODES: readonly SignMode[] = ['false', 'key', 'keyless']

/** How cosign reaches one registry. */
export interface CosignRegistry {
  /** The registry speaks plain HTTP. */
  plainHttp: boolean
  /** HTTPS without certificate verification. */
  insecure: boolean
  /** A file with the CA certificates that sign the registry's certificate ('' for the system's). */
  caFile: string
}

/** Whether signatures go to a transparency log (sigstore's public Rekor, cosign's default). */
export interface TransparencyLog {
  transparencyLog: boolean
}

export function registryFlags(registry: CosignRegistry): string[] {
  const flags: string[] = []
  if (registry.plainHttp) flags.push('--allow-http-registry')
  if (registry.insecure) flags.push('--allow-insecure-registry')
  if (registry.caFile) flags.push('--registry-cacert', registry.caFile)
  return flags
}

/** With a key (cosign.key), or keyless: the job's OIDC identity, certified by Fulcio. */
export type Signer =
  | { keyFile: string }
  | {
      /** A signing config naming your own Fulcio, Rekor, TSA ('' for sigstore's public instance). */
      signingConfig: string
      /** The trusted root of your own instance ('' for sigstore's). */
      trustedRoot: string
    }

export interface SignArgs extends TransparencyLog {
  signer: Signer
  /** repository@sha256:... */
  reference: string
  registry: CosignRegistry
}

/**
 * Signs the image and each manifest of its index. With a key and no transparency log, cosign 3 is told to
 * use no signing config (which would name sigstore's public services) and to upload nothing. Keyless, the
 * identity token goes in SIGSTORE_ID_TOKEN, never in argv.
 */
export function signArgs(options: SignArgs): string[] {
  const { signer } = options
  const how =
    'keyFile' in signer
      ? [
          '--key',
          signer.keyFile,
          ...(options.transparencyLog ? [] : ['--use-signing-config=false', '--tlog-upload=false'])
        ]
      : [
          ...(signer.signingConfig ? ['--signing-config', signer.signingConfig] : []),
          ...(signer.trustedRoot ? ['--trusted-root', signer.trustedRoot] : [])
        ]
  return ['sign', '--yes', ...how, '--recursive', ...registryFlags(options.registry), options.reference]
}

/** A key's public half, or the identity and issuer a keyless certificate must name. */
export type Verifier = { publicKeyFile: string } | { identity: string; issuer: string; trustedRoot: string }

export interface VerifyArgs extends TransparencyLog {
  verifier: Verifier
  reference: string
  registry: CosignRegistry
}

export function verifyArgs(options: VerifyArgs): string[] {
  const { verifier } = options
  const how =
    'publicKeyFile' in verifier
      ? ['--key', verifier.publicKeyFile]
      : [
          '--certificate-identity',
          verifier.identity,
          '--certificate-oidc-issuer',
          verifier.issuer,
          ...(verifier.trustedRoot ? ['--trusted-root', verifier.trustedRoot] : [])
        ]
  return [
    'verify',
    ...how,
    ...(options.transparencyLog ? [] : ['--insecure-ignore-tlog=true']),
    ...registryFlags(options.registry),
    options.reference
  ]
}

/** `cosign public-key --key FILE` prints the key's public half (PEM). */
export function publicKeyArgs(keyFile: string): string[] {
  return ['public-key', '--key', keyFile]
}

/**
 * What a user runs to verify the image (the `signature-verify-command` output): the public key as a file
 * they keep next to it (cosign.pub), or the identity; files by the names users give them (CA.pem,
 * trusted_root.json), the registry flags only where the registry needs them. Shell-quoted where needed.
 */
export function verifyCommand(options: VerifyArgs): string {
  const registry = { ...options.registry, caFile: options.registry.caFile ? 'CA.pem' : '' }
  const verifier: Verifier =
    'publicKeyFile' in options.verifier
      ? { publicKeyFile: 'cosign.pub' }
      : { ...options.verifier, trustedRoot: options.verifier.trustedRoot ? 'trusted_root.json' : '' }
  return ['cosign', ...verifyArgs({ ...options, registry, verifier })].map(shellWord).join(' ')
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
