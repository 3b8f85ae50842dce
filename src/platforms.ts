/**
 * Platform strings (`os/arch[/variant]`) as users write them in `platforms`, and how they map to the
 * QEMU user-mode handler that runs them on another architecture.
 */

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

/** The architectures (and their variants) BuildKit builds for on Linux. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  amd64: ['v1', 'v2', 'v3', 'v4'],
  '386': [],
  arm64: ['v8'],
  arm: ['v5', 'v6', 'v7'],
  ppc64le: [],
  ppc64: [],
  s390x: [],
  riscv64: [],
  mips64le: [],
  mips64: [],
  mipsle: [],
  mips: [],
  loong64: []
}

export function knownArchitectures(): string[] {
  return Object.keys(KNOWN)
}

/** Parses `linux/arm/v7`; throws a message fit for the user (the caller adds the input name). */
export function parsePlatform(value: string): Platform {
  const parts = value.split('/')
  const [os, architecture, variant] = parts
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new Error(
      `"${value}" is not a platform; expected os/arch[/variant] such as linux/arm64 or linux/arm/v7`
    )
  }
  if (os !== 'linux') {
    throw new Error(`"${value}": only linux platforms can be built by a Linux BuildKit; use linux/<arch>`)
  }
  const variants = KNOWN[architecture]
  if (!variants) {
    throw new Error(
      `"${value}": unknown architecture "${architecture}"; known: ${knownArchitectures().join(', ')}`
    )
  }
  if (variant !== undefined && !variants.includes(variant)) {
    const allowed = variants.length ? variants.join(', ') : 'none'
    throw new Error(`"${value}": unknown variant "${variant}" for ${architecture}; allowed: ${allowed}`)
  }
  return variant === undefined ? { os, architecture } : { os, architecture, variant }
}

/** The canonical spelling: `linux/arm64/v8` is the same platform as `linux/arm64`. */
export function normalizePlatform(value: string): string {
  const p = parsePlatform(value)
  return formatPlatform(p)
}

export function formatPlatform(p: Platform): string {
  const variant = p.architecture === 'arm64' && p.variant === 'v8' ? undefined : p.variant
  return variant ? `${p.os}/${p.architecture}/${variant}` : `${p.os}/${p.architecture}`
}

/** Node's `process.arch` -> the OCI architecture of this host. */
export function hostArchitecture(nodeArch: string = process.arch): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    s390x: 's390x'
  }
  return map[nodeArch] ?? nodeArch
}

/** Architectures a host runs without emulation (amd64 runs 386; arm64 usually runs arm). */
const NATIVE: Readonly<Record<string, readonly string[]>> = {
  amd64: ['amd64', '386'],
  arm64: ['arm64'],
  '386': ['386'],
  arm: ['arm'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64']
}

/** QEMU handler names in binfmt_misc (`qemu-<name>`) per architecture. */
const QEMU_HANDLER: Readonly<Record<string, string>> = {
  amd64: 'x86_64',
  '386': 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  mips64: 'mips64',
  mipsle: 'mipsel',
  mips: 'mips',
  loong64: 'loongarch64'
}

/** The QEMU handler (`aarch64`, `arm`, …) a platform needs on a host of `hostArch`, or undefined when native. */
export function emulatorFor(platform: Platform, hostArch: string): string | undefined {
  if ((NATIVE[hostArch] ?? [hostArch]).includes(platform.architecture)) return undefined
  return QEMU_HANDLER[platform.architecture]
}
