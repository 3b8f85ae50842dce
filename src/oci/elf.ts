/**
 * ELF facts: the identification and machine of an executable from its first 20 bytes, and which machine,
 * word size and byte order each Linux platform runs. Pure functions.
 */

/** The bytes of a file needed to tell its ELF class, byte order, type and machine. */
export const ELF_HEAD_BYTES = 20

export interface ElfHeader {
  bits: 32 | 64
  endianness: 'LSB' | 'MSB'
  /** e_type: 2 executable, 3 shared object (PIE executables too), 1 relocatable, 4 core. */
  type: number
  /** e_machine */
  machine: number
}

export const ELF_TYPE = { relocatable: 1, executable: 2, shared: 3, core: 4 } as const

const EM = {
  i386: 3,
  mips: 8,
  ppc: 20,
  ppc64: 21,
  s390: 22,
  arm: 40,
  x8664: 62,
  aarch64: 183,
  riscv: 243,
  loongarch: 258
} as const

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  [EM.i386]: 'Intel 80386',
  [EM.mips]: 'MIPS',
  [EM.ppc]: 'PowerPC',
  [EM.ppc64]: 'PowerPC64',
  [EM.s390]: 'IBM S/390',
  [EM.arm]: 'ARM',
  [EM.x8664]: 'x86-64',
  [EM.aarch64]: 'AArch64',
  [EM.riscv]: 'RISC-V',
  [EM.loongarch]: 'LoongArch'
}

/** What an executable for a platform's architecture looks like. */
export interface ElfExpectation {
  machine: number
  bits: 32 | 64
  endianness: 'LSB' | 'MSB'
}

const EXPECTED: Readonly<Record<string, ElfExpectation>> = {
  amd64: { machine: EM.x8664, bits: 64, endianness: 'LSB' },
  '386': { machine: EM.i386, bits: 32, endianness: 'LSB' },
  arm64: { machine: EM.aarch64, bits: 64, endianness: 'LSB' },
  arm: { machine: EM.arm, bits: 32, endianness: 'LSB' },
  ppc64le: { machine: EM.ppc64, bits: 64, endianness: 'LSB' },
  ppc64: { machine: EM.ppc64, bits: 64, endianness: 'MSB' },
  s390x: { machine: EM.s390, bits: 64, endianness: 'MSB' },
  riscv64: { machine: EM.riscv, bits: 64, endianness: 'LSB' },
  mips64le: { machine: EM.mips, bits: 64, endianness: 'LSB' },
  mips64: { machine: EM.mips, bits: 64, endianness: 'MSB' },
  mipsle: { machine: EM.mips, bits: 32, endianness: 'LSB' },
  mips: { machine: EM.mips, bits: 32, endianness: 'MSB' },
  loong64: { machine: EM.loongarch, bits: 64, endianness: 'LSB' }
}

/** The ELF header at the start of `head`, or undefined when the bytes are not an ELF file. */
export function parseElfHeader(head: Uint8Array): ElfHeader | undefined {
  if (head.length < ELF_HEAD_BYTES) return undefined
  if (head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return undefined
  const bits = head[4] === 1 ? 32 : head[4] === 2 ? 64 : undefined
  const endianness = head[5] === 1 ? 'LSB' : head[5] === 2 ? 'MSB' : undefined
  if (bits === undefined || endianness === undefined) return undefined
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const little = endianness === 'LSB'
  return { bits, endianness, type: view.getUint16(16, little), machine: view.getUint16(18, little) }
}

/** Whether the file is something the kernel runs or loads: an executable or a shared object. */
export function isLoadable(header: ElfHeader): boolean {
  return header.type === ELF_TYPE.executable || header.type === ELF_TYPE.shared
}

/** The ELF an architecture ('arm64', 'arm', ...) runs, or undefined for one this table does not know. */
export function expectedElf(architecture: string): ElfExpectation | undefined {
  return EXPECTED[architecture]
}

/** 'ELF 64-bit LSB x86-64', as `file` says it. */
export function describeElf(elf: ElfExpectation): string {
  const machine = MACHINE_NAMES[elf.machine] ?? `machine ${elf.machine}`
  return `ELF ${elf.bits}-bit ${elf.endianness} ${machine}`
}

/**
 * Why an ELF file cannot run on the architecture ('is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64'),
 * or undefined when it can (or when the architecture is not in the table).
 */
export function elfMismatch(header: ElfHeader, architecture: string): string | undefined {
  const expected = expectedElf(architecture)
  if (!expected) return undefined
  if (
    header.machine === expected.machine &&
    header.bits === expected.bits &&
    header.endianness === expected.endianness
  ) {
    return undefined
  }
  return `is ${describeElf(header)}, not ${describeElf(expected)}`
}
