import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  dockerConfigDir,
  dockerConfigFile,
  dockerConfigOrThrow,
  readDockerConfig,
  writeDockerConfig
} from '../../src/docker/config-file.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-file-'))
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})
let n = 0
function file(text?: string): string {
  const dir = path.join(root, String(n++))
  fs.mkdirSync(dir)
  const name = dockerConfigFile(dir)
  if (text !== undefined) fs.writeFileSync(name, text)
  return name
}

describe('dockerConfigDir', () => {
  it.each<[Record<string, string | undefined>, string]>([
    [{ DOCKER_CONFIG: '/custom/docker' }, '/custom/docker'],
    [{ DOCKER_CONFIG: '' }, path.join(os.homedir(), '.docker')],
    [{}, path.join(os.homedir(), '.docker')]
  ])('%j -> %s', (env, dir) => {
    expect(dockerConfigDir(env)).toBe(dir)
  })
})

describe('readDockerConfig', () => {
  it.each<[string, string | undefined, unknown]>([
    ['a missing file', undefined, { status: 'missing' }],
    ['an empty file', '  \n', { status: 'found', config: {} }],
    [
      'an object',
      '{"auths":{"r.io":{"auth":"eDp5"}}}',
      { status: 'found', config: { auths: { 'r.io': { auth: 'eDp5' } } } }
    ],
    [
      'broken JSON',
      '{"auths": {"x": {"auth": "c2VjcmV0"}}',
      { status: 'invalid', problem: 'is not valid JSON; fix or remove it' }
    ],
    ['an array', '[1]', { status: 'invalid', problem: 'is not a JSON object; fix or remove it' }],
    ['null', 'null', { status: 'invalid', problem: 'is not a JSON object; fix or remove it' }]
  ])('%s', (_what, text, expected) => {
    const name = file(text)
    const read = readDockerConfig(name)
    const { problem, ...rest } = expected as { problem?: string }
    expect(read).toMatchObject({ ...rest, file: name })
    if (problem !== undefined) {
      expect(read.status === 'invalid' && read.problem).toBe(`Docker config ${name} ${problem}`)
      // The file's text (maybe a credential) is never quoted.
      expect(JSON.stringify(read)).not.toContain('c2VjcmV0')
      expect(() => dockerConfigOrThrow(read)).toThrow(`Docker config ${name} ${problem}`)
    }
  })

  it('reports an unreadable file (a directory) without throwing', () => {
    const name = file()
    fs.mkdirSync(name)
    const read = readDockerConfig(name)
    expect(read.status).toBe('invalid')
    expect(read.status === 'invalid' && read.problem).toMatch(/^Cannot read docker config .*config\.json: /)
  })

  it('dockerConfigOrThrow gives {} for a missing file', () => {
    expect(dockerConfigOrThrow(readDockerConfig(file()))).toStrictEqual({})
  })
})

describe('writeDockerConfig', () => {
  it('creates the directory and a 0600 file', () => {
    const name = path.join(root, 'new-dir', 'sub', 'config.json')
    writeDockerConfig(name, { auths: {} })
    expect(fs.statSync(name).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(name, 'utf8'))).toStrictEqual({ auths: {} })
  })

  it('keeps the mode of an existing file and writes through a symlink, leaving no temporary file', () => {
    const dir = path.dirname(file())
    const real = path.join(dir, 'real.json')
    fs.writeFileSync(real, '{}', { mode: 0o644 })
    fs.chmodSync(real, 0o644)
    const link = dockerConfigFile(dir)
    fs.symlinkSync(real, link)
    writeDockerConfig(link, { credsStore: 'pass' })
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    expect(fs.statSync(real).mode & 0o777).toBe(0o644)
    expect(readDockerConfig(link)).toMatchObject({ status: 'found', config: { credsStore: 'pass' } })
    expect(fs.readdirSync(dir).sort()).toStrictEqual(['config.json', 'real.json'])
  })
})
