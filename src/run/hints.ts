/**
 * Turns the errors users meet most with private registries and emulation into a sentence that names the
 * input that fixes them.
 */

export interface Hint {
  title: string
  message: string
}

const HINTS: readonly { pattern: RegExp; hint: Hint }[] = [
  {
    pattern:
      /x509: certificate signed by unknown authority|certificate is not trusted|tls: failed to verify certificate/i,
    hint: {
      title: 'Registry certificate not trusted',
      message:
        'BuildKit does not trust the registry certificate. Give its CA with the ca-certs input ' +
        '(host:port=PEM or a path), or list the registry in insecure-registries to skip verification.'
    }
  },
  {
    pattern: /server gave HTTP response to HTTPS client/i,
    hint: {
      title: 'Registry speaks plain HTTP',
      message: 'The registry serves plain HTTP. List it in insecure-registries as http://host:port.'
    }
  },
  {
    pattern: /dial tcp: lookup [^ ]+.*no such host|no such host/i,
    hint: {
      title: 'Registry name not resolvable from the builder',
      message:
        'The builder container cannot resolve the registry name (private DNS or /etc/hosts). ' +
        'Set host-network: true so the builder uses the runner’s network and resolver.'
    }
  },
  {
    pattern: /multiple platforms feature is currently not supported for docker driver/i,
    hint: {
      title: 'Builder cannot build several platforms',
      message:
        'The build ran on the docker driver. This action creates a docker-container builder; do not override ' +
        'it with a builder that uses the docker driver.'
    }
  },
  {
    pattern: /exec format error/i,
    hint: {
      title: 'Emulator missing for a platform',
      message:
        'A RUN step ran a binary for another architecture without QEMU. Leave qemu: auto (or image/package), ' +
        'or cross-compile with FROM --platform=$BUILDPLATFORM.'
    }
  },
  {
    pattern:
      /401 Unauthorized|failed to authorize|insufficient_scope|authentication required|denied: requested access/i,
    hint: {
      title: 'Registry refused the credentials',
      message:
        'The registry needs credentials: set registry, username and password (or log in before this step) ' +
        'for the registry in tags.'
    }
  }
]

export function hintsFor(output: string): Hint[] {
  return HINTS.filter(h => h.pattern.test(output)).map(h => h.hint)
}
