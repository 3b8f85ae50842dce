/**
 * The architecture, checked: src/ folders are layers, and a module imports only from its own layer or
 * lower ones; no file in src/ grows past 300 lines.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src')
const MAX_LINES = 300

/** Lowest first; the entries sit above them all. */
const RANKS: Readonly<Record<string, number>> = {
  core: 0,
  oci: 1,
  docker: 2,
  registry: 3,
  buildkitd: 4,
  buildx: 4,
  cosign: 4,
  qemu: 4,
  inputs: 5,
  // What every action's step shares: deps, its docker config, the registries.
  step: 5,
  // What follows the push (read back, checks, smoke test, signature, tags, load), and the sub-actions.
  publish: 6,
  merge: 6,
  plan: 6,
  run: 7,
  // The entries: the action's (src/index.ts, src/plan.ts, src/merge.ts) with the GitHub Reporter
  // (src/github/), and the command line's (src/cli/, on top of run/).
  github: 8,
  cli: 8,
  '.': 8
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The relative module specifiers of `import ... from`, `export ... from` and `import('...')`. */
export function importsOf(text: string): string[] {
  const specifiers: string[] = []
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g))
    if (match[1]) specifiers.push(match[1])
  return specifiers
}

/** The layer of a file in src/: its top folder, '.' for files directly in src/. */
function layerOf(file: string): string {
  const relative = path.relative(SRC, file)
  return relative.includes(path.sep) ? (relative.split(path.sep)[0] ?? '.') : '.'
}

const files = sourceFiles(SRC)

describe('importsOf', () => {
  it.each<[string, string[]]>([
    ["import { a } from '../core/errors.js'", ['../core/errors.js']],
    ["import type { B } from './b.js'", ['./b.js']],
    ["export { c } from '../oci/c.js'", ['../oci/c.js']],
    ["import * as fs from 'node:fs'", []],
    ["import '../side-effect.js'", ['../side-effect.js']],
    ["const m = await import('../run/main.js')", ['../run/main.js']],
    ["import {\n  x,\n  y\n} from '../qemu/qemu.js'", ['../qemu/qemu.js']]
  ])('%j', (text, expected) => {
    expect(importsOf(text)).toEqual(expected)
  })
})

describe('layers', () => {
  it('every folder in src/ has a rank', () => {
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) expect(RANKS).toHaveProperty([layerOf(file)])
  })

  it.each(files.map(file => [path.relative(SRC, file), file]))(
    '%s imports no higher layer',
    (_name, file) => {
      const own = RANKS[layerOf(file)] ?? -1
      const upward = importsOf(fs.readFileSync(file, 'utf8'))
        .map(specifier => path.resolve(path.dirname(file), specifier))
        .filter(target => (RANKS[layerOf(target)] ?? Infinity) > own)
        .map(target => path.relative(SRC, target))
      expect(upward).toEqual([])
    }
  )

  it.each(files.map(file => [path.relative(SRC, file), file]))(
    `%s has at most ${MAX_LINES} lines`,
    (_name, file) => {
      const text = fs.readFileSync(file, 'utf8')
      expect(text.split('\n').length - 1).toBeLessThanOrEqual(MAX_LINES)
    }
  )
})

/**
 * `pushByDigest: v['push-by-digest']`: an input's name written a second time, in camelCase, to map its
 * value. The table derives the key (inputs/table.ts), so no such line has a reason to exist.
 */
export function nameMappings(text: string): string[] {
  return [...text.matchAll(/\b([a-z][A-Za-z0-9]*)\s*:\s*[\w.]*\[\s*'([a-z0-9]+(?:-[a-z0-9]+)+)'\s*\]/g)]
    .filter(
      ([, key = '', name = '']) => key === name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    )
    .map(([line = '']) => line)
}

describe('file names', () => {
  it('no two files in src/ share a name (index.ts: the entries bundled)', () => {
    const names = files.map(file => path.basename(file)).filter(name => name !== 'index.ts')
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([])
  })
})

describe('input names', () => {
  it('nameMappings finds a hand-written mapping, and not a rule reading an input', () => {
    expect(nameMappings("    pushByDigest: v['push-by-digest'],\n")).toEqual([
      "pushByDigest: v['push-by-digest']"
    ])
    expect(nameMappings("    ulimits: values['shm-size'],\n    check: v => v['push-by-digest']")).toEqual([])
  })

  it.each(files.filter(f => !f.endsWith('action-spec.ts')).map(f => [path.relative(SRC, f), f]))(
    '%s maps no input name by hand',
    (_name, file) => {
      expect(nameMappings(fs.readFileSync(file, 'utf8'))).toEqual([])
    }
  )
})

describe('comments', () => {
  const relative = new Set(files.map(file => path.relative(SRC, file)))
  const basenames = new Set(files.map(file => path.basename(file)))
  /** A `.ts` file a comment names that is not in src/ (by its path from src/, from the file, or its name). */
  const missing = (file: string): string[] =>
    [...fs.readFileSync(file, 'utf8').matchAll(/(?<![\w./-])((?:src\/)?(?:[\w-]+\/)*[\w-]+\.ts)\b/g)]
      .map(([, name = '']) => name.replace(/^src\//, ''))
      .filter(name => !name.endsWith('.d.ts'))
      .filter(
        name =>
          !relative.has(name) &&
          !relative.has(path.join(path.relative(SRC, path.dirname(file)), name)) &&
          !(name.includes('/') ? false : basenames.has(name))
      )

  it.each(files.map(file => [path.relative(SRC, file), file]))(
    '%s names only files that exist',
    (_name, file) => {
      expect(missing(file)).toEqual([])
    }
  )
})
