/**
 * What an image layer holds, read as a stream: each entry's path and type, and for regular files only the
 * first bytes (ELF header, `#!`). File contents are passed over, never kept. Whiteouts (`.wh.name`) and
 * opaque directories (`.wh..wh..opq`) are recorded as the OCI layer format defines them.
 */
import { pipeline } from 'node:stream/promises'
import type { Readable, Transform } from 'node:stream'
import * as zlib from 'node:zlib'
import { extract } from 'tar-stream'
import { ELF_HEAD_BYTES, parseElfHeader, type ElfHeader } from './elf.js'

export type LayerEntry =
  | { type: 'file'; mode: number; elf?: ElfHeader; script: boolean }
  | { type: 'symlink'; target: string }
  /** A hard link: target is another path of the same layer (absolute here). */
  | { type: 'hardlink'; target: string }
  | { type: 'directory' }
  | { type: 'other' }

export interface LayerFiles {
  /** Absolute, normalised path ('/usr/bin/app') -> entry. */
  entries: Map<string, LayerEntry>
  /** Paths this layer deletes from the layers below it. */
  whiteouts: Set<string>
  /** Directories whose content in the layers below is hidden. */
  opaqueDirs: Set<string>
}

export type Compression = 'gzip' | 'zstd' | 'none'

const WHITEOUT = '.wh.'
const OPAQUE = '.wh..wh..opq'

/**
 * How a layer is compressed, from its media type (OCI and Docker); undefined for a layer that is not a
 * filesystem tar (attestations, foreign or unknown layers).
 */
export function layerCompression(mediaType: string): Compression | undefined {
  switch (mediaType) {
    case 'application/vnd.oci.image.layer.v1.tar':
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
      return 'none'
    case 'application/vnd.oci.image.layer.v1.tar+gzip':
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip':
    case 'application/vnd.docker.image.rootfs.diff.tar.gzip':
      return 'gzip'
    case 'application/vnd.oci.image.layer.v1.tar+zstd':
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd':
      return 'zstd'
    default:
      return undefined
  }
}

/** '/a/b' from a tar name ('./a/b/', 'a//b', '/a/./b'); '/' for the root. */
export function normalizeLayerPath(name: string): string {
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return `/${parts.join('/')}`
}

/** The directory of an absolute path ('/' for '/a'). */
export function parentOf(path: string): string {
  const cut = path.lastIndexOf('/')
  return cut <= 0 ? '/' : path.slice(0, cut)
}

/** Reads a layer blob: decompresses it and records its entries. Fails on a corrupt stream. */
export async function readLayerFiles(blob: Readable, compression: Compression): Promise<LayerFiles> {
  const files: LayerFiles = { entries: new Map(), whiteouts: new Set(), opaqueDirs: new Set() }
  const tar = extract()
  const stages: (Readable | Transform)[] = [blob]
  const decompressor = decompressorFor(compression)
  if (decompressor) stages.push(decompressor)
  const finished = pipeline([...stages, tar]).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error)))
  )
  try {
    for await (const entry of tar) {
      const { header } = entry
      let head = Buffer.alloc(0)
      // Every chunk is read (the tar stream moves on only then); only the first bytes are kept.
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        if (head.length < ELF_HEAD_BYTES && header.type === 'file') {
          head = Buffer.concat([head, chunk.subarray(0, ELF_HEAD_BYTES - head.length)])
        }
      }
      record(files, header.name, entryOf(header, head))
    }
  } catch (error) {
    throw (await finished) ?? error
  }
  const failure = await finished
  if (failure !== undefined) throw failure
  return files
}

function decompressorFor(compression: Compression): Transform | undefined {
  if (compression === 'gzip') return zlib.createGunzip()
  if (compression === 'zstd') {
    if (typeof zlib.createZstdDecompress !== 'function') {
      throw new Error(`zstd layers need Node.js 22.15 or later to be read (this is ${process.version})`)
    }
    return zlib.createZstdDecompress()
  }
  return undefined
}

function entryOf(header: { type: string; mode: number; linkname: string | null }, head: Buffer): LayerEntry {
  switch (header.type) {
    case 'file':
    case 'contiguous-file': {
      const elf = parseElfHeader(head)
      const script = head.subarray(0, 2).toString('latin1') === '#!'
      return elf
        ? { type: 'file', mode: header.mode, elf, script }
        : { type: 'file', mode: header.mode, script }
    }
    case 'symlink':
      return { type: 'symlink', target: header.linkname ?? '' }
    case 'link':
      return { type: 'hardlink', target: normalizeLayerPath(header.linkname ?? '') }
    case 'directory':
      return { type: 'directory' }
    default:
      return { type: 'other' }
  }
}

function record(files: LayerFiles, name: string, entry: LayerEntry): void {
  const path = normalizeLayerPath(name)
  const base = path.slice(path.lastIndexOf('/') + 1)
  if (base === OPAQUE) files.opaqueDirs.add(parentOf(path))
  else if (base.startsWith(WHITEOUT)) {
    const dir = parentOf(path)
    files.whiteouts.add(`${dir === '/' ? '' : dir}/${base.slice(WHITEOUT.length)}`)
  } else files.entries.set(path, entry)
}
