/**
 * Test certificates made with openssl (P-256 keys, valid two days) in a directory of the test's own: a CA,
 * and certificates it signs with the extensions a test asks for. Shared by the unit tests of remote nodes
 * and the build-farm e2e tests.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

export class TestCerts {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true })
  }

  /** A CA: `<name>.pem` and `<name>-key.pem`. */
  ca(name: string): this {
    this.openssl([
      'req',
      '-x509',
      ...EC_KEY,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign'
    ])
    return this
  }

  /** A certificate signed by CA `by`, with `extension` (openssl extfile lines): `<name>.pem`, `<name>-key.pem`. */
  signed(by: string, name: string, extension: string): this {
    this.openssl([
      'req',
      ...EC_KEY,
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`
    ])
    fs.writeFileSync(path.join(this.dir, `${name}.ext`), extension)
    this.openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${by}.pem`,
      '-CAkey',
      `${by}-key.pem`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`
    ])
    return this
  }

  /** The path of `<name>.pem`. */
  file(name: string): string {
    return path.join(this.dir, `${name}.pem`)
  }

  /** The text of `<name>.pem`. */
  pem(name: string): string {
    return fs.readFileSync(this.file(name), 'utf8')
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] })
  }
}
