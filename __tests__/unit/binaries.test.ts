import { describe, expect, it } from '@jest/globals'
import { checkProgram, layersAddedByBuild, wrongBinaries, type HistoryEntry } from '../../src/oci/binaries.js'
import type { LayerEntry, LayerFiles } from '../../src/oci/layer-files.js'
import type { RootfsView } from '../../src/oci/rootfs.js'

const START = Date.parse('2026-11-23T12:00:00Z')
const NOW = '2026-11-23T12:00:05.123Z'
const OLD = '2025-01-01T00:00:00Z'
const step = (created: string, extra: HistoryEntry = {}): HistoryEntry => ({
  created,
  created_by: 'RUN x # buildkit',
  comment: 'buildkit.dockerfile.v0',
  ...extra
})

describe('layersAddedByBuild', () => {
  it.each<[string, HistoryEntry[] | undefined, number, number | undefined]>([
    [
      "base without history: BuildKit appends a generated entry at the end, only this build's steps count",
      [
        step(NOW, { empty_layer: true }),
        step(NOW),
        step(NOW, { empty_layer: true }),
        { created: NOW, created_by: 'mount / from exec', comment: 'buildkit.exporter.image.v0' }
      ],
      2,
      1
    ],
    [
      'older Dockerfile steps too (a base built by BuildKit, or cached steps): every layer',
      [step(OLD), step(OLD), step(NOW), step(NOW)],
      4,
      undefined
    ],
    ["a fully cached build: the earlier run's config", [step(OLD), step(OLD)], 2, undefined],
    ['a step seconds before the start (clock skew)', [step('2026-11-23T11:59:30Z'), step(NOW)], 3, 2],
    ['base without BuildKit comment', [{ created: OLD, created_by: 'ADD rootfs' }, step(NOW)], 2, 1],
    [
      'SOURCE_DATE_EPOCH: every step at the epoch',
      [step('1970-01-01T00:00:00Z'), step('1970-01-01T00:00:00Z')],
      2,
      undefined
    ],
    ['no history', undefined, 3, undefined],
    ['more steps than layers', [step(NOW), step(NOW), step(NOW)], 2, 2],
    ['an unparsable date', [step('yesterday')], 1, undefined]
  ])('%s', (_name, history, layers, expected) => {
    expect(layersAddedByBuild(history, layers, START)).toBe(expected)
  })
})

const x86: LayerEntry = {
  type: 'file',
  mode: 0o755,
  script: false,
  elf: { bits: 64, endianness: 'LSB', type: 2, machine: 62 }
}
const arm64: LayerEntry = {
  type: 'file',
  mode: 0o755,
  script: false,
  elf: { bits: 64, endianness: 'LSB', type: 3, machine: 183 }
}
const object: LayerEntry = {
  type: 'file',
  mode: 0o644,
  script: false,
  elf: { bits: 64, endianness: 'LSB', type: 1, machine: 62 }
}
const script: LayerEntry = { type: 'file', mode: 0o755, script: true }
const layer = (entries: Record<string, LayerEntry>, whiteouts: string[] = []): LayerFiles => ({
  entries: new Map(Object.entries(entries)),
  whiteouts: new Set(whiteouts),
  opaqueDirs: new Set()
})

describe('wrongBinaries', () => {
  const top = layer({ '/app/tool': x86, '/app/lib.o': object, '/app/ok': arm64, '/app/run.sh': script }, [
    '/app/gone'
  ])
  const lower = layer({ '/app/gone': x86, '/app/tool': arm64, '/app/replaced': x86 })
  const upper = layer({ '/app/replaced': arm64 })
  const base = layer({ '/bin/busybox': x86 })
  const view: RootfsView = { layers: [upper, top, lower, base], complete: true }

  it('flags visible ELF executables and shared objects of the layers given, by path and layer', () => {
    expect(
      wrongBinaries(view, { architecture: 'arm64', layers: [0, 1, 2], digests: ['d0', 'd1', 'd2', 'd3'] })
    ).toEqual([
      { path: '/app/tool', problem: 'is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64', layer: 'd1' }
    ])
  })
  it('leaves the layers not given (the base) alone', () => {
    expect(wrongBinaries(view, { architecture: 'arm64', layers: [0], digests: [] })).toEqual([])
  })
  it('finds nothing wrong for the matching platform', () => {
    expect(
      wrongBinaries({ layers: [base], complete: true }, { architecture: 'amd64', layers: [0], digests: [] })
    ).toEqual([])
  })
})

describe('checkProgram', () => {
  const app = layer({
    '/app/tool': x86,
    '/app/run.sh': script,
    '/app/data': { type: 'file', mode: 0o644, script: false }
  })
  const base = layer({ '/bin/busybox': arm64, '/bin/sh': { type: 'symlink', target: 'busybox' } })
  const view: RootfsView = { layers: [app, base], complete: true }
  it.each<[string, RootfsView, Parameters<typeof checkProgram>[1], ReturnType<typeof checkProgram>]>([
    [
      'a wrong entrypoint',
      view,
      { Entrypoint: ['/app/tool'] },
      { status: 'wrong', path: '/app/tool', problem: 'is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64' }
    ],
    [
      'a shell from the base, by PATH',
      view,
      { Cmd: ['sh'], Env: ['PATH=/bin'] },
      { status: 'ok', path: '/bin/busybox' }
    ],
    ['a script', view, { Entrypoint: ['/app/run.sh'] }, { status: 'script', path: '/app/run.sh' }],
    ['not ELF', view, { Entrypoint: ['/app/data'] }, { status: 'not-elf', path: '/app/data' }],
    ['missing', view, { Cmd: ['/nope'] }, { status: 'missing', program: '/nope' }],
    [
      'needs a lower layer',
      { layers: [app], complete: false },
      { Cmd: ['/bin/sh'] },
      { status: 'incomplete', program: '/bin/sh' }
    ],
    ['none', view, {}, { status: 'none' }]
  ])('%s', (_name, v, config, expected) => {
    expect(checkProgram(v, config, 'arm64')).toEqual(expected)
  })
})
