/**
 * QEMU on a real kernel: nothing is installed when binfmt_misc already has the handlers; a missing handler
 * is registered again (F flag) by `package`, and by `auto` when the binfmt image cannot be pulled;
 * `qemu: false` stops before building. Editing binfmt_misc needs root: without it those tests fail, saying so.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { env, indexPlatforms, pushInputs, rawManifest, useJobs, type Job } from './harness.js'

const BINFMT = '/proc/sys/fs/binfmt_misc'
const ARM = path.join(BINFMT, 'qemu-arm')
const canEditBinfmt = process.getuid?.() === 0 && fs.existsSync(path.join(BINFMT, 'register'))

const jobs = useJobs()

/** The handler as the test found it, put back after every test (also when one fails). */
const original = fs.existsSync(ARM) ? fs.readFileSync(ARM, 'utf8') : ''
function restoreArm(): void {
  if (fs.existsSync(ARM) && fs.readFileSync(ARM, 'utf8') === original) return
  if (fs.existsSync(ARM)) fs.writeFileSync(ARM, '-1')
  try {
    execFileSync('update-binfmts', ['--enable', 'qemu-arm']) // how the stack registered it
  } catch {
    const conf = ['/usr/lib/binfmt.d/qemu-arm.conf', '/etc/binfmt.d/qemu-arm.conf'].find(f =>
      fs.existsSync(f)
    )
    const line = conf
      ? (fs
          .readFileSync(conf, 'utf8')
          .split('\n')
          .find(l => l.startsWith(':')) ?? '')
      : ''
    fs.writeFileSync(path.join(BINFMT, 'register'), line)
  }
}
function removeArm(): void {
  if (fs.existsSync(ARM)) fs.writeFileSync(ARM, '-1')
  expect(fs.existsSync(ARM)).toBe(false)
}

/** The commands the action started, from its debug log. */
function spawns(log: string): string[] {
  return [...log.matchAll(/^::debug::spawn: (.*)$/gm)].map(m => m[1] ?? '')
}

function armJob(qemu: string): Job {
  const registry = env('E2E_HTTP_REGISTRY')
  return jobs.start({
    ...pushInputs({ registry, name: `qemu-${qemu}`, platforms: 'linux/amd64,linux/arm/v7' }),
    qemu
  })
}

describe('emulators already registered', () => {
  it('a 3-platform run installs nothing and reports the emulated platforms', async () => {
    const platforms = 'linux/amd64,linux/arm64,linux/arm/v7'
    const inputs = pushInputs({ registry: env('E2E_HTTP_REGISTRY'), name: 'qemu-present', platforms })
    const tag = inputs.tags
    const job = jobs.start(inputs)
    const main = await job.main()
    expect(main.exitCode).toBe(0)
    expect(main.outputs['emulated-platforms']).toBe('linux/arm64,linux/arm/v7')
    const started = spawns(main.log)
    expect(started.length).toBeGreaterThanOrEqual(3) // buildx version, create, build: the log does list spawns
    expect(started.filter(s => /binfmt|apt-get|--install|tee |mount /.test(s))).toEqual([])
    expect(main.log).toMatch(/binfmt_misc already has qemu-aarch64, qemu-arm \(enabled, F flag\)/)
    expect(main.log).toMatch(
      /::notice title=Emulated platforms::linux\/arm64, linux\/arm\/v7 are built under QEMU/
    )
    expect(Object.keys(indexPlatforms(rawManifest(tag))).sort()).toEqual([
      'linux/amd64',
      'linux/arm/v7',
      'linux/arm64'
    ])
  }, 300_000)
})

describe('a missing arm handler (binfmt_misc edited, restored afterwards)', () => {
  beforeAll(() => {
    if (!canEditBinfmt)
      throw new Error(
        `these tests unregister and register QEMU handlers in ${BINFMT}: run the e2e tests as root ` +
          `on a host with binfmt_misc mounted (${path.join(BINFMT, 'register')} is missing or not writable)`
      )
  })

  afterEach(restoreArm)

  it.each(['package', 'auto'])(
    'qemu: %s registers it again with the F flag and linux/arm/v7 builds',
    async mode => {
      removeArm()
      const job = armJob(mode)
      const main = await job.main()
      expect(main.exitCode).toBe(0)
      const entry = fs.readFileSync(ARM, 'utf8')
      expect(entry.split('\n')[0]).toBe('enabled')
      expect(entry).toMatch(/^flags: .*F/m)
      expect(main.log).toMatch(/registered qemu-arm from .*qemu-arm\.conf with the F flag/)
      if (mode === 'auto') {
        expect(
          spawns(main.log).some(s => /^docker run --rm --privileged --network none .* --install arm$/.test(s))
        ).toBe(true)
        expect(main.log).toMatch(/falling back to the system package/)
      } else {
        expect(spawns(main.log).some(s => s.startsWith('docker run'))).toBe(false)
      }
      expect(main.outputs['emulated-platforms']).toBe('linux/arm/v7')
      const digests = JSON.parse(main.outputs['platform-digests'] ?? '{}') as Record<string, string>
      expect(Object.keys(digests).sort()).toEqual(['linux/amd64', 'linux/arm/v7'])
    },
    300_000
  )

  it('qemu: false fails before building, naming the platform', async () => {
    removeArm()
    const job = armJob('false')
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(
      /::error::Invalid input:%0A {2}- qemu: linux\/arm\/v7 needs QEMU emulation .*qemu is false/
    )
    // Found before any docker command: no builder was named, created or built with.
    expect(spawns(main.log)).toEqual([])
    expect(main.outputs['builder-name']).toBeUndefined()
    expect(fs.existsSync(ARM)).toBe(false) // nothing was touched
    const post = await job.post()
    expect(post.exitCode).toBe(0)
  }, 300_000)
})
