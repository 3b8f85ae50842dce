/**
 * The post step with a fake command runner: what it removes for each state main left behind, with which
 * buildx, and that a failing cleanup is a warning that does not stop the next one or fail the job.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { login } from '../../src/docker/login.js'
import { runPost } from '../../src/run/post.js'
import { captureStdout, commands } from '../stdout.js'
import { FakeRunner, docker } from './fake-runner.js'

const saved = { ...process.env }
let work = ''
beforeEach(() => {
  process.env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STATE_')))
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'post-test-'))
})
afterEach(() => {
  process.env = { ...saved }
})

/** The state main saved, as the runner hands it to the post step. */
function mainSaved(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) process.env[`STATE_${name}`] = value
}

async function post(runner: FakeRunner): Promise<{ log: string; groups: string[]; warnings: string[] }> {
  const log = await captureStdout(() => runPost(runner))
  return { log, groups: commands(log, 'group'), warnings: commands(log, 'warning') }
}

/** A file standing in for a downloaded buildx binary (the post step checks that it still exists). */
function downloadedBuildx(): string {
  const binary = path.join(work, 'docker-buildx')
  fs.writeFileSync(binary, '', { mode: 0o755 })
  return binary
}

describe('post step', () => {
  it('after a main that saved nothing (it failed on its inputs): no command, no warning', async () => {
    const runner = new FakeRunner()
    const { groups, warnings } = await post(runner)
    expect(runner.lines()).toEqual([])
    expect(groups).toEqual([])
    expect(warnings).toEqual([])
  })

  it('an empty builder (reused, or a name someone else had taken) is not removed', async () => {
    mainSaved({ isPost: 'true', builder: '', 'temp-dir': '' })
    const runner = new FakeRunner()
    await post(runner)
    expect(runner.lines()).toEqual([])
  })

  it.each<[string, (binary: string) => string, (binary: string) => string]>([
    ['the runner’s docker buildx', () => '', () => 'docker buildx rm --force multiarch-42-abc'],
    [
      'the downloaded buildx main used',
      binary => JSON.stringify({ command: binary, prefix: [] }),
      binary => `${binary} rm --force multiarch-42-abc`
    ],
    [
      'docker buildx when the downloaded binary is gone',
      () => JSON.stringify({ command: '/nonexistent/docker-buildx', prefix: [] }),
      () => 'docker buildx rm --force multiarch-42-abc'
    ],
    [
      'docker buildx when the saved buildx is unreadable',
      () => '{not json',
      () => 'docker buildx rm --force multiarch-42-abc'
    ]
  ])('removes the builder with %s', async (_, buildx, expected) => {
    const binary = downloadedBuildx()
    mainSaved({ builder: 'multiarch-42-abc', buildx: buildx(binary) })
    const runner = new FakeRunner()
    const { log, groups, warnings } = await post(runner)
    expect(runner.lines()).toEqual([expected(binary)])
    expect(groups).toEqual(['Removing builder multiarch-42-abc'])
    expect(log).toContain('builder removed')
    expect(warnings).toEqual([])
  })

  it('a builder that was never created (main stopped before create finished) is no warning', async () => {
    mainSaved({ builder: 'multiarch-42-abc' })
    const runner = new FakeRunner().on(docker('buildx', 'rm'), {
      exitCode: 1,
      stderr: 'ERROR: no builder "multiarch-42-abc" found'
    })
    const { log, warnings } = await post(runner)
    expect(log).toContain('builder was not there (never created)')
    expect(warnings).toEqual([])
  })

  it('restores the docker config a login changed and removes the temporary directory', async () => {
    const configDir = path.join(work, 'docker-config')
    fs.mkdirSync(configDir)
    const configFile = path.join(configDir, 'config.json')
    const before = { auths: { 'r.example.com': { auth: 'b2xkOm9sZA==' } }, proxies: {} }
    fs.writeFileSync(configFile, JSON.stringify(before))
    const restore = login({ registry: 'r.example.com', username: 'me', password: 's3cret', configDir })
    const tempDir = path.join(work, 'multiarch-XyZ')
    fs.mkdirSync(path.join(tempDir, 'certs'), { recursive: true })
    fs.writeFileSync(path.join(tempDir, 'certs', 'ca.crt'), 'pem')
    mainSaved({ builder: 'b1', 'login-restore': JSON.stringify(restore), 'temp-dir': tempDir })

    const runner = new FakeRunner()
    const { log, groups, warnings } = await post(runner)
    expect(groups).toEqual([
      'Removing builder b1',
      'Removing registry credentials',
      'Removing temporary files'
    ])
    expect(JSON.parse(fs.readFileSync(configFile, 'utf8'))).toEqual(before)
    expect(log).toContain(`restored r.example.com in ${configFile}`)
    expect(fs.existsSync(tempDir)).toBe(false)
    expect(warnings).toEqual([])
    expect(log).not.toContain('b2xkOm9sZA==')
  })

  it('a config.json the login created is removed again', async () => {
    const configDir = path.join(work, 'new-docker-config')
    const restore = login({ registry: 'r.example.com', username: 'me', password: 's3cret', configDir })
    mainSaved({ 'login-restore': JSON.stringify(restore) })
    await post(new FakeRunner())
    expect(fs.existsSync(path.join(configDir, 'config.json'))).toBe(false)
  })

  it('a failing cleanup is a warning naming it, and the later cleanups still run', async () => {
    const tempDir = path.join(work, 'multiarch-XyZ')
    fs.mkdirSync(tempDir)
    mainSaved({ builder: 'b1', 'login-restore': '{broken', 'temp-dir': tempDir })
    const runner = new FakeRunner().on(docker('buildx', 'rm'), {
      exitCode: 1,
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock'
    })
    const { groups, warnings } = await post(runner)
    expect(groups).toEqual([
      'Removing builder b1',
      'Removing registry credentials',
      'Removing temporary files'
    ])
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/^Removing builder b1 failed: .*Cannot connect to the Docker daemon/)
    expect(warnings[1]).toMatch(/^Removing registry credentials failed: /)
    expect(fs.existsSync(tempDir)).toBe(false)
  })

  it('never fails the job: no error, no failure exit code', async () => {
    mainSaved({ builder: 'b1', 'login-restore': '{broken' })
    const runner = new FakeRunner().on(docker('buildx', 'rm'), { exitCode: 125, stderr: 'boom' })
    const exitCode = process.exitCode
    const { log } = await post(runner)
    expect(commands(log, 'error')).toEqual([])
    expect(process.exitCode).toBe(exitCode)
  })
})
