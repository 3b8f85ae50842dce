/**
 * The post step with a fake command runner: what it removes for each state main left behind, with which
 * buildx, and that a failing cleanup is a warning that does not stop the next one or fail the job.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runPost } from '../../src/run/cleanup.js'
import { commands } from '../stdout.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner, docker } from './fake-runner.js'

let work = ''
let handedOver: Record<string, string> = {}
beforeEach(() => {
  handedOver = {}
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'post-test-'))
})

/** The state main saved, as the runner hands it to the post step. */
function mainSaved(values: Record<string, string>): void {
  Object.assign(handedOver, values)
}

async function post(runner: FakeRunner): Promise<{ log: string; groups: string[]; warnings: string[] }> {
  const reporter = new FakeReporter(handedOver)
  await runPost({ reporter, runner })
  const log = reporter.log
  return { log, groups: commands(log, 'group'), warnings: commands(log, 'warning') }
}

/** A file standing in for a downloaded buildx binary (the post step checks that it still exists). */
function downloadedBuildx(): string {
  const binary = path.join(work, 'docker-buildx')
  fs.writeFileSync(binary, '', { mode: 0o755 })
  return binary
}

describe('post step', () => {
  it('with no state from main (main never started): a notice, no command, no warning', async () => {
    const runner = new FakeRunner()
    const { log, groups, warnings } = await post(runner)
    expect(runner.lines()).toEqual([])
    expect(groups).toEqual([])
    expect(warnings).toEqual([])
    expect(commands(log, 'notice')).toEqual([
      'The main step saved no state (it did not run): nothing to clean up.'
    ])
  })

  it('after a main that failed on its inputs (it saved only that it started): nothing at all', async () => {
    mainSaved({ 'main-started': 'true' })
    const runner = new FakeRunner()
    const { log } = await post(runner)
    expect(runner.lines()).toEqual([])
    expect(log).toBe('')
  })

  it('a remote-driver builder: removed first, then the runner builder behind it, then the run directory with the key files', async () => {
    const keys = path.join(work, 'run', 'remote-access')
    fs.mkdirSync(keys, { recursive: true })
    fs.writeFileSync(path.join(keys, 'key.pem'), 'key', { mode: 0o600 })
    mainSaved({
      'main-started': 'true',
      builder: 'mb',
      'runner-builder': 'mb-runner',
      'temp-dir': path.join(work, 'run')
    })
    const runner = new FakeRunner()
    const { warnings } = await post(runner)
    expect(runner.lines()).toEqual(['docker buildx rm --force mb', 'docker buildx rm --force mb-runner'])
    expect(warnings).toEqual([])
    expect(fs.existsSync(keys)).toBe(false)
  })

  it('an empty builder (reused, or a name someone else had taken) is not removed', async () => {
    mainSaved({ 'main-started': 'true', builder: '', 'temp-dir': '' })
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
    mainSaved({ 'main-started': 'true', builder: 'multiarch-42-abc', buildx: buildx(binary) })
    const runner = new FakeRunner()
    const { log, groups, warnings } = await post(runner)
    expect(runner.lines()).toEqual([expected(binary)])
    expect(groups).toEqual(['Removing builder multiarch-42-abc'])
    expect(log).toContain('builder removed')
    expect(warnings).toEqual([])
    // The cleanup's time, for the benchmark: the last line, a debug line.
    expect(log.trimEnd().split('\n').pop()).toMatch(/^::debug::phase-timings \{"post":\d+,"total":\d+\}$/)
  })

  it('a builder that was never created (main stopped before create finished) is no warning', async () => {
    mainSaved({ 'main-started': 'true', builder: 'multiarch-42-abc' })
    const runner = new FakeRunner().on(docker('buildx', 'rm'), {
      exitCode: 1,
      stderr: 'ERROR: no builder "multiarch-42-abc" found'
    })
    const { log, warnings } = await post(runner)
    expect(log).toContain('builder was not there (never created)')
    expect(warnings).toEqual([])
  })

  it('removes the work directory with the run’s docker config and its credentials', async () => {
    const tempDir = path.join(work, 'multiarch-XyZ')
    fs.mkdirSync(path.join(tempDir, 'docker-config'), { recursive: true })
    fs.writeFileSync(path.join(tempDir, 'docker-config', 'config.json'), '{"auths":{}}')
    const userBuildx = path.join(work, 'user-docker', 'buildx')
    fs.mkdirSync(userBuildx, { recursive: true })
    fs.symlinkSync(userBuildx, path.join(tempDir, 'docker-config', 'buildx'))
    mainSaved({ 'main-started': 'true', builder: 'b1', 'temp-dir': tempDir })
    const { groups, warnings } = await post(new FakeRunner())
    expect(groups).toEqual(['Removing builder b1', 'Removing temporary files and this run’s docker config'])
    expect(fs.existsSync(tempDir)).toBe(false)
    expect(fs.existsSync(userBuildx)).toBe(true) // the link went, not the user's builders
    expect(warnings).toEqual([])
  })

  it('a failing cleanup is a warning naming it, and the later cleanups still run', async () => {
    const tempDir = path.join(work, 'multiarch-XyZ')
    fs.mkdirSync(tempDir)
    mainSaved({ 'main-started': 'true', builder: 'b1', 'temp-dir': tempDir })
    const runner = new FakeRunner().on(docker('buildx', 'rm'), {
      exitCode: 1,
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock'
    })
    const { groups, warnings } = await post(runner)
    expect(groups).toEqual(['Removing builder b1', 'Removing temporary files and this run’s docker config'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^Removing builder b1 failed: .*Cannot connect to the Docker daemon/)
    expect(fs.existsSync(tempDir)).toBe(false)
  })

  it('never fails the job: no error, no failure exit code', async () => {
    mainSaved({ 'main-started': 'true', builder: 'b1' })
    const runner = new FakeRunner().on(docker('buildx', 'rm'), { exitCode: 125, stderr: 'boom' })
    const exitCode = process.exitCode
    const { log } = await post(runner)
    expect(commands(log, 'error')).toEqual([])
    expect(process.exitCode).toBe(exitCode)
  })
})
