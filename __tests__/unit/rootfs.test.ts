import { describe, expect, it } from '@jest/globals'
import type { LayerEntry, LayerFiles } from '../../src/oci/layer-files.js'
import {
  findProgram,
  programCandidates,
  programOf,
  resolvePath,
  type RootfsView
} from '../../src/oci/rootfs.js'

const file: LayerEntry = { type: 'file', mode: 0o755, script: false }
const dir: LayerEntry = { type: 'directory' }
const link = (target: string): LayerEntry => ({ type: 'symlink', target })

function layer(
  entries: Record<string, LayerEntry>,
  whiteouts: string[] = [],
  opaque: string[] = []
): LayerFiles {
  return {
    entries: new Map(Object.entries(entries)),
    whiteouts: new Set(whiteouts),
    opaqueDirs: new Set(opaque)
  }
}

// Bottom: a merged-/usr base (/bin -> usr/bin); middle: deletes /usr/bin/old, empties /srv; top: the app.
const base = layer({
  '/bin': link('usr/bin'),
  '/usr/bin/busybox': file,
  '/usr/bin/sh': link('busybox'),
  '/usr/bin/old': file,
  '/srv/data': file,
  '/lib/ld.so': file,
  '/usr/lib/ld.so': { type: 'hardlink', target: '/lib/ld.so' }
})
const middle = layer(
  { '/srv': dir, '/loop/a': link('/loop/b'), '/loop/b': link('/loop/a') },
  ['/usr/bin/old'],
  ['/srv']
)
const top = layer({ '/app/run': file, '/app/current': link('../app/run'), '/usr/local/bin/tool': file })
const full: RootfsView = { layers: [top, middle, base], complete: true }
const partial: RootfsView = { layers: [top], complete: false }

describe('resolvePath', () => {
  it.each<[string, RootfsView, string, string | { incomplete: boolean }]>([
    ['a file of the top layer', full, '/app/run', '/app/run'],
    ['a relative link', full, '/app/current', '/app/run'],
    ['through a linked directory', full, '/bin/sh', '/usr/bin/busybox'],
    ['a hard link', full, '/usr/lib/ld.so', '/lib/ld.so'],
    ['deleted by a whiteout above', full, '/usr/bin/old', { incomplete: false }],
    ['hidden by an opaque directory above', full, '/srv/data', { incomplete: false }],
    ['a link loop', full, '/loop/a', { incomplete: false }],
    ['not anywhere', full, '/nope', { incomplete: false }],
    ['not in the layers read so far', partial, '/bin/sh', { incomplete: true }],
    ['found in the layers read so far', partial, '/app/run', '/app/run']
  ])('%s', (_name, view, path, expected) => {
    const found = resolvePath(view, path)
    if (typeof expected === 'string') expect(found).toMatchObject({ found: true, path: expected })
    else expect(found).toEqual({ found: false, ...expected })
  })
})

describe('programOf and programCandidates', () => {
  it.each<[string, Parameters<typeof programOf>[0], string | undefined]>([
    ['entrypoint wins', { Entrypoint: ['/app/run', 'x'], Cmd: ['/bin/sh'] }, '/app/run'],
    ['cmd without entrypoint', { Entrypoint: null, Cmd: ['cat', '/f'] }, 'cat'],
    ['empty entrypoint: cmd', { Entrypoint: [], Cmd: ['/bin/sh'] }, '/bin/sh'],
    ['nothing', {}, undefined]
  ])('%s', (_name, config, expected) => {
    expect(programOf(config)).toBe(expected)
  })

  it.each<[string, Parameters<typeof programCandidates>[1], string, string[]]>([
    ['absolute', {}, '/app/run', ['/app/run']],
    ['relative to WorkingDir', { WorkingDir: '/app' }, './run', ['/app/run']],
    [
      'by PATH',
      { Env: ['HOME=/root', 'PATH=/usr/local/bin:/bin'] },
      'tool',
      ['/usr/local/bin/tool', '/bin/tool']
    ],
    [
      'default PATH',
      {},
      'sh',
      ['/usr/local/sbin/sh', '/usr/local/bin/sh', '/usr/sbin/sh', '/usr/bin/sh', '/sbin/sh', '/bin/sh']
    ]
  ])('%s', (_name, config, program, expected) => {
    expect(programCandidates(program, config)).toEqual(expected)
  })
})

describe('findProgram', () => {
  it('takes the first PATH directory that has it', () => {
    expect(findProgram(full, ['/usr/local/bin/sh', '/bin/sh'])).toMatchObject({ path: '/usr/bin/busybox' })
  })
  it('is incomplete while an earlier candidate may be in an unread layer', () => {
    expect(findProgram(partial, ['/bin/tool', '/usr/local/bin/tool'])).toEqual({
      found: false,
      incomplete: true
    })
  })
})
