import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  binfmtImageArgs,
  emulationNeeds,
  ensureEmulation,
  isUsable,
  missingHandlers,
  parseBinfmtEntry,
  withFixBinaryFlag,
  type EmulationOptions
} from '../../src/qemu/qemu.js'
import { FakeRunner } from './fake-runner.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/binfmt')
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8')

/** A fake /proc/sys/fs/binfmt_misc with the given entries (file name -> fixture). */
function binfmtDir(entries: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binfmt-'))
  fs.writeFileSync(path.join(dir, 'register'), '')
  fs.writeFileSync(path.join(dir, 'status'), 'enabled\n')
  for (const [name, file] of Object.entries(entries)) fs.writeFileSync(path.join(dir, name), fixture(file))
  return dir
}

describe('parseBinfmtEntry (real entries)', () => {
  it.each<[string, boolean, string, boolean]>([
    ['qemu-arm.enabled-F', true, 'PF', true],
    ['qemu-aarch64.enabled-F', true, 'PF', true],
    ['qemu-arm.disabled', false, 'PF', false],
    ['qemu-arm.enabled-no-F', true, 'P', false]
  ])('%s', (file, enabled, flags, usable) => {
    const entry = parseBinfmtEntry(fixture(file))
    expect(entry.enabled).toBe(enabled)
    expect(entry.flags).toBe(flags)
    expect(entry.interpreter).toMatch(/^\/usr\/libexec\/qemu-binfmt\/.*-binfmt-P$/)
    expect(isUsable(entry)).toBe(usable)
  })
  it('a missing entry is not usable', () => {
    expect(isUsable(undefined)).toBe(false)
  })
})

describe('emulationNeeds', () => {
  it.each<[string[], string, string[]]>([
    [['linux/amd64', 'linux/arm64', 'linux/arm/v7'], 'amd64', ['arm64:aarch64', 'arm/v7:arm']],
    [['linux/amd64', 'linux/386'], 'amd64', []],
    [['linux/arm/v6', 'linux/arm/v7'], 'amd64', ['arm/v6:arm', 'arm/v7:arm']],
    [['linux/amd64', 'linux/arm64', 'linux/arm/v7'], 'arm64', ['amd64:x86_64', 'arm/v7:arm']],
    [['linux/386'], 'arm64', ['386:i386']],
    [
      ['linux/ppc64le', 'linux/s390x', 'linux/riscv64'],
      'amd64',
      ['ppc64le:ppc64le', 's390x:s390x', 'riscv64:riscv64']
    ],
    [['linux/mips64le', 'linux/loong64'], 'amd64', ['mips64le:mips64el', 'loong64:loongarch64']]
  ])('%j on %s', (platforms, host, expected) => {
    const needs = emulationNeeds(platforms, host).map(n => `${n.platform.replace('linux/', '')}:${n.handler}`)
    expect(needs).toEqual(expected)
  })
})

describe('helpers', () => {
  it('lists only missing or unusable handlers', () => {
    const dir = binfmtDir({ 'qemu-aarch64': 'qemu-aarch64.enabled-F', 'qemu-arm': 'qemu-arm.enabled-no-F' })
    expect(missingHandlers(dir, ['aarch64', 'arm', 'riscv64', 'arm'])).toEqual(['arm', 'riscv64'])
  })
  it('builds the binfmt image argv with only the needed architectures', () => {
    expect(binfmtImageArgs('tonistiigi/binfmt:x', ['arm64', 'arm', 'arm'])).toEqual([
      'run',
      '--rm',
      '--privileged',
      '--network',
      'none',
      'tonistiigi/binfmt:x',
      '--install',
      'arm64,arm'
    ])
  })
  it.each([
    [fixture('qemu-arm.binfmt.d.conf'), ':OPF'],
    [':qemu-arm:M::\\x7fELF:\\xff:/usr/bin/qemu-arm-static:OC', ':OCF'],
    [':qemu-arm:M::\\x7fELF:\\xff:/usr/bin/qemu-arm-static:', ':F']
  ])('ensures the F flag: %s', (line, ending) => {
    expect(withFixBinaryFlag(line).endsWith(ending)).toBe(true)
  })
})

describe('ensureEmulation', () => {
  const platforms = ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
  /** ensureEmulation for the three platforms on an amd64 host as root, binfmt image `img`. */
  const emulate = (
    options: Pick<EmulationOptions, 'mode' | 'runner' | 'binfmtDir'> & Partial<EmulationOptions>
  ): ReturnType<typeof ensureEmulation> =>
    ensureEmulation({ platforms, image: 'img', hostArch: 'amd64', isRoot: true, ...options })

  it('installs nothing and runs nothing when the handlers are registered', async () => {
    const runner = new FakeRunner()
    const dir = binfmtDir({ 'qemu-aarch64': 'qemu-aarch64.enabled-F', 'qemu-arm': 'qemu-arm.enabled-F' })
    const result = await emulate({ mode: 'auto', runner, binfmtDir: dir })
    expect(result).toEqual({ emulated: ['linux/arm64', 'linux/arm/v7'], installed: [], method: 'none' })
    expect(runner.calls).toEqual([])
  })

  it('needs nothing for native platforms, whatever the mode', async () => {
    const runner = new FakeRunner()
    const result = await emulate({
      platforms: ['linux/amd64'],
      mode: 'false',
      runner,
      binfmtDir: binfmtDir({})
    })
    expect(result.emulated).toEqual([])
    expect(runner.calls).toEqual([])
  })

  it('qemu false with a missing handler fails naming the platform, running nothing', async () => {
    const runner = new FakeRunner()
    const dir = binfmtDir({ 'qemu-aarch64': 'qemu-aarch64.enabled-F' })
    await expect(emulate({ mode: 'false', runner, binfmtDir: dir })).rejects.toThrow(
      /linux\/arm\/v7 needs QEMU emulation .*qemu-arm.*qemu is false/
    )
    expect(runner.calls).toEqual([])
  })

  it('image mode installs only the missing architecture and checks again', async () => {
    const dir = binfmtDir({ 'qemu-aarch64': 'qemu-aarch64.enabled-F' })
    const runner = new FakeRunner().on(
      c => c.args.includes('--install'),
      () => {
        fs.writeFileSync(path.join(dir, 'qemu-arm'), fixture('qemu-arm.enabled-F'))
        return {}
      }
    )
    const result = await emulate({ mode: 'image', runner, binfmtDir: dir })
    expect(runner.lines()).toEqual(['docker run --rm --privileged --network none img --install arm'])
    expect(result.method).toBe('image')
  })

  it('auto falls back to the package when the image cannot be pulled, registering with F', async () => {
    const dir = binfmtDir({ 'qemu-aarch64': 'qemu-aarch64.enabled-F', 'qemu-arm': 'qemu-arm.disabled' })
    const confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'binfmt.d-'))
    fs.writeFileSync(path.join(confDir, 'qemu-arm.conf'), fixture('qemu-arm.binfmt.d.conf'))
    const written: string[] = []
    const runner = new FakeRunner()
      .on(c => c.args.includes('--install'), { exitCode: 1, stderr: 'pull access denied for img' })
      .on(
        c => c.command === 'tee',
        c => {
          written.push(`${c.args[0] ?? ''} <- ${c.options.input ?? ''}`)
          if (c.args[0]?.endsWith('register'))
            fs.writeFileSync(path.join(dir, 'qemu-arm'), fixture('qemu-arm.enabled-F'))
          return {}
        }
      )
    const result = await emulate({ mode: 'auto', runner, binfmtDir: dir, confDirs: [confDir] })
    expect(result.method).toBe('package')
    expect(runner.lines().filter(l => l.startsWith('apt-get'))).toEqual([]) // the package is already there
    expect(written).toEqual([
      `${path.join(dir, 'qemu-arm')} <- -1`,
      `${path.join(dir, 'register')} <- ${fixture('qemu-arm.binfmt.d.conf').trim()}`
    ])
  })

  it('package mode installs qemu-user-static with sudo when not root', async () => {
    const dir = binfmtDir({})
    const confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'binfmt.d-'))
    const runner = new FakeRunner()
      .on(
        c => c.args.includes('install'),
        () => {
          fs.writeFileSync(
            path.join(confDir, 'qemu-aarch64.conf'),
            ':qemu-aarch64:M::\\x7fELF:\\xff:/usr/bin/qemu-aarch64-static:OC\n'
          )
          return {}
        }
      )
      .on(
        c => c.args.includes('tee'),
        () => {
          fs.writeFileSync(path.join(dir, 'qemu-aarch64'), fixture('qemu-aarch64.enabled-F'))
          return {}
        }
      )
    await emulate({
      platforms: ['linux/arm64'],
      mode: 'package',
      runner,
      binfmtDir: dir,
      confDirs: [confDir],
      isRoot: false
    })
    expect(runner.lines()).toEqual([
      'sudo -n apt-get update -qq',
      'sudo -n apt-get install -y -qq --no-install-recommends qemu-user-static',
      `sudo -n tee ${path.join(dir, 'register')}`
    ])
    expect(runner.calls[2]?.options.input).toBe(
      ':qemu-aarch64:M::\\x7fELF:\\xff:/usr/bin/qemu-aarch64-static:OCF'
    )
  })

  it('fails before the build when a handler is still missing, saying what was tried', async () => {
    const dir = binfmtDir({})
    const runner = new FakeRunner().on(c => c.args.includes('--install'), {
      exitCode: 125,
      stderr: 'no such host'
    })
    await expect(
      emulate({ platforms: ['linux/arm64'], mode: 'image', runner, binfmtDir: dir })
    ).rejects.toThrow(
      /QEMU emulation for linux\/arm64 could not be set up .*Tried: docker run img failed: no such host/
    )
  })
})
