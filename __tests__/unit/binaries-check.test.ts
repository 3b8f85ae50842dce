import { describe, expect, it } from '@jest/globals'
import type { LayerEntry, LayerFiles } from '../../src/oci/layer-files.js'
import {
  binaryFailures,
  binaryNotes,
  checkPlatformBinaries,
  describeBinaries,
  type LayerDescriptor,
  type PlatformImage
} from '../../src/publish/binaries-check.js'

const NOW = Date.parse('2026-11-23T12:00:00Z')
const elf = (machine: number, bits: 32 | 64 = 64): LayerEntry => ({
  type: 'file',
  mode: 0o755,
  script: false,
  elf: { bits, endianness: 'LSB', type: 2, machine }
})
const files = (entries: Record<string, LayerEntry>): LayerFiles => ({
  entries: new Map(Object.entries(entries)),
  whiteouts: new Set(),
  opaqueDirs: new Set()
})
const MiB = 1024 * 1024

// Bottom first: the base (busybox of the build platform, as FROM --platform=$BUILDPLATFORM gives it),
// then two layers this build added.
const LAYERS: Record<string, { size: number; files: LayerFiles }> = {
  'sha256:base': {
    size: 2 * MiB,
    files: files({ '/bin/busybox': elf(62), '/bin/sh': { type: 'symlink', target: 'busybox' } })
  },
  'sha256:lib': { size: 1 * MiB, files: files({ '/usr/lib/libx.so': elf(183) }) },
  'sha256:app': { size: 1 * MiB, files: files({ '/app/tool': elf(62) }) }
}
const descriptors: LayerDescriptor[] = Object.entries(LAYERS).map(([digest, { size }]) => ({
  digest,
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  size
}))
const history = [
  { created: '2026-11-23T12:00:01Z', created_by: 'COPY lib', comment: 'buildkit.dockerfile.v0' },
  { created: '2026-11-23T12:00:01Z', created_by: 'COPY app', comment: 'buildkit.dockerfile.v0' },
  { created: '2026-11-23T12:00:02Z', created_by: 'mount / from exec', comment: 'buildkit.exporter.image.v0' }
]

function image(config: PlatformImage['config'], overrides: Partial<PlatformImage> = {}): PlatformImage {
  return { platform: 'linux/arm64', layers: descriptors, history, config, ...overrides }
}

function reader(): { read: (layer: LayerDescriptor) => Promise<LayerFiles>; reads: string[] } {
  const reads: string[] = []
  return {
    reads,
    read: layer => {
      reads.push(layer.digest)
      const found = LAYERS[layer.digest]
      return found ? Promise.resolve(found.files) : Promise.reject(new Error(`no ${layer.digest}`))
    }
  }
}

describe('checkPlatformBinaries', () => {
  it("checks this build's layers only: the base's busybox is not flagged; the entrypoint in them needs no base read", async () => {
    const { read, reads } = reader()
    const report = await checkPlatformBinaries(image({ Entrypoint: ['/app/tool'] }), read, {
      budgetBytes: 256 * MiB,
      builtSince: NOW
    })
    expect(reads).toEqual(['sha256:app', 'sha256:lib'])
    expect(binaryFailures(report)).toEqual([
      `linux/arm64: /app/tool is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64 (added by this build, layer sha256:app)`
    ])
    expect(binaryNotes(report)).toEqual([])
    expect(describeBinaries(report)).toBe(
      'linux/arm64: 2 of 3 layers added by this build, 2.00 MiB read, 1 wrong ELF file(s); starts /app/tool (wrong)'
    )
  })

  it('reads the base only to find the program the container starts, and reports it when it is wrong', async () => {
    const { read, reads } = reader()
    const report = await checkPlatformBinaries(image({ Cmd: ['sh'], Env: ['PATH=/bin'] }), read, {
      budgetBytes: 256 * MiB,
      builtSince: NOW
    })
    expect(reads).toEqual(['sha256:app', 'sha256:lib', 'sha256:base'])
    expect(binaryFailures(report)).toEqual([
      'linux/arm64: /app/tool is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64 (added by this build, layer sha256:app)',
      'linux/arm64: the program the container starts, /bin/busybox, is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64'
    ])
  })

  it('stops at the byte budget and says what it did not read', async () => {
    const { read, reads } = reader()
    const report = await checkPlatformBinaries(image({ Cmd: ['/bin/sh'] }), read, {
      budgetBytes: 1.5 * MiB,
      builtSince: NOW
    })
    expect(reads).toEqual(['sha256:app'])
    expect(binaryNotes(report)).toEqual([
      'linux/arm64: the byte budget (1.50 MiB) ran out after 1 of 3 layers (1.00 MiB read; layer sha256:lib has 1.00 MiB): the layers below were not checked',
      'linux/arm64: the program the container starts, /bin/sh, was not found in the layers read'
    ])
  })

  it('checks every layer when the history does not tell which are new', async () => {
    const { read, reads } = reader()
    const report = await checkPlatformBinaries(image({}, { history: undefined }), read, {
      budgetBytes: 256 * MiB,
      builtSince: NOW
    })
    expect(reads).toEqual(['sha256:app', 'sha256:lib', 'sha256:base'])
    expect(report.wrong.map(w => w.path)).toEqual(['/app/tool', '/bin/busybox'])
    expect(binaryNotes(report)).toEqual([
      'linux/arm64: the image history does not tell which layers this build added, so all 3 are checked'
    ])
  })

  it('reports a program that is not in the image as a note', async () => {
    const { read } = reader()
    const report = await checkPlatformBinaries(image({ Entrypoint: ['/nope'] }), read, {
      budgetBytes: 256 * MiB,
      builtSince: NOW
    })
    expect(binaryNotes(report)).toEqual([
      'linux/arm64: the program the container starts, /nope, is not in the image'
    ])
  })

  it('passes on the platform the binaries are for', async () => {
    const { read } = reader()
    const report = await checkPlatformBinaries(
      image(
        { Entrypoint: ['/app/tool'] },
        {
          platform: 'linux/amd64',
          layers: descriptors.filter(d => d.digest !== 'sha256:lib'),
          history: history.slice(1)
        }
      ),
      read,
      { budgetBytes: 256 * MiB, builtSince: NOW }
    )
    expect(binaryFailures(report)).toEqual([])
    expect(report.program).toEqual({ status: 'ok', path: '/app/tool' })
  })
})
