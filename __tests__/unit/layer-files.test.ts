import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { layerCompression, normalizeLayerPath, readLayerFiles } from '../../src/oci/layer-files.js'
import { ELF, tarLayer } from './image-fixtures.js'

describe('layerCompression', () => {
  it.each<[string, string | undefined]>([
    ['application/vnd.oci.image.layer.v1.tar', 'none'],
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
    ['application/vnd.in-toto+json', undefined],
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', undefined]
  ])('%s -> %s', (mediaType, expected) => {
    expect(layerCompression(mediaType)).toBe(expected)
  })
})

describe('normalizeLayerPath', () => {
  it.each([
    ['./usr/bin/app', '/usr/bin/app'],
    ['usr/bin/', '/usr/bin'],
    ['/a//b/./c', '/a/b/c'],
    ['a/../b', '/b'],
    ['./', '/']
  ])('%s -> %s', (name, expected) => {
    expect(normalizeLayerPath(name)).toBe(expected)
  })
})

describe('readLayerFiles', () => {
  const entries = [
    { name: 'usr/', type: 'directory' as const },
    { name: 'usr/bin/app', content: Buffer.concat([ELF.amd64, Buffer.alloc(100_000, 1)]), mode: 0o755 },
    { name: 'usr/bin/run.sh', content: '#!/bin/sh\nexec app\n', mode: 0o755 },
    { name: 'usr/bin/tiny', content: '\x7fELF' },
    { name: 'usr/bin/sh', type: 'symlink' as const, linkname: 'app' },
    { name: 'usr/bin/app2', type: 'link' as const, linkname: 'usr/bin/app' },
    { name: 'etc/.wh.passwd' },
    { name: 'var/cache/.wh..wh..opq' },
    { name: `opt/${'long-directory-name/'.repeat(10)}tool`, content: ELF.arm64, mode: 0o755 }
  ]

  it.each([
    ['gzip', true],
    ['plain tar', false]
  ])('%s: entries, first bytes of files only, whiteouts and opaque directories', async (_name, gzip) => {
    const layer = await tarLayer(entries, gzip)
    const files = await readLayerFiles(Readable.from([layer]), gzip ? 'gzip' : 'none')
    expect(files.entries.get('/usr/bin/app')).toEqual({
      type: 'file',
      mode: 0o755,
      script: false,
      elf: { bits: 64, endianness: 'LSB', type: 2, machine: 62 }
    })
    expect(files.entries.get('/usr/bin/run.sh')).toEqual({ type: 'file', mode: 0o755, script: true })
    expect(files.entries.get('/usr/bin/tiny')).toEqual({ type: 'file', mode: 0o644, script: false })
    expect(files.entries.get('/usr/bin/sh')).toEqual({ type: 'symlink', target: 'app' })
    expect(files.entries.get('/usr/bin/app2')).toEqual({ type: 'hardlink', target: '/usr/bin/app' })
    expect(files.entries.get('/usr')).toEqual({ type: 'directory' })
    expect(files.entries.get(`/opt/${'long-directory-name/'.repeat(10)}tool`)).toMatchObject({
      elf: { machine: 183, type: 3 }
    })
    expect([...files.whiteouts]).toEqual(['/etc/passwd'])
    expect([...files.opaqueDirs]).toEqual(['/var/cache'])
    expect(files.entries.has('/etc/.wh.passwd')).toBe(false)
  })

  it('reads a layer that arrives in small chunks', async () => {
    const layer = await tarLayer(entries)
    const chunks: Buffer[] = []
    for (let i = 0; i < layer.length; i += 7) chunks.push(layer.subarray(i, i + 7))
    const files = await readLayerFiles(Readable.from(chunks), 'gzip')
    expect(files.entries.get('/usr/bin/app')).toMatchObject({ elf: { machine: 62 } })
  })

  it.each<[string, () => Promise<Buffer>, RegExp]>([
    [
      'not gzip',
      () => Promise.resolve(Buffer.from('plain text, not a gzip stream at all')),
      /header check|incorrect/i
    ],
    [
      'a truncated gzip stream',
      async () => (await tarLayer(entries)).subarray(0, 200),
      /end|truncated|unexpected/i
    ]
  ])('fails on %s', async (_name, bytes, message) => {
    await expect(readLayerFiles(Readable.from([await bytes()]), 'gzip')).rejects.toThrow(message)
  })

  it('fails with the source stream error (e.g. a digest mismatch)', async () => {
    const layer = await tarLayer(entries)
    const source = new Readable({
      read() {
        this.push(layer.subarray(0, 100))
        this.destroy(new Error('blob sha256:x does not match its digest'))
      }
    })
    await expect(readLayerFiles(source, 'gzip')).rejects.toThrow(/does not match its digest/)
  })
})
