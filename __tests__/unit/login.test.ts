import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { login, logout } from '../../src/docker/login.js'

const dir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'))
const read = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'))
const token = Buffer.from('me:s3cret').toString('base64')

describe('login and logout', () => {
  it('writes the auths entry buildx reads (0600) and removes a config.json it created', () => {
    const configDir = path.join(dir(), 'new')
    const restore = login({ registry: 'r.example.com:5000', username: 'me', password: 's3cret', configDir })
    const file = path.join(configDir, 'config.json')
    expect(read(file)).toEqual({ auths: { 'r.example.com:5000': { auth: token } } })
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    logout(restore)
    expect(fs.existsSync(file)).toBe(false)
  })

  it('keeps everything else, puts back the replaced entry, keeps the mode and writes through a symlink', () => {
    const configDir = dir()
    const real = path.join(configDir, 'real-config.json')
    const before = {
      auths: { 'r.example.com': { auth: 'b2xkOm9sZA==' }, 'other.example.com': { auth: 'eDp5' } },
      credsStore: 'desktop',
      proxies: { default: { httpProxy: 'http://proxy:3128' } }
    }
    fs.writeFileSync(real, JSON.stringify(before), { mode: 0o640 })
    fs.chmodSync(real, 0o640)
    fs.symlinkSync(real, path.join(configDir, 'config.json'))
    const restore = login({ registry: 'r.example.com', username: 'me', password: 's3cret', configDir })
    expect(read(real)).toEqual({
      ...before,
      auths: { ...before.auths, 'r.example.com': { auth: token } },
      // the credential store would shadow the file entry for this host
      credHelpers: { 'r.example.com': '' }
    })
    expect(fs.lstatSync(path.join(configDir, 'config.json')).isSymbolicLink()).toBe(true)
    expect(fs.statSync(real).mode & 0o777).toBe(0o640)
    logout(restore)
    expect(read(real)).toEqual({ ...before, credHelpers: {} })
    expect(fs.statSync(real).mode & 0o777).toBe(0o640)
  })

  it('uses the key buildx looks up for Docker Hub', () => {
    const configDir = dir()
    login({ registry: 'docker.io', username: 'me', password: 's3cret', configDir })
    expect(read(path.join(configDir, 'config.json'))).toEqual({
      auths: { 'https://index.docker.io/v1/': { auth: token } }
    })
  })

  it('refuses a config.json that is not JSON without quoting it', () => {
    const configDir = dir()
    fs.writeFileSync(path.join(configDir, 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0LXRva2Vu"}}')
    let message = ''
    try {
      login({ registry: 'r.example.com', username: 'me', password: 's3cret', configDir })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/config\.json is not valid JSON; fix or remove it/)
    expect(message).not.toContain('c2VjcmV0')
  })
})

describe('login into an existing but empty config.json', () => {
  it('treats it as no settings, and logout leaves a file without the entry', () => {
    const configDir = dir()
    const file = path.join(configDir, 'config.json')
    fs.writeFileSync(file, '')
    const restore = login({ registry: 'registry-1.docker.io', username: 'me', password: 's3cret', configDir })
    expect(restore.created).toBe(false)
    expect(read(file)).toEqual({ auths: { 'https://index.docker.io/v1/': { auth: token } } })
    logout(restore)
    expect(read(file)).toEqual({ auths: {} })
  })

  it('logout does nothing when config.json is gone', () => {
    const configDir = dir()
    const restore = login({ registry: 'r.example.com', username: 'me', password: 's3cret', configDir })
    fs.rmSync(path.join(configDir, 'config.json'))
    logout(restore)
    expect(fs.existsSync(path.join(configDir, 'config.json'))).toBe(false)
  })
})
