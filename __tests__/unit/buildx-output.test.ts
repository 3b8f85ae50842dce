/** The one table of known buildx failures: which are worth another attempt, and the hint for each. */
import { describe, expect, it } from '@jest/globals'
import { buildxFailureReason, hintsFor, transientReason, type HintContext } from '../../src/buildx/output.js'
import { CommandError } from '../../src/core/runner.js'

describe('transientReason', () => {
  it.each<[string, string | undefined]>([
    [
      'ERROR: failed to solve: failed to push 127.0.0.1:5999/e2e/x:1: failed to do request: Head "http://127.0.0.1:5999/v2/e2e/x/blobs/sha256:ab": dial tcp 127.0.0.1:5999: connect: connection refused',
      'connection refused'
    ],
    ['read tcp 10.0.0.2:443: read: connection reset by peer', 'connection reset'],
    ['failed to copy: httpReadSeeker: failed open: unexpected EOF', 'connection dropped'],
    ['net/http: TLS handshake timeout', 'timeout'],
    ['dial tcp 1.2.3.4:443: i/o timeout', 'timeout'],
    [
      'unexpected status from PUT request to https://r/v2/x/manifests/1: 503 Service Unavailable',
      'registry server error'
    ],
    ['unexpected status: 502 Bad Gateway', 'registry server error'],
    ['toomanyrequests: You have reached your pull rate limit', 'registry rate limit (429)'],
    ['ERROR: error while booting: timeout waiting for buildkitd', 'builder start-up failed'],
    // never retried: the build itself failed
    ['ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1', undefined],
    ['dockerfile parse error on line 3: unknown instruction: RUNN', undefined],
    ['failed to compute cache key: "/app" not found', undefined],
    ['x509: certificate signed by unknown authority', undefined],
    ['dial tcp: lookup registry.corp on 127.0.0.53:53: no such host', undefined],
    ['server message: insufficient_scope: authorization failed', undefined],
    ['did not complete successfully: exit code: 1 ... connection refused', undefined],
    ['something else entirely', undefined]
  ])('%s', (output, expected) => {
    expect(transientReason(output)).toBe(expected)
  })
})

describe('hintsFor', () => {
  it.each<[string, string[]]>([
    ['x509: certificate signed by unknown authority', ['Registry certificate not trusted']],
    ['tls: failed to verify certificate: x509', ['Registry certificate not trusted']],
    ['http: server gave HTTP response to HTTPS client', ['Registry speaks plain HTTP']],
    [
      'dial tcp: lookup registry.corp on 127.0.0.53:53: no such host',
      ['Registry name not resolvable from the builder']
    ],
    [
      'ERROR: multiple platforms feature is currently not supported for docker driver',
      ['Builder cannot build several platforms']
    ],
    ['exec /bin/sh: exec format error', ['Emulator missing for a platform']],
    ['failed to authorize: 401 Unauthorized', ['Registry refused the credentials']],
    ['denied: requested access to the resource is denied', ['Registry refused the credentials']],
    ['connection refused', []],
    ['something else entirely', []]
  ])('%s', (output, titles) => {
    expect(hintsFor(output).map(h => h.title)).toEqual(titles)
  })

  it('every hint names an input or a way to fix it', () => {
    const all = hintsFor(
      'certificate signed by unknown authority server gave HTTP response to HTTPS client no such host ' +
        'multiple platforms feature is currently not supported for docker driver exec format error 401 Unauthorized'
    )
    expect(all).toHaveLength(6)
    for (const hint of all)
      expect(hint.message).toMatch(/ca-certs|insecure-registries|host-network|qemu|username|builder/)
  })
})

describe('hintsFor, worded for what the inputs set', () => {
  const NONE: HintContext = { loginRegistry: '', retries: 2, insecureRegistries: [] }
  const over = (context: Partial<HintContext>, output: string): string[] =>
    hintsFor(output, { ...NONE, ...context }).map(h => h.message)

  it('a refused login names the registry and the password, never asks to set what was set', () => {
    const output = 'failed to authorize: failed to fetch oauth token: 401 Unauthorized'
    const [withLogin] = over({ loginRegistry: 'r.example.com:5444' }, output)
    expect(withLogin).toMatch(/check the password \(or token\) and username for r\.example\.com:5444/)
    expect(withLogin).not.toMatch(/set the registry, username and password inputs/)
    expect(over({}, output)[0]).toMatch(/set the registry, username and password inputs/)
  })

  it('an HTTPS registry BuildKit talked HTTP to (400 Bad Request): ca-certs or insecure-registries, by host', () => {
    const output =
      'ERROR: failed to solve: failed to push 127.0.0.1:5443/e2e/x:1: failed to do request: Head "http://127.0.0.1:5443/v2/e2e/x/blobs/sha256:ab": unexpected status from HEAD request to http://127.0.0.1:5443/v2/e2e/x/blobs/sha256:ab: 400 Bad Request'
    expect(hintsFor(output).map(h => h.title)).toEqual(['HTTPS registry reached over HTTP'])
    const [plain] = over({}, output)
    expect(plain).toMatch(/127\.0\.0\.1:5443.*ca-certs \(127\.0\.0\.1:5443=PEM.*insecure-registries/)
    const [listed] = over({ insecureRegistries: ['127.0.0.1:5443'] }, output)
    expect(listed).toMatch(/insecure-registries lists 127\.0\.0\.1:5443 as plain HTTP/)
    expect(transientReason(output)).toBeUndefined()
  })

  it.each([
    'ERROR: failed to solve: rpc error: code = Unavailable desc = error reading from server: EOF',
    'ERROR: rpc error: code = Unavailable desc = connection error: desc = "transport: read: connection reset by peer"',
    'Error response from daemon: No such container: buildx_buildkit_multiarch-1-abc0'
  ])(
    'a builder lost during the build: retried, and with retries 0 a hint suggesting retries (%s)',
    output => {
      expect(transientReason(output)).toBe('builder connection lost')
      expect(over({ retries: 0 }, output)).toEqual([expect.stringMatching(/builder.*retries: 2/)])
      expect(over({ retries: 2 }, output)).toEqual([])
    }
  )
})

describe('buildxFailureReason', () => {
  it('classifies a command error by its stderr and stdout', () => {
    const error = new CommandError('docker', ['buildx', 'build'], {
      exitCode: 1,
      stdout: 'read: connection reset by peer',
      stderr: ''
    })
    expect(buildxFailureReason(error)).toBe('connection reset')
  })

  it('never retries anything but a command error', () => {
    expect(buildxFailureReason(new Error('connection refused'))).toBeUndefined()
  })
})

describe('the untrusted-certificate hint', () => {
  it.each([
    [
      'ERROR: failed to solve: failed to do request: Head "https://registry.e2e.test:5443/v2/e2e/app/blobs/sha256:ab": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      'BuildKit does not trust the certificate of registry.e2e.test:5443. Give its CA with the ca-certs input (registry.e2e.test:5443=PEM or a path), or list registry.e2e.test:5443 in insecure-registries to skip verification.'
    ],
    [
      'x509: certificate signed by unknown authority',
      'BuildKit does not trust the registry certificate. Give its CA with the ca-certs input (host:port=PEM or a path), or list the registry in insecure-registries to skip verification.'
    ]
  ])('names the registry when the output does: %s', (output, message) => {
    expect(hintsFor(output).map(h => h.message)).toEqual([message])
  })
})
