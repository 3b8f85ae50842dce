import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, isAbsolute, join, relative } from 'node:path'
import {
  parseCaCertsInput,
  readCaCerts,
  validateCertificatePem,
  writeCaFiles
} from '../../src/buildkitd/certificates.js'
import type { CaCertEntry } from '../../src/buildkitd/certificates.js'

let tmp = ''
/** Self-signed CA 'test-ca'. */
let caPem = ''
let caFile = ''
let caKeyPem = ''
let caKeyFile = ''
/** Intermediate 'test-intermediate' signed by test-ca, followed by test-ca: a two-certificate chain. */
let chainPem = ''
let chainFile = ''
/** A second, unrelated self-signed CA 'other-ca'. */
let otherPem = ''

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' })
}

function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(tmp, `${name}.crt`)
  const key = join(tmp, `${name}.key`)
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    key,
    '-out',
    cert
  )
  return { cert, key }
}

/** The base64 body lines of a PEM text (the secret part of a key). */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter(line => line !== '' && !line.startsWith('-----'))
}

function errorMessage(action: () => unknown): string {
  try {
    action()
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  throw new Error('expected an error')
}

async function asyncErrorMessage(action: () => Promise<unknown>): Promise<string> {
  try {
    await action()
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  throw new Error('expected an error')
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'certificates-test-'))
  const ca = selfSigned('test-ca')
  caFile = ca.cert
  caKeyFile = ca.key
  caPem = readFileSync(ca.cert, 'utf8')
  caKeyPem = readFileSync(ca.key, 'utf8')
  otherPem = readFileSync(selfSigned('other-ca').cert, 'utf8')

  const intermediateKey = join(tmp, 'intermediate.key')
  const intermediateCsr = join(tmp, 'intermediate.csr')
  const intermediateCert = join(tmp, 'intermediate.crt')
  openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=test-intermediate',
    '-keyout',
    intermediateKey,
    '-out',
    intermediateCsr
  )
  openssl(
    'x509',
    '-req',
    '-in',
    intermediateCsr,
    '-CA',
    caFile,
    '-CAkey',
    caKeyFile,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    intermediateCert
  )
  chainPem = readFileSync(intermediateCert, 'utf8') + caPem
  chainFile = join(tmp, 'chain.pem')
  writeFileSync(chainFile, chainPem)
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('parseCaCertsInput', () => {
  it('parses a file path entry', () => {
    expect(parseCaCertsInput('registry.corp:5000=/etc/ssl/corp.crt')).toEqual([
      { host: 'registry.corp:5000', source: 'file', value: '/etc/ssl/corp.crt' }
    ])
  })

  it('returns nothing for an empty or blank input', () => {
    expect(parseCaCertsInput('')).toEqual([])
    expect(parseCaCertsInput('\n  \n\r\n')).toEqual([])
  })

  it('parses a PEM entry spanning lines between path entries', () => {
    const text = [
      'a.corp=/certs/a.crt',
      '',
      `Localhost:5443=${caPem.trim()}`,
      'b.corp:443=./relative/b.crt',
      `[::1]:5000=${chainPem.trim()}`,
      '',
      'c.corp=/path/with=equals.crt'
    ].join('\n')
    expect(parseCaCertsInput(text)).toEqual([
      { host: 'a.corp', source: 'file', value: '/certs/a.crt' },
      { host: 'localhost:5443', source: 'pem', value: caPem },
      { host: 'b.corp:443', source: 'file', value: './relative/b.crt' },
      { host: '[::1]:5000', source: 'pem', value: chainPem },
      { host: 'c.corp', source: 'file', value: '/path/with=equals.crt' }
    ])
  })

  it('normalizes Windows line endings, trailing spaces and indentation', () => {
    const text =
      `  registry.corp=${caPem.trim()}`.split('\n').join('   \r\n    ') + '\r\n\r\nx.corp=/x.crt  \r\n'
    expect(parseCaCertsInput(text)).toEqual([
      { host: 'registry.corp', source: 'pem', value: caPem },
      { host: 'x.corp', source: 'file', value: '/x.crt' }
    ])
  })

  it('keeps lines with "=" inside a PEM block (base64 padding) as part of the PEM', () => {
    const text =
      'registry.corp=-----BEGIN CERTIFICATE-----\nabc=\nhost.corp=x\n-----END CERTIFICATE-----\nnext.corp=/n.crt'
    expect(parseCaCertsInput(text)).toEqual([
      {
        host: 'registry.corp',
        source: 'pem',
        value: '-----BEGIN CERTIFICATE-----\nabc=\nhost.corp=x\n-----END CERTIFICATE-----\n'
      },
      { host: 'next.corp', source: 'file', value: '/n.crt' }
    ])
  })

  it('keeps blank lines between the certificates of a chain', () => {
    const [first = '', second = ''] = chainPem.split(/(?<=-----END CERTIFICATE-----\n)/)
    const parsed = parseCaCertsInput(`registry.corp=${first}\n\n${second}`)
    expect(parsed).toHaveLength(1)
    expect(
      validateCertificatePem(parsed[0]?.value ?? '', { input: 'ca-certs', host: 'registry.corp' }).subjects
    ).toHaveLength(2)
  })

  it.each([
    ['a b=/x.crt', /^ca-certs: "a b" is not a registry host/],
    ['evil"]\n[x=/x.crt', /^ca-certs: line 1 is not an entry/],
    ['evil"]=/x.crt', /^ca-certs: "evil\\"]" is not a registry host/],
    ['http://registry.corp=/x.crt', /^ca-certs: "http:\/\/registry.corp" uses http:\/\//],
    ['host:99999=/x.crt', /invalid port/],
    ['=/x.crt', /^ca-certs: empty registry host/],
    ['registry.corp=', /^ca-certs: line 1: no value for registry.corp/],
    ['registry.corp=   ', /no value for registry.corp/],
    ['/etc/ssl/corp.crt', /^ca-certs: line 1 is not an entry; expected host\[:port\]=/],
    ['a.corp=/a.crt\nregistry.corp /b.crt', /^ca-certs: line 2 is not an entry/],
    ['a.corp=-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\nstray text', /line 4 is not an entry/]
  ])('rejects %j', (text, message) => {
    expect(() => parseCaCertsInput(text)).toThrow(message)
  })

  it('names the input it is given', () => {
    expect(() => parseCaCertsInput('bad host=/x', 'my-input')).toThrow(/^my-input: "bad host"/)
  })
})

describe('validateCertificatePem', () => {
  const context = { input: 'ca-certs', host: 'registry.corp:5000' }

  it('accepts one certificate and describes it', () => {
    const result = validateCertificatePem(caPem, context)
    expect(result.pem).toBe(caPem)
    expect(result.subjects).toHaveLength(1)
    expect(result.subjects[0]).toMatch(/^CN=test-ca \(notAfter \d{4}-\d\d-\d\dT[\d:.]+Z\)$/)
  })

  it('accepts a two-certificate chain and keeps both blocks', () => {
    const result = validateCertificatePem(chainPem, context)
    expect(result.subjects.map(subject => subject.split(' ')[0])).toEqual([
      'CN=test-intermediate',
      'CN=test-ca'
    ])
    const blocks = result.pem.match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----/g) ?? []
    expect(blocks).toHaveLength(2)
    expect(blocks.map(block => new X509Certificate(block).subject)).toEqual([
      'CN=test-intermediate',
      'CN=test-ca'
    ])
    expect(result.pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true)
    expect(result.pem).not.toMatch(/\n\n/)
  })

  it('normalizes line endings, indentation and text around the blocks', () => {
    const messy = `# corporate root\r\n${caPem.split('\n').join('  \r\n  ')}\r\nsubject: other\r\n${otherPem}`
    const result = validateCertificatePem(messy, context)
    expect(result.pem).toBe(`${caPem}${otherPem}`)
    expect(result.subjects.map(subject => subject.split(' ')[0])).toEqual(['CN=test-ca', 'CN=other-ca'])
  })

  it.each([
    ['empty', () => '', /^ca-certs: the value for registry.corp:5000 holds no PEM certificate/],
    [
      'plain text',
      () => 'not a certificate',
      /holds no PEM certificate; expected one or more -----BEGIN CERTIFICATE/
    ],
    [
      'garbage base64',
      () => '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n',
      /^ca-certs: certificate 1 for registry.corp:5000 is not a valid X\.509 certificate/
    ],
    [
      'a garbage second block',
      () => `${caPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
      /certificate 2 for registry.corp:5000 is not a valid X\.509 certificate/
    ],
    ['an unterminated block', () => caPem.slice(0, 200), /has an incomplete PEM block/],
    ['a truncated chain', () => chainPem.slice(0, -40), /has an incomplete PEM block/],
    [
      'a mismatched END label',
      () => caPem.replace('END CERTIFICATE', 'END X509 CRL'),
      /block 1 for registry.corp:5000 begins as "CERTIFICATE" but ends as "X509 CRL"/
    ],
    [
      'a certificate request',
      () => '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
      /block 1 for registry.corp:5000 is a "CERTIFICATE REQUEST" block; only CERTIFICATE blocks are accepted/
    ]
  ])('rejects %s', (_name, pem, message) => {
    expect(() => validateCertificatePem(pem(), context)).toThrow(message)
  })

  it.each([
    ['a private key alone', () => caKeyPem],
    ['a certificate followed by its key', () => caPem + caKeyPem],
    ['a key before the certificate', () => caKeyPem + caPem],
    ['an RSA PRIVATE KEY label', () => caKeyPem.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY')]
  ])('rejects %s without echoing the key', (_name, pem) => {
    const message = errorMessage(() => validateCertificatePem(pem(), context))
    expect(message).toMatch(
      /^ca-certs: the value for registry.corp:5000 contains a private key; only CA certificates/
    )
    const keyLines = bodyLines(caKeyPem)
    expect(keyLines.length).toBeGreaterThan(5)
    for (const line of keyLines) expect(message).not.toContain(line.slice(0, 16))
  })
})

/** The entries read (relative paths from this process's directory), then written. */
const readAndWrite = async (entries: CaCertEntry[], dir: string, input?: string) =>
  await writeCaFiles(readCaCerts(entries, { cwd: process.cwd(), ...(input ? { input } : {}) }), dir)

describe('readCaCerts, then writeCaFiles', () => {
  it('writes one file per host, concatenating entries, from files and PEM text', async () => {
    const dir = join(tmp, 'out-1', 'nested')
    const entries: CaCertEntry[] = [
      { host: 'registry.corp:5000', source: 'file', value: caFile },
      { host: '[::1]:5000', source: 'pem', value: chainPem },
      { host: 'registry.corp:5000', source: 'pem', value: otherPem },
      { host: 'localhost:5443', source: 'file', value: relative(process.cwd(), chainFile) }
    ]
    const result = await readAndWrite(entries, dir)
    expect(result).toEqual(
      new Map([
        ['registry.corp:5000', [join(dir, 'ca-registry.corp_5000.crt')]],
        ['[::1]:5000', [join(dir, 'ca-___1__5000.crt')]],
        ['localhost:5443', [join(dir, 'ca-localhost_5443.crt')]]
      ])
    )
    for (const [, [path = ''] = []] of result) {
      expect(isAbsolute(path)).toBe(true)
      expect(statSync(path).mode & 0o777).toBe(0o644)
    }
    expect(readFileSync(join(dir, 'ca-registry.corp_5000.crt'), 'utf8')).toBe(caPem + otherPem)
    expect(readFileSync(join(dir, 'ca-___1__5000.crt'), 'utf8')).toBe(chainPem)
    expect(readFileSync(join(dir, 'ca-localhost_5443.crt'), 'utf8')).toBe(chainPem)
  })

  it('writes the entries parsed from a mixed input', async () => {
    const dir = join(tmp, 'out-2')
    const entries = parseCaCertsInput(`a.corp=${caFile}\r\nb.corp:8443=${otherPem.trim()}\r\n`)
    const result = await readAndWrite(entries, dir)
    expect([...result.keys()]).toEqual(['a.corp', 'b.corp:8443'])
    expect(readFileSync(join(dir, 'ca-a.corp.crt'), 'utf8')).toBe(caPem)
    expect(readFileSync(join(dir, 'ca-b.corp_8443.crt'), 'utf8')).toBe(otherPem)
  })

  it('does nothing for no entries', async () => {
    const dir = join(tmp, 'out-empty')
    expect(await writeCaFiles([], dir)).toEqual(new Map())
    expect(existsSync(dir)).toBe(false)
  })

  it('reports a missing file with the input and path, and writes nothing', async () => {
    const dir = join(tmp, 'out-3')
    const missing = join(tmp, 'does-not-exist.crt')
    const message = await asyncErrorMessage(() =>
      readAndWrite(
        [
          { host: 'a.corp', source: 'pem', value: caPem },
          { host: 'b.corp', source: 'file', value: missing }
        ],
        dir,
        'my-ca-certs'
      )
    )
    expect(message).toBe(
      `my-ca-certs: cannot read the CA certificate file ${JSON.stringify(missing)} for b.corp (ENOENT); ` +
        'expected the path of a readable PEM file, or the PEM text itself'
    )
    expect(existsSync(dir)).toBe(false)
  })

  it('reports a directory given as a file', async () => {
    await expect(
      readAndWrite([{ host: 'a.corp', source: 'file', value: tmp }], join(tmp, 'out-4'))
    ).rejects.toThrow(/^ca-certs: cannot read the CA certificate file .* for a\.corp \(EISDIR\)/)
  })

  it('rejects a key file without echoing the key', async () => {
    const message = await asyncErrorMessage(() =>
      readAndWrite([{ host: 'a.corp', source: 'file', value: caKeyFile }], join(tmp, 'out-5'))
    )
    expect(message).toMatch(
      /^ca-certs: the value for a\.corp \(file ".*test-ca\.key"\) contains a private key/
    )
    for (const line of bodyLines(caKeyPem)) expect(message).not.toContain(line.slice(0, 16))
  })

  it('rejects garbage in a file, naming the file', async () => {
    const garbage = join(tmp, 'garbage.crt')
    writeFileSync(garbage, 'hello\n')
    await expect(
      readAndWrite([{ host: 'a.corp', source: 'file', value: garbage }], join(tmp, 'out-6'))
    ).rejects.toThrow(
      `ca-certs: the value for a.corp (file ${JSON.stringify(garbage)}) holds no PEM certificate`
    )
  })

  it('reads relative paths from the given directory', () => {
    const [cert] = readCaCerts([{ host: 'a.corp', source: 'file', value: basename(caFile) }], {
      cwd: dirname(caFile)
    })
    expect(cert?.pem).toBe(caPem)
  })

  it.each(['a b', 'evil"]', 'http://a.corp', ''])('the parser rejects the host %j', host => {
    expect(() => parseCaCertsInput(`${host}=${caPem}`)).toThrow(/^ca-certs: /)
  })
})
