import { describe, expect, it } from '@jest/globals'
import { emulatorFor, formatPlatform, hostArchitecture, parsePlatform } from '../../src/oci/platforms.js'

describe('parsePlatform (what users may ask for)', () => {
  it.each<[string, string]>([
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/aarch64', 'linux/arm64'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/riscv64', 'linux/riscv64'],
    ['Linux/ARM64', 'linux/arm64']
  ])('%s -> %s', (value, expected) => {
    expect(formatPlatform(parsePlatform(value))).toBe(expected)
  })

  it.each<[string, RegExp]>([
    ['linux', /expected os\/architecture/],
    ['windows/amd64', /only linux platforms/],
    ['linux/sparc', /unknown architecture "sparc"/],
    ['linux/arm/v9', /unknown variant "v9" for arm; allowed: v5, v6, v7/],
    ['linux/riscv64/v1', /unknown variant "v1" for riscv64; allowed: none/],
    ['linux/amd64/v2/x', /expected os\/architecture/]
  ])('rejects %s', (value, message) => {
    expect(() => parsePlatform(value)).toThrow(message)
  })
})

describe('hostArchitecture', () => {
  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
    ['arm', 'arm'],
    ['ia32', '386'],
    ['s390x', 's390x'],
    ['riscv64', 'riscv64']
  ])('%s -> %s', (node, oci) => {
    expect(hostArchitecture(node)).toBe(oci)
  })
})

describe('emulatorFor', () => {
  it.each<[string, string, string | undefined]>([
    ['linux/arm64', 'amd64', 'aarch64'],
    ['linux/386', 'amd64', undefined],
    // many arm64 CPUs (Graviton 3+, Neoverse N2) cannot run 32-bit ARM code: emulate it
    ['linux/arm/v7', 'arm64', 'arm'],
    ['linux/amd64', 'arm64', 'x86_64'],
    ['linux/amd64', 'amd64', undefined]
  ])('%s on %s', (platform, host, handler) => {
    expect(emulatorFor(parsePlatform(platform), host)).toBe(handler)
  })
})
