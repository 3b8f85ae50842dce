/**
 * What buildx's output says about a failure, from one table of known failures: whether another attempt
 * can fix it (network, registry overload, builder start-up) and, for the errors users meet most with
 * private registries and emulation, a hint that names the input that fixes it. The retry policy and the
 * failure report both read this table.
 *
 * A failure that shows the build itself failed (a Dockerfile that fails fails the same way every time) or
 * a configuration problem is never retried, whatever else the output says.
 */
import { CommandError } from '../core/runner.js'

export interface Hint {
  title: string
  message: string
}

/** What the run's inputs set, so that a hint never blames an input that was set. */
export interface HintContext {
  /** The login inputs' registry; '' when registry/username/password were not set. */
  loginRegistry: string
  retries: number
  /** The hosts (host:port) listed in insecure-registries. */
  insecureRegistries: readonly string[]
}

const NOTHING_SET: HintContext = { loginRegistry: '', retries: 0, insecureRegistries: [] }

interface KnownFailure {
  pattern: RegExp
  /** Why another attempt may succeed; false: retrying cannot help (and stops any retry). */
  transient: string | false
  /** The hint, worded for what the inputs set (undefined: none in that context). */
  hint?: Hint | ((context: HintContext, output: string) => Hint | undefined)
}

const UNTRUSTED_CERTIFICATE =
  /certificate signed by unknown authority|certificate is not trusted|tls: failed to verify certificate/i

/** The registry (host[:port]) of the https:// URL on the first line of `output` that matches `pattern`. */
export function hostOf(output: string, pattern: RegExp): string | undefined {
  const line = output.split('\n').find(l => pattern.test(l)) ?? ''
  return /https:\/\/([^/\s"]+)/.exec(line)?.[1]
}

const FAILURES: readonly KnownFailure[] = [
  // The build itself failed.
  { pattern: /did not complete successfully/i, transient: false },
  { pattern: /dockerfile parse error/i, transient: false },
  { pattern: /failed to compute cache key/i, transient: false },
  { pattern: /failed to parse (stage|platform|dockerfile)/i, transient: false },
  { pattern: /unknown instruction/i, transient: false },
  { pattern: /invalid reference format/i, transient: false },
  // Configuration that an input fixes.
  {
    pattern: UNTRUSTED_CERTIFICATE,
    transient: false,
    hint: (_, output) => {
      const host = hostOf(output, UNTRUSTED_CERTIFICATE)
      return {
        title: 'Registry certificate not trusted',
        message: host
          ? `BuildKit does not trust the certificate of ${host}. Give its CA with the ca-certs input ` +
            `(${host}=PEM or a path), or list ${host} in insecure-registries to skip verification.`
          : 'BuildKit does not trust the registry certificate. Give its CA with the ca-certs input ' +
            '(host:port=PEM or a path), or list the registry in insecure-registries to skip verification.'
      }
    }
  },
  {
    pattern: /server gave HTTP response to HTTPS client/i,
    transient: false,
    hint: {
      title: 'Registry speaks plain HTTP',
      message: 'The registry serves plain HTTP. List it in insecure-registries as http://host:port.'
    }
  },
  {
    pattern: /no such host/i,
    transient: false,
    hint: {
      title: 'Registry name not resolvable from the builder',
      message:
        'The builder container cannot resolve the registry name (private DNS or /etc/hosts). ' +
        'Set host-network: true so the builder uses the runner’s network and resolver.'
    }
  },
  {
    pattern: /multiple platforms feature is currently not supported for docker driver/i,
    transient: false,
    hint: {
      title: 'Builder cannot build several platforms',
      message:
        'The build ran on the docker driver. This action creates a docker-container builder; do not override ' +
        'it with a builder that uses the docker driver.'
    }
  },
  {
    pattern: /exec format error/i,
    transient: false,
    hint: {
      title: 'Emulator missing for a platform',
      message:
        'A RUN step ran a binary for another architecture without QEMU. Leave qemu: auto (or image/package), ' +
        'or cross-compile with FROM --platform=$BUILDPLATFORM.'
    }
  },
  {
    pattern:
      /401 Unauthorized|403 Forbidden|failed to authorize|insufficient_scope|authentication required|unauthorized:|denied: requested access|refused the credentials|refused to let these credentials push/i,
    transient: false,
    hint: context =>
      context.loginRegistry === ''
        ? {
            title: 'Registry refused the credentials',
            message:
              'The registry needs credentials: set the registry, username and password inputs (or log in ' +
              'before this step) for the registry in tags.'
          }
        : {
            title: 'Registry refused the credentials',
            message:
              `The registry refused the login: check the password (or token) and username for ` +
              `${context.loginRegistry}, and that the account may push to the repositories of the tags input. A tag ` +
              'in another registry needs its own login before this step.'
          }
  },
  {
    // An HTTPS registry that BuildKit talked to over plain HTTP (its default for localhost and 127.0.0.1).
    pattern: /https?:\/\/[^\s"]+[^\n]*400 Bad Request|Client sent an HTTP request to an HTTPS server/i,
    transient: false,
    hint: (context, output) => {
      const host = /http:\/\/([^/\s"]+)/.exec(output)?.[1] ?? 'the registry'
      const listed = context.insecureRegistries.includes(host)
      return {
        title: 'HTTPS registry reached over HTTP',
        message:
          `BuildKit talked plain HTTP to ${host}, which serves HTTPS (400 Bad Request). ` +
          (listed
            ? `insecure-registries lists ${host} as plain HTTP: list it as https://${host} (or ${host}) to ` +
              'keep HTTPS without verification, or give its CA with ca-certs instead.'
            : `Give its CA with ca-certs (${host}=PEM or a path): that makes BuildKit use HTTPS for it, ` +
              `even on localhost; or list https://${host} in insecure-registries to skip verification.`)
      }
    }
  },
  {
    // The builder's container stopped, or BuildKit died, in the middle of the build.
    pattern:
      /rpc error: code = \w+ desc = [^\n]*(EOF|connection reset|transport is closing)|no such container|error reading from server: EOF/i,
    transient: 'builder connection lost',
    hint: context =>
      context.retries > 0
        ? undefined
        : {
            title: 'Builder lost',
            message:
              'The connection to the builder was lost during the build: its container stopped or BuildKit ' +
              'exited (out of memory, removed by a cleanup job, Docker restarted). With retries set ' +
              '(e.g. retries: 2) the build is tried again and the builder started again.'
          }
  },
  {
    pattern:
      /unsupported request frontend\.(lint|outline|targets)|unsupported frontend capability moby\.buildkit\.frontend\.subrequests/i,
    transient: false,
    hint: {
      title: 'BuildKit too old for call',
      message:
        "The builder's BuildKit cannot evaluate the build this way (call: check, outline and targets need " +
        'BuildKit 0.15 or newer). Set buildkit-image to a newer BuildKit (e.g. moby/buildkit:buildx-stable-1), ' +
        'or leave call empty.'
    }
  },
  // Transient: another attempt may succeed.
  { pattern: /connection refused/i, transient: 'connection refused' },
  { pattern: /connection reset by peer/i, transient: 'connection reset' },
  { pattern: /broken pipe|unexpected EOF/i, transient: 'connection dropped' },
  {
    pattern: /i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout/i,
    transient: 'timeout'
  },
  {
    pattern: /\b(500|502|503|504) (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)/i,
    transient: 'registry server error'
  },
  { pattern: /\b429 Too Many Requests|toomanyrequests/i, transient: 'registry rate limit (429)' },
  {
    pattern: /failed to (push|fetch|copy|do request).*(EOF|reset|refused|timeout)/i,
    transient: 'network failure during push/pull'
  },
  {
    pattern: /error reading from server|transport is closing|failed to dial gRPC|connection error: desc/i,
    transient: 'builder connection lost'
  },
  {
    pattern: /error while booting|failed to bootstrap|timeout waiting for buildkitd/i,
    transient: 'builder start-up failed'
  }
]

/**
 * What an emulated process prints when QEMU itself fails it: known emulator bugs end in a segmentation
 * fault or an illegal instruction (`qemu: uncaught target signal 11 (Segmentation fault)`), a missing or
 * broken handler in `exec format error`. Matched against the output of a failed step that ran under
 * emulation (see run/timings.ts), not against the whole build output: natively the same words are the
 * program's own bug.
 */
export const QEMU_CRASH =
  /segmentation fault|illegal instruction|exec format error|qemu: uncaught target signal/i

/** For a build step that failed under emulation with one of the QEMU_CRASH messages. */
export function emulatorCrashHint(platform: string, step: string): Hint {
  return {
    title: `Emulator crash on ${platform}`,
    message:
      `${step} failed under QEMU emulation for ${platform} with an error typical of emulator bugs. Pin or ` +
      'update the emulator (qemu-image: a newer tonistiigi/binfmt release, or qemu: package for the ' +
      "runner's own QEMU), or cross-compile that step (FROM --platform=$BUILDPLATFORM, see docs/performance.md)."
  }
}

/** When most of the build's time went into RUN steps under emulation. */
export function crossCompileHint(platforms: readonly string[], emulatedSeconds: number, share: number): Hint {
  return {
    title: 'Emulated RUN steps dominate the build',
    message:
      `RUN steps under QEMU emulation (${platforms.join(', ')}) took ${emulatedSeconds.toFixed(1)} s, ` +
      `${Math.round(share * 100)}% of the build's step time. Cross-compiling is usually several times ` +
      'faster: run the toolchain in a FROM --platform=$BUILDPLATFORM stage and build for TARGETOS/' +
      'TARGETARCH (example in docs/performance.md).'
  }
}

/** Why the failure looks transient, or undefined when it must not be retried. */
export function transientReason(output: string): string | undefined {
  const matching = FAILURES.filter(f => f.pattern.test(output))
  if (matching.some(f => f.transient === false)) return undefined
  return matching.find(f => f.transient !== false)?.transient || undefined
}

/** The hints for every known failure the output shows, worded for what the inputs set. */
export function hintsFor(output: string, context: HintContext = NOTHING_SET): Hint[] {
  return FAILURES.flatMap(f => {
    if (!f.hint || !f.pattern.test(output)) return []
    const hint = typeof f.hint === 'function' ? f.hint(context, output) : f.hint
    return hint ? [hint] : []
  })
}

/** A command's output (stderr, then stdout); for anything else its message. */
export function failureOutput(error: unknown): string | undefined {
  return error instanceof CommandError ? `${error.stderr}\n${error.stdout}` : undefined
}

/** The retry classifier for buildx commands: a command whose output shows a transient failure. */
export function buildxFailureReason(error: unknown): string | undefined {
  const output = failureOutput(error)
  return output === undefined ? undefined : transientReason(output)
}
