/**
 * cosign's command lines, from pure functions: signing an image by digest with a key (the index and,
 * recursively, every manifest it lists), the public key of that key, and verifying a signature against the
 * registry. The registry is reached as BuildKit reached it: plain HTTP, HTTPS without verification, or a
 * private CA. The key's password goes in COSIGN_PASSWORD, never in argv.
 */

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

export interface SignArgs extends TransparencyLog {
  keyFile: string
  /** repository@sha256:... */
  reference: string
  registry: CosignRegistry
}

/**
 * Signs the image and each manifest of its index. Without a transparency log, cosign 3 is told to use no
 * signing config (which would name sigstore's public services) and to upload nothing.
 */
export function signArgs(options: SignArgs): string[] {
  return [
    'sign',
    '--yes',
    '--key',
    options.keyFile,
    '--recursive',
    ...(options.transparencyLog ? [] : ['--use-signing-config=false', '--tlog-upload=false']),
    ...registryFlags(options.registry),
    options.reference
  ]
}

export interface VerifyArgs extends TransparencyLog {
  publicKeyFile: string
  reference: string
  registry: CosignRegistry
}

export function verifyArgs(options: VerifyArgs): string[] {
  return [
    'verify',
    '--key',
    options.publicKeyFile,
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
 * they keep next to it, the registry flags only where the registry needs them.
 */
export function verifyCommand(
  options: Omit<VerifyArgs, 'publicKeyFile'> & { registry: CosignRegistry }
): string {
  const registry = { ...options.registry, caFile: options.registry.caFile ? 'CA.pem' : '' }
  return ['cosign', ...verifyArgs({ ...options, registry, publicKeyFile: 'cosign.pub' })].join(' ')
}
