/**
 * The run's own docker config: a copy of the user's config.json with the login entry, everything else of
 * the user's directory linked, and the user's files never written.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createRunDockerConfig, withLogin } from '../../src/docker/login.js'

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'))
const read = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'))
const token = Buffer.from('me:s3cret').toString('base64')
const LOGIN = { registry: 'r.example.com:5000', username: 'me', password: 's3cret' }

describe('withLogin', () => {
  it('adds the auths entry buildx reads and keeps everything else', () => {
    const before = { auths: { 'other.example.com': { auth: 'eDp5' } }, proxies: { default: {} } }
    expect(withLogin(before, LOGIN)).toEqual({
      ...before,
      auths: { ...before.auths, 'r.example.com:5000': { auth: token } }
    })
    expect(before.auths).toEqual({ 'other.example.com': { auth: 'eDp5' } }) // not changed in place
  })

  it('an empty credential helper for the host when a credential store would shadow the entry', () => {
    expect(withLogin({ credsStore: 'desktop' }, LOGIN)).toEqual({
      credsStore: 'desktop',
      auths: { 'r.example.com:5000': { auth: token } },
      credHelpers: { 'r.example.com:5000': '' }
    })
    expect(withLogin({ credHelpers: { 'r.example.com:5000': 'ecr-login' } }, LOGIN).credHelpers).toEqual({
      'r.example.com:5000': ''
    })
  })

  it('uses the key buildx looks up for Docker Hub, under any of its names', () => {
    for (const registry of ['docker.io', 'registry-1.docker.io'])
      expect(withLogin({}, { ...LOGIN, registry }).auths).toEqual({
        'https://index.docker.io/v1/': { auth: token }
      })
  })
})

describe('createRunDockerConfig', () => {
  function userDir(config?: string): string {
    const dir = tmp()
    if (config !== undefined) fs.writeFileSync(path.join(dir, 'config.json'), config, { mode: 0o644 })
    fs.mkdirSync(path.join(dir, 'cli-plugins'))
    fs.mkdirSync(path.join(dir, 'contexts'))
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'tls')
    return dir
  }

  it('copies config.json with the login entry (0600 in a 0700 directory) and links the rest', () => {
    const user = userDir(JSON.stringify({ auths: { 'other.example.com': { auth: 'eDp5' } } }))
    const before = fs.readFileSync(path.join(user, 'config.json'), 'utf8')
    const dir = path.join(tmp(), 'run')
    expect(createRunDockerConfig({ userDir: user, dir, login: LOGIN })).toEqual({ dir, copied: true })
    expect(read(path.join(dir, 'config.json'))).toEqual({
      auths: { 'other.example.com': { auth: 'eDp5' }, 'r.example.com:5000': { auth: token } }
    })
    expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600)
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700)
    expect(fs.readFileSync(path.join(user, 'config.json'), 'utf8')).toBe(before)
    // buildx is created in the user's directory when missing: builders are shared by every run
    for (const entry of ['buildx', 'cli-plugins', 'contexts', 'ca.pem'])
      expect([entry, fs.readlinkSync(path.join(dir, entry))]).toEqual([entry, path.join(user, entry)])
    expect(fs.statSync(path.join(user, 'buildx')).isDirectory()).toBe(true)
    expect(fs.readdirSync(dir).sort()).toEqual(['buildx', 'ca.pem', 'cli-plugins', 'config.json', 'contexts'])
  })

  it('works without a config.json or even the user directory', () => {
    const user = path.join(tmp(), 'absent')
    const dir = path.join(tmp(), 'run')
    expect(createRunDockerConfig({ userDir: user, dir })).toEqual({ dir, copied: false })
    expect(read(path.join(dir, 'config.json'))).toEqual({})
    expect(fs.readlinkSync(path.join(dir, 'buildx'))).toBe(path.join(user, 'buildx'))
  })

  it('a config.json that is not JSON: a warning that does not quote it, and the run goes on without it', () => {
    const user = userDir('{"auths": {"x": {"auth": "c2VjcmV0LXRva2Vu"}}')
    const dir = path.join(tmp(), 'run')
    const created = createRunDockerConfig({ userDir: user, dir, login: LOGIN })
    expect(created.warning).toMatch(/config\.json is not valid JSON.*buildx ignores it.*r\.example\.com:5000/)
    expect(created.warning).not.toContain('c2VjcmV0')
    expect(created.copied).toBe(false)
    expect(read(path.join(dir, 'config.json'))).toEqual({ auths: { 'r.example.com:5000': { auth: token } } })
  })

  it('two runs sharing one user directory: each has its own credentials, removing one leaves the other', () => {
    const user = userDir()
    const first = path.join(tmp(), 'run')
    const second = path.join(tmp(), 'run')
    createRunDockerConfig({ userDir: user, dir: first, login: LOGIN })
    createRunDockerConfig({ userDir: user, dir: second, login: { ...LOGIN, password: 'other' } })
    fs.rmSync(first, { recursive: true })
    expect(read(path.join(second, 'config.json'))).toEqual({
      auths: { 'r.example.com:5000': { auth: Buffer.from('me:other').toString('base64') } }
    })
    expect(fs.existsSync(path.join(user, 'config.json'))).toBe(false)
    expect(fs.existsSync(path.join(user, 'cli-plugins'))).toBe(true) // a link was removed, not its target
  })
})
