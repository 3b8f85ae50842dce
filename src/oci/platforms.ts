/**
 * Platform strings (`os/arch[/variant]`) as users write them in `platforms`, and how they map to the
 * QEMU user-mode handler that runs them on another architecture.
 */

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

/**
 * 'os/arch[/variant]' as users write it in --platform, normalised like containerd does: arm64/v8 is
 * 'linux/arm64', amd64/v1 is 'linux/amd64', arm without a variant is 'linux/arm/v7', and aliases such
 * as x86_64 and aarch64 become amd64 and arm64.
 */
export function formatPlatform(p: Platform): string {
  const os = p.os.trim().toLowerCase()
  let architecture = p.architecture.trim().toLowerCase()
  let variant = (p.variant ?? '').trim().toLowerCase()
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
      architecture = 'amd64'
      if (variant === 'v1') variant = ''
      break
    case 'amd64':
      if (variant === 'v1') variant = ''
      break
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64'
      if (variant === 'v8') variant = ''
      break
    case 'armhf':
      architecture = 'arm'
      variant = 'v7'
      break
    case 'armel':
      architecture = 'arm'
      variant = 'v6'
      break
    case 'arm':
      if (variant === '') variant = 'v7'
      else if (/^\d+$/.test(variant)) variant = `v${variant}`
      break
    case 'i386':
      architecture = '386'
      break
  }
  return variant === '' ? `${os}/${architecture}` : `${os}/${architecture}/${variant}`
}

/** Normalises a platform string such as 'linux/arm64/v8' or 'Linux/x86_64' (see formatPlatform). */
export function normalizePlatform(platform: string): string {
  const parts = platform.trim().split('/')
  const [os, architecture, variant] = parts
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new Error(`Invalid platform "${platform}": expected os/architecture[/variant], e.g. linux/arm64`)
  }
  return formatPlatform(variant === undefined ? { os, architecture } : { os, architecture, variant })
}

/** The architectures (and their variants) BuildKit builds for on Linux, in canonical spelling. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  amd64: ['v2', 'v3', 'v4'],
  '386': [],
  arm64: [],
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

/**
 * Parses a platform a user asked for (`linux/arm/v7`, `linux/arm64/v8`, `linux/x86_64`) into its canonical
 * form, and checks that BuildKit can build it; throws a message fit for the user (the caller adds the
 * input name).
 */
export function parsePlatform(value: string): Platform {
  const canonical = normalizePlatform(value)
  const [os, architecture = '', variant] = canonical.split('/')
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

/** Node's `process.arch` -> the OCI architecture of this host. */
export function hostArchitecture(nodeArch: string): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    s390x: 's390x'
  }
  return map[nodeArch] ?? nodeArch
}

/**
 * Architectures a host runs without emulation. amd64 runs 386; arm64 is not counted on to run arm: many
 * 64-bit ARM CPUs (Graviton 3 and later, Neoverse N2/V2, Apple silicon) have no 32-bit mode.
 */
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
