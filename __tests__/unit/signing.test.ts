/**
 * Signing with cosign: the argv from pure functions (table cases), which cosign runs (the runner's, or the
 * pinned release downloaded and checked against its checksums), the sign inputs and their rules, and the
 * signing phase's commands against a fake runner: the key in a private file, its password only in the
 * environment, each repository signed once and the index and every platform manifest verified.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { signArgs, verifyArgs, verifyCommand } from '../../src/cosign/cosign.js'
import {
  COSIGN_VERSION,
  cosignAsset,
  findCosign,
  parseCosignVersion
} from '../../src/cosign/cosign-install.js'
import { identityToken, signerIdentity, tokenClaims } from '../../src/cosign/identity.js'
import { runnerDirs } from '../../src/buildx/install.js'
import { readInputs } from '../../src/inputs/inputs.js'
import { InputError } from '../../src/inputs/table.js'
import { signImage } from '../../src/cosign/sign-image.js'
import { FileServer } from '../file-server.js'
import { recordingLog } from '../install-log.js'
import { WORKSPACE } from './defaults.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner, type Call } from './fake-runner.js'

const KEY = [
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
  'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9fQ==',
  'c2lnbmluZy1rZXktbGluZS10d28=',
  '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----',
  ''
].join('\n')
const PUB = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n'
const HTTP = { plainHttp: true, insecure: false, caFile: '' }
const HOST = { platform: 'linux', arch: 'x64', armVersion: '' }
const SIGN_WITH_KEY = { sign: 'key' as const, signKey: KEY, signSigningConfig: '', signTrustedRoot: '' }
const noToken = (): Promise<string> => Promise.reject(new Error('no token service in this test'))
const CA = { plainHttp: false, insecure: false, caFile: '/run/ca.pem' }

describe('cosign argv', () => {
  const key = { keyFile: '/k' }
  const ownInstance = { signingConfig: '/run/signing_config.json', trustedRoot: '/run/trusted_root.json' }
  it.each<[string, Parameters<typeof signArgs>[0], string[]]>([
    [
      'a key, HTTP registry, no transparency log',
      { signer: key, reference: 'r:5000/a@sha256:1', registry: HTTP, transparencyLog: false },
      [
        'sign',
        '--yes',
        '--key',
        '/k',
        '--use-signing-config=false',
        '--tlog-upload=false',
        '--recursive',
        '--allow-http-registry',
        'r:5000/a@sha256:1'
      ]
    ],
    [
      'a key, private CA, public log',
      { signer: key, reference: 'r/a@sha256:1', registry: CA, transparencyLog: true },
      ['sign', '--yes', '--key', '/k', '--recursive', '--registry-cacert', '/run/ca.pem', 'r/a@sha256:1']
    ],
    [
      'a key, unverified HTTPS',
      {
        signer: key,
        reference: 'r/a@sha256:1',
        registry: { ...HTTP, plainHttp: false, insecure: true },
        transparencyLog: true
      },
      ['sign', '--yes', '--key', '/k', '--recursive', '--allow-insecure-registry', 'r/a@sha256:1']
    ],
    [
      "keyless with sigstore's public instance: no key, no token in argv",
      {
        signer: { signingConfig: '', trustedRoot: '' },
        reference: 'r/a@sha256:1',
        registry: CA,
        transparencyLog: true
      },
      ['sign', '--yes', '--recursive', '--registry-cacert', '/run/ca.pem', 'r/a@sha256:1']
    ],
    [
      'keyless with your own instance',
      { signer: ownInstance, reference: 'r/a@sha256:1', registry: HTTP, transparencyLog: true },
      [
        'sign',
        '--yes',
        '--signing-config',
        '/run/signing_config.json',
        '--trusted-root',
        '/run/trusted_root.json',
        '--recursive',
        '--allow-http-registry',
        'r/a@sha256:1'
      ]
    ]
  ])('sign: %s', (_, options, argv) => {
    expect(signArgs(options)).toEqual(argv)
  })

  it('verify: the public key, or the identity and issuer the certificate must name; the log ignored only when none was written', () => {
    expect(
      verifyArgs({
        verifier: { publicKeyFile: '/p' },
        reference: 'r/a@sha256:1',
        registry: CA,
        transparencyLog: false
      })
    ).toEqual([
      'verify',
      '--key',
      '/p',
      '--insecure-ignore-tlog=true',
      '--registry-cacert',
      '/run/ca.pem',
      'r/a@sha256:1'
    ])
    expect(
      verifyArgs({
        verifier: { publicKeyFile: '/p' },
        reference: 'r/a@sha256:1',
        registry: HTTP,
        transparencyLog: true
      })
    ).toEqual(['verify', '--key', '/p', '--allow-http-registry', 'r/a@sha256:1'])
    const identity = 'https://github.com/o/r/.github/workflows/image.yml@refs/heads/main'
    const keyless = {
      identity,
      issuer: 'https://token.actions.githubusercontent.com',
      trustedRoot: '/run/trusted_root.json'
    }
    expect(
      verifyArgs({ verifier: keyless, reference: 'r/a@sha256:1', registry: HTTP, transparencyLog: true })
    ).toEqual([
      'verify',
      '--certificate-identity',
      identity,
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--trusted-root',
      '/run/trusted_root.json',
      '--allow-http-registry',
      'r/a@sha256:1'
    ])
  })

  it('the command for users names cosign.pub, CA.pem and trusted_root.json, quoted for a shell where needed', () => {
    expect(
      verifyCommand({
        verifier: { publicKeyFile: '/run/x.pub' },
        reference: 'r/a@sha256:1',
        registry: CA,
        transparencyLog: false
      })
    ).toBe('cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert CA.pem r/a@sha256:1')
    expect(
      verifyCommand({
        verifier: {
          identity: "it's me@example.com",
          issuer: 'https://issuer.example',
          trustedRoot: '/run/t.json'
        },
        reference: 'r/a@sha256:1',
        registry: HTTP,
        transparencyLog: true
      })
    ).toBe(
      "cosign verify --certificate-identity 'it'\\''s me@example.com' --certificate-oidc-issuer https://issuer.example --trusted-root trusted_root.json --allow-http-registry r/a@sha256:1"
    )
  })
})

describe('which cosign', () => {
  it.each<[string, string | undefined]>([
    ['{"gitVersion":"v3.1.1","platform":"linux/amd64"}', '3.1.1'],
    ['{"gitVersion":"devel"}', 'devel'],
    ['{"gitVersion":"v2.4.0-rc.1"}', '2.4.0'],
    ['not json', undefined],
    ['{"version":"3"}', undefined]
  ])('cosign version --json %s -> %s', (output, version) => {
    expect(parseCosignVersion(output)).toBe(version)
  })

  it.each([
    ['x64', 'cosign-linux-amd64'],
    ['arm64', 'cosign-linux-arm64'],
    ['ppc64', 'cosign-linux-ppc64le'],
    ['s390x', 'cosign-linux-s390x']
  ])('release asset for %s: %s', (arch, asset) => {
    expect(cosignAsset('linux', arch)).toBe(asset)
  })

  it('has no release for other systems, and says what to do', () => {
    expect(() => cosignAsset('darwin', 'arm64')).toThrow(
      /no release for this runner \(darwin\/arm64\); put a cosign 3 on PATH/
    )
  })

  const server = new FileServer()
  const binary = Buffer.from('#!/bin/sh\necho cosign\n')
  const sum = createHash('sha256').update(binary).digest('hex')
  const base = `/v${COSIGN_VERSION}`
  const savedEnv = { ...process.env }
  let dir = ''
  beforeAll(() => server.start())
  afterAll(() => server.stop())
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cosign-install-'))
    process.env.RUNNER_TOOL_CACHE = path.join(dir, 'cache')
    process.env.RUNNER_TEMP = path.join(dir, 'temp')
    fs.mkdirSync(process.env.RUNNER_TEMP, { recursive: true })
    server.files.clear()
    server.files.set(`${base}/cosign-linux-amd64`, { status: 200, body: binary })
  })
  afterEach(() => {
    process.env = { ...savedEnv }
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const find = (version: string | undefined): ReturnType<typeof findCosign> =>
    findCosign({
      runner: new FakeRunner().on(
        call => call.command === 'cosign',
        version === undefined
          ? { exitCode: 127, stderr: 'not found' }
          : { stdout: JSON.stringify({ gitVersion: version }) }
      ),
      log: recordingLog(),
      dirs: runnerDirs(process.env),
      platform: 'linux',
      arch: 'x64',
      releases: server.url('')
    })

  it.each(['v3.1.1', 'v3.0.0', 'devel'])("uses the runner's cosign %s", async version => {
    expect(await find(version)).toBe('cosign')
    expect(server.requests).toEqual([])
  })

  it.each([undefined, 'v2.5.0'])(
    'runner cosign %s: downloads the pinned release, checked, into the tool cache',
    async version => {
      server.files.set(`${base}/cosign_checksums.txt`, {
        status: 200,
        body: `${sum}  cosign-linux-amd64\n${'0'.repeat(64)}  cosign-linux-arm64\n`
      })
      const cosign = await find(version)
      expect(cosign).toBe(path.join(dir, 'cache', 'cosign', COSIGN_VERSION, 'x64', 'cosign'))
      expect(fs.readFileSync(cosign)).toEqual(binary)
      expect(fs.statSync(cosign).mode & 0o111).not.toBe(0)
      expect(fs.readdirSync(process.env.RUNNER_TEMP ?? '')).toEqual([])
      // a second job on this runner takes it from the tool cache
      server.requests.length = 0
      expect(await find(undefined)).toBe(cosign)
      expect(server.requests).toEqual([])
    }
  )

  it('a binary whose sha256 is not the published one is not installed', async () => {
    server.files.set(`${base}/cosign_checksums.txt`, {
      status: 200,
      body: `${'1'.repeat(64)}  cosign-linux-amd64\n`
    })
    await expect(find(undefined)).rejects.toThrow(
      /Checksum mismatch for cosign downloaded from .*nothing was installed/
    )
    expect(fs.existsSync(path.join(dir, 'cache', 'cosign'))).toBe(false)
  })
})

describe('sign inputs', () => {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-inputs-'))
  fs.writeFileSync(path.join(keyDir, 'cosign.key'), KEY)
  const read = (values: Record<string, string>): ReturnType<typeof readInputs> =>
    readInputs(name => ({ tags: 'r.example.com/a:1', ...values })[name] ?? '', WORKSPACE)
  const problems = (values: Record<string, string>): string[] => {
    try {
      read(values)
      return []
    } catch (error) {
      if (error instanceof InputError) return [...error.problems]
      throw error
    }
  }

  it('off by default; the key as text or as a path; the log on by default', () => {
    expect(read({})).toMatchObject({ sign: 'false', signKey: '', signTransparencyLog: true })
    expect(read({ sign: 'key', 'sign-key': KEY, 'sign-key-password': 'pw' })).toMatchObject({
      sign: 'key',
      signKey: KEY,
      signKeyPassword: 'pw'
    })
    expect(
      read({ sign: 'KEY', 'sign-key': path.join(keyDir, 'cosign.key'), 'sign-transparency-log': 'false' })
    ).toMatchObject({
      sign: 'key',
      signKey: KEY,
      signTransparencyLog: false
    })
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an unknown mode',
      { sign: 'keyfull' },
      /^sign: "keyfull" is not a way to sign; use false, key or keyless$/
    ],
    ['key without a key', { sign: 'key' }, /^sign: key needs the private key in the sign-key input/],
    [
      'a key without sign',
      { 'sign-key': KEY },
      /^sign-key: is given but sign is false; set sign: key to sign$/
    ],
    [
      'signing without a push',
      { sign: 'key', 'sign-key': KEY, push: 'false' },
      /^sign: key signs the pushed image, and push is false/
    ],
    ['a public key', { sign: 'key', 'sign-key': PUB }, /^sign-key: is not a private key PEM/],
    [
      'a missing file',
      { sign: 'key', 'sign-key': 'no/cosign.key' },
      /^sign-key: cannot read "no\/cosign.key" \(ENOENT/
    ]
  ])('refuses %s', (_, values, problem) => {
    const found = problems(values)
    expect(found).toEqual([expect.stringMatching(problem)])
    expect(found.join('\n')).not.toContain('eyJrZGYi')
  })
})

describe('signImage', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-work-'))
  const digest = `sha256:${'a'.repeat(64)}`
  const platforms = { 'linux/amd64': `sha256:${'b'.repeat(64)}`, 'linux/arm64': `sha256:${'c'.repeat(64)}` }
  const caFile = path.join(work, 'registry-ca.pem')
  fs.writeFileSync(caFile, 'CA PEM\n')
  const config = { registry: { 'r.example.com:5443': { ca: [caFile] }, '127.0.0.1:5000': { http: true } } }

  const sign = async (runner: FakeRunner): Promise<string> =>
    signImage({
      deps: { reporter: new FakeReporter(), env: {}, host: HOST, idToken: noToken },
      inputs: {
        ...SIGN_WITH_KEY,
        tags: [
          'r.example.com:5443/team/app:1',
          'r.example.com:5443/team/app:latest',
          '127.0.0.1:5000/mirror/app:1'
        ],
        signKey: KEY,
        signKeyPassword: 'key-password',
        signTransparencyLog: false
      },
      access: { config, runner },
      digest,
      platforms,
      work
    })

  const cosign = (): FakeRunner =>
    new FakeRunner()
      .on(call => call.args[0] === 'version', { stdout: '{"gitVersion":"v3.1.1"}' })
      .on(call => call.args[0] === 'public-key', { stdout: PUB })

  it('signs each repository once, verifies the index and every platform manifest, key and password kept out of argv', async () => {
    const runner = cosign()
    const command = await sign(runner)
    const lines = runner.lines()
    const keyFile = path.join(work, 'signing', 'cosign.key')
    const ca = path.join(work, 'signing', 'ca-r.example.com_5443.pem')
    expect(lines).toEqual([
      'cosign version --json',
      `cosign public-key --key ${keyFile}`,
      `cosign sign --yes --key ${keyFile} --use-signing-config=false --tlog-upload=false --recursive --registry-cacert ${ca} r.example.com:5443/team/app@${digest}`,
      ...[digest, ...Object.values(platforms)].map(
        d =>
          `cosign verify --key ${path.join(work, 'signing', 'cosign.pub')} --insecure-ignore-tlog=true --registry-cacert ${ca} r.example.com:5443/team/app@${d}`
      ),
      `cosign sign --yes --key ${keyFile} --use-signing-config=false --tlog-upload=false --recursive --allow-http-registry 127.0.0.1:5000/mirror/app@${digest}`,
      ...[digest, ...Object.values(platforms)].map(
        d =>
          `cosign verify --key ${path.join(work, 'signing', 'cosign.pub')} --insecure-ignore-tlog=true --allow-http-registry 127.0.0.1:5000/mirror/app@${d}`
      )
    ])
    expect(lines.join('\n')).not.toContain('key-password')
    // (not the version probe: cosign learns the password only for what needs it)
    for (const call of runner.calls.slice(1)) expect(call.options.env?.COSIGN_PASSWORD).toBe('key-password')
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(KEY)
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(ca, 'utf8')).toBe('CA PEM\n')
    expect(command).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true --registry-cacert CA.pem r.example.com:5443/team/app@${digest}`
    )
  })

  it('a wrong key password fails at the public key, before anything is signed', async () => {
    const failing = new FakeRunner()
      .on(call => call.args[0] === 'version', { stdout: '{"gitVersion":"v3.1.1"}' })
      .on(call => call.args[0] === 'public-key', {
        exitCode: 1,
        stderr: 'Error: reading private key: decrypt: encrypted: decryption failed'
      })
    await expect(sign(failing)).rejects.toThrow(
      /cosign public-key \(is sign-key-password the password of sign-key\?\) failed \(exit code 1\):\nError: reading private key/
    )
    expect(failing.calls.map((c: Call) => c.args[0])).toEqual(['version', 'public-key'])
  })
})

describe('the key password', () => {
  it('comes from sign-key-password, else from COSIGN_PASSWORD in the job, never a prompt', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-password-'))
    const passwordOf = async (input: string, env: NodeJS.ProcessEnv): Promise<string | undefined> => {
      const runner = new FakeRunner()
        .on(call => call.args[0] === 'version', { stdout: '{"gitVersion":"v3.1.1"}' })
        .on(call => call.args[0] === 'public-key', { stdout: PUB })
      await signImage({
        deps: { reporter: new FakeReporter(), env, host: HOST, idToken: noToken },
        inputs: {
          ...SIGN_WITH_KEY,
          tags: ['127.0.0.1:5000/a:1'],
          signKey: KEY,
          signKeyPassword: input,
          signTransparencyLog: false
        },
        access: { config: {}, runner },
        digest: `sha256:${'a'.repeat(64)}`,
        platforms: {},
        work
      })
      return runner.calls[1]?.options.env?.COSIGN_PASSWORD
    }
    expect(await passwordOf('from-input', { COSIGN_PASSWORD: 'from-env' })).toBe('from-input')
    expect(await passwordOf('', { COSIGN_PASSWORD: 'from-env' })).toBe('from-env')
    expect(await passwordOf('', {})).toBe('')
  })
})

const jwt = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`

describe('keyless identity', () => {
  it.each<[string, Record<string, unknown>, { identity: string; issuer: string }]>([
    [
      "GitHub: the workflow that ran (a reusable workflow's own ref)",
      {
        iss: 'https://token.actions.githubusercontent.com',
        sub: 'repo:o/r:ref:refs/heads/main',
        job_workflow_ref: 'o/shared/.github/workflows/multiarch.yml@refs/tags/v1'
      },
      {
        identity: 'https://github.com/o/shared/.github/workflows/multiarch.yml@refs/tags/v1',
        issuer: 'https://token.actions.githubusercontent.com'
      }
    ],
    [
      'GitLab: the CI config',
      {
        iss: 'https://gitlab.com',
        sub: 'project_path:g/p:ref_type:branch:ref:main',
        ci_config_ref_uri: 'gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main'
      },
      { identity: 'https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main', issuer: 'https://gitlab.com' }
    ],
    [
      'a verified email',
      { iss: 'https://issuer.example', sub: '1234', email: 'ci@example.com', email_verified: true },
      { identity: 'ci@example.com', issuer: 'https://issuer.example' }
    ],
    [
      'an unverified email: the subject',
      { iss: 'https://issuer.example', sub: 'spiffe://ci/runner', email: 'ci@example.com' },
      { identity: 'spiffe://ci/runner', issuer: 'https://issuer.example' }
    ]
  ])('%s', (_, claims, expected) => {
    expect(signerIdentity(tokenClaims(jwt(claims)))).toEqual(expected)
  })

  it.each([
    ['not a JWT', 'abc', /not a JWT \(no payload\)/],
    ['no issuer', jwt({ sub: 'x' }), /names no issuer/],
    ['no subject', jwt({ iss: 'https://i' }), /names no subject/]
  ])('refuses a token with %s', (_, token, problem) => {
    expect(() => signerIdentity(tokenClaims(token))).toThrow(problem)
  })

  it("the token: SIGSTORE_ID_TOKEN first, else GitHub's for the audience sigstore, else says what the job needs", async () => {
    const audiences: string[] = []
    const request = (audience: string): Promise<string> => {
      audiences.push(audience)
      return Promise.resolve('from-github')
    }
    const github = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
    }
    expect(await identityToken({ ...github, SIGSTORE_ID_TOKEN: 'given' }, request)).toBe('given')
    expect(await identityToken(github, request)).toBe('from-github')
    expect(audiences).toEqual(['sigstore'])
    await expect(identityToken({}, request)).rejects.toThrow(
      /^sign: keyless needs the job's OIDC identity: on GitHub give the job "permissions: id-token: write"; on GitLab define id_tokens: SIGSTORE_ID_TOKEN/
    )
  })
})

describe('signImage keyless', () => {
  it('the token only in SIGSTORE_ID_TOKEN (masked), no key; verified against the identity the certificate names', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-keyless-'))
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      job_workflow_ref: 'o/r/.github/workflows/i.yml@refs/heads/main'
    })
    const reporter = new FakeReporter()
    const runner = new FakeRunner().on(call => call.args[0] === 'version', {
      stdout: '{"gitVersion":"v3.1.1"}'
    })
    const trustedRoot = '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}'
    const digest = `sha256:${'a'.repeat(64)}`
    const command = await signImage({
      deps: {
        reporter,
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
        host: HOST,
        idToken: () => Promise.resolve(token)
      },
      inputs: {
        tags: ['127.0.0.1:5000/a:1'],
        sign: 'keyless',
        signKey: '',
        signKeyPassword: '',
        signTransparencyLog: true,
        signSigningConfig: '',
        signTrustedRoot: trustedRoot
      },
      access: { config: {}, runner },
      digest,
      platforms: {},
      work
    })
    const identity = 'https://github.com/o/r/.github/workflows/i.yml@refs/heads/main'
    const rootFile = path.join(work, 'signing', 'trusted_root.json')
    expect(runner.lines()).toEqual([
      'cosign version --json',
      `cosign sign --yes --trusted-root ${rootFile} --recursive --allow-http-registry 127.0.0.1:5000/a@${digest}`,
      `cosign verify --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root ${rootFile} --allow-http-registry 127.0.0.1:5000/a@${digest}`
    ])
    expect(runner.lines().join('\n')).not.toContain(token)
    for (const call of runner.calls.slice(1)) expect(call.options.env?.SIGSTORE_ID_TOKEN).toBe(token)
    expect(reporter.masked).toContain(token)
    expect(fs.readFileSync(rootFile, 'utf8')).toBe(trustedRoot)
    expect(command).toBe(
      `cosign verify --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json --allow-http-registry 127.0.0.1:5000/a@${digest}`
    )
  })
})

describe('keyless inputs', () => {
  const withToken = { SIGSTORE_ID_TOKEN: 'a.b.c' }
  const read = (
    values: Record<string, string>,
    env: NodeJS.ProcessEnv = withToken
  ): ReturnType<typeof readInputs> =>
    readInputs(name => ({ tags: 'r.example.com/a:1', ...values })[name] ?? '', WORKSPACE, env)
  const problemsOf = (values: Record<string, string>, env: NodeJS.ProcessEnv = withToken): string[] => {
    try {
      read(values, env)
      return []
    } catch (error) {
      if (error instanceof InputError) return [...error.problems]
      throw error
    }
  }
  const root = '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[]}'
  const config = '{"mediaType":"application/vnd.dev.sigstore.signingconfig.v0.2+json"}'

  it('keyless needs no key; your own instance as JSON text or a path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyless-inputs-'))
    fs.writeFileSync(path.join(dir, 'trusted_root.json'), root)
    expect(read({ sign: 'keyless' })).toMatchObject({
      sign: 'keyless',
      signSigningConfig: '',
      signTrustedRoot: ''
    })
    expect(
      read({
        sign: 'keyless',
        'sign-signing-config': config,
        'sign-trusted-root': path.join(dir, 'trusted_root.json')
      })
    ).toMatchObject({ signSigningConfig: config, signTrustedRoot: root })
  })

  it('keyless in a job that can have no identity token: refused before anything runs, saying what it needs', () => {
    expect(problemsOf({ sign: 'keyless' }, {})).toEqual([
      expect.stringMatching(
        /^sign: keyless needs the job's OIDC identity: on GitHub give the job "permissions: id-token: write"/
      )
    ])
    const github = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
    }
    expect(problemsOf({ sign: 'keyless' }, github)).toEqual([])
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a key with keyless',
      { sign: 'keyless', 'sign-key': KEY },
      /^sign-key: is given, but keyless signs with the job's identity/
    ],
    [
      'a trusted root without keyless',
      { 'sign-trusted-root': root },
      /^sign-trusted-root: is for sign: keyless with your own sigstore instance/
    ],
    [
      'a signing config that is a trusted root',
      { sign: 'keyless', 'sign-signing-config': root },
      /^sign-signing-config: is not a sigstore signing config/
    ],
    [
      'a trusted root that is not JSON',
      { sign: 'keyless', 'sign-trusted-root': '{ nope' },
      /^sign-trusted-root: is not JSON/
    ],
    [
      'keyless without a push',
      { sign: 'keyless', push: 'false' },
      /^sign: keyless signs the pushed image, and push is false/
    ]
  ])('refuses %s', (_, values, problem) => {
    expect(problemsOf(values)).toEqual([expect.stringMatching(problem)])
  })
})
