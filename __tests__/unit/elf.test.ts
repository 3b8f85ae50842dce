import { describe, expect, it } from '@jest/globals'
import { describeElf, elfMismatch, expectedElf, isLoadable, parseElfHeader } from '../../src/oci/elf.js'
import { EM, elfBytes } from './image-fixtures.js'

describe('parseElfHeader', () => {
  it.each<[string, Buffer, ReturnType<typeof parseElfHeader>]>([
    [
      'x86-64 executable',
      elfBytes({ bits: 64, lsb: true, machine: EM.x8664 }),
      { bits: 64, endianness: 'LSB', type: 2, machine: 62 }
    ],
    [
      'AArch64 PIE',
      elfBytes({ bits: 64, lsb: true, machine: EM.aarch64, type: 3 }),
      { bits: 64, endianness: 'LSB', type: 3, machine: 183 }
    ],
    [
      'ARM 32-bit',
      elfBytes({ bits: 32, lsb: true, machine: EM.arm }),
      { bits: 32, endianness: 'LSB', type: 2, machine: 40 }
    ],
    [
      's390x big-endian',
      elfBytes({ bits: 64, lsb: false, machine: EM.s390 }),
      { bits: 64, endianness: 'MSB', type: 2, machine: 22 }
    ],
    [
      'exactly 20 bytes',
      elfBytes({ bits: 32, lsb: true, machine: EM.i386 }).subarray(0, 20),
      { bits: 32, endianness: 'LSB', type: 2, machine: 3 }
    ],
    ['19 bytes', elfBytes({ bits: 32, lsb: true, machine: EM.i386 }).subarray(0, 19), undefined],
    ['a script', Buffer.from('#!/bin/sh\necho hello world, this is long\n'), undefined],
    ['bad class', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 3, 1, ...new Array<number>(20).fill(0)]), undefined],
    [
      'bad data encoding',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 0, ...new Array<number>(20).fill(0)]),
      undefined
    ],
    ['empty', Buffer.alloc(0), undefined]
  ])('%s', (_name, bytes, expected) => {
    expect(parseElfHeader(bytes)).toEqual(expected)
  })

  it('reads a header from a view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.alloc(7), elfBytes({ bits: 64, lsb: false, machine: EM.ppc64 })])
    expect(parseElfHeader(big.subarray(7))).toEqual({ bits: 64, endianness: 'MSB', type: 2, machine: 21 })
  })
})

describe('elfMismatch', () => {
  const x86 = { bits: 64, endianness: 'LSB', type: 2, machine: EM.x8664 } as const
  const arm = { bits: 32, endianness: 'LSB', machine: EM.arm } as const
  const aarch64 = { bits: 64, endianness: 'LSB', machine: EM.aarch64 } as const
  const i386 = { bits: 32, endianness: 'LSB', machine: EM.i386 } as const
  const ppc64le = { bits: 64, endianness: 'LSB', machine: EM.ppc64 } as const
  const ppc64be = { bits: 64, endianness: 'MSB', machine: EM.ppc64 } as const
  const s390x = { bits: 64, endianness: 'MSB', machine: EM.s390 } as const
  const riscv64 = { bits: 64, endianness: 'LSB', machine: EM.riscv } as const
  const riscv32 = { bits: 32, endianness: 'LSB', machine: EM.riscv } as const
  const unknown = { bits: 64, endianness: 'LSB', machine: 9999 } as const
  it.each<
    [string, { bits: 32 | 64; endianness: 'LSB' | 'MSB'; machine: number }, string, string | undefined]
  >([
    ['x86-64 on amd64', x86, 'amd64', undefined],
    ['x86-64 on arm64', x86, 'arm64', 'is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64'],
    ['x86-64 on arm', x86, 'arm', 'is ELF 64-bit LSB x86-64, not ELF 32-bit LSB ARM'],
    ['ARM on arm (v6 and v7 alike)', arm, 'arm', undefined],
    ['AArch64 on arm', aarch64, 'arm', 'is ELF 64-bit LSB AArch64, not ELF 32-bit LSB ARM'],
    ['i386 on 386', i386, '386', undefined],
    ['i386 on amd64', i386, 'amd64', 'is ELF 32-bit LSB Intel 80386, not ELF 64-bit LSB x86-64'],
    ['PPC64 LE on ppc64le', ppc64le, 'ppc64le', undefined],
    ['PPC64 BE on ppc64le', ppc64be, 'ppc64le', 'is ELF 64-bit MSB PowerPC64, not ELF 64-bit LSB PowerPC64'],
    ['S/390 on s390x', s390x, 's390x', undefined],
    ['RISC-V on riscv64', riscv64, 'riscv64', undefined],
    ['RISC-V 32-bit on riscv64', riscv32, 'riscv64', 'is ELF 32-bit LSB RISC-V, not ELF 64-bit LSB RISC-V'],
    ['unknown machine', unknown, 'amd64', 'is ELF 64-bit LSB machine 9999, not ELF 64-bit LSB x86-64'],
    ['an architecture the table does not know', x86, 'sparc64', undefined]
  ])('%s', (_name, header, architecture, expected) => {
    expect(elfMismatch({ ...header, type: 2 }, architecture)).toBe(expected)
  })

  it('knows every architecture the action builds for', () => {
    for (const arch of ['amd64', '386', 'arm64', 'arm', 'ppc64le', 's390x', 'riscv64'])
      expect(expectedElf(arch)).toBeDefined()
    expect(describeElf(s390x)).toBe('ELF 64-bit MSB IBM S/390')
  })

  it.each([
    [1, false],
    [2, true],
    [3, true],
    [4, false]
  ])('e_type %d loadable: %s', (type, expected) => {
    expect(isLoadable({ bits: 64, endianness: 'LSB', machine: EM.x8664, type })).toBe(expected)
  })
})
