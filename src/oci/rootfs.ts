/**
 * The filesystem an image's layers make, as far as the layers read so far tell: a path is looked up from
 * the top layer down (whiteouts and opaque directories hide what is below), symbolic links are followed,
 * and a lookup that would need a layer not read yet says so. Pure functions.
 */
import { normalizeLayerPath, parentOf, type LayerEntry, type LayerFiles } from './layer-files.js'

export interface RootfsView {
  /** The layers read so far, top (last applied) first; each is the one below the previous. */
  layers: readonly LayerFiles[]
  /** Whether `layers` reach down to the first layer of the image. */
  complete: boolean
}

export type Lookup =
  { found: true; path: string; entry: LayerEntry; layer: number } | { found: false; incomplete: boolean }

const MAX_LINKS = 40
const IMPLIED_DIR: LayerEntry = { type: 'directory' }
const implied = new WeakMap<LayerFiles, Set<string>>()

/** The directories a layer holds entries in, whether or not it lists them (tars may leave them out). */
function impliedDirs(layer: LayerFiles): Set<string> {
  let dirs = implied.get(layer)
  if (!dirs) {
    dirs = new Set()
    for (const path of layer.entries.keys()) {
      for (let dir = parentOf(path); dir !== '/' && !dirs.has(dir); dir = parentOf(dir)) dirs.add(dir)
    }
    implied.set(layer, dirs)
  }
  return dirs
}

/** The entry at an exact path (no link in it followed), and the index in view.layers of its layer. */
export function lookupExact(view: RootfsView, path: string): Lookup {
  const ancestors = ancestorsOf(path)
  for (const [index, layer] of view.layers.entries()) {
    const entry = layer.entries.get(path) ?? (impliedDirs(layer).has(path) ? IMPLIED_DIR : undefined)
    if (entry) return { found: true, path, entry, layer: index }
    if (layer.whiteouts.has(path) || ancestors.some(dir => layer.whiteouts.has(dir))) {
      return { found: false, incomplete: false }
    }
    if (ancestors.some(dir => layer.opaqueDirs.has(dir))) return { found: false, incomplete: false }
  }
  return { found: false, incomplete: !view.complete }
}

/**
 * The file a path names, following symbolic links in every component (and hard links to their file).
 * A directory no layer lists is taken to exist (tars often leave parents out).
 */
export function resolvePath(view: RootfsView, path: string): Lookup {
  const pending = splitPath(path)
  const current: string[] = []
  let links = 0
  while (pending.length > 0) {
    const name = pending.shift() ?? ''
    if (name === '..') {
      current.pop()
      continue
    }
    const candidate = `/${[...current, name].join('/')}`
    const found = lookupExact(view, candidate)
    if (!found.found) {
      if (found.incomplete || pending.length === 0) return found
      current.push(name)
      continue
    }
    const { entry } = found
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      if (++links > MAX_LINKS) return { found: false, incomplete: false }
      if (entry.type === 'hardlink' || entry.target.startsWith('/')) current.length = 0
      pending.unshift(...splitPath(entry.target))
      continue
    }
    if (pending.length === 0) return found
    current.push(name)
  }
  return { found: false, incomplete: false }
}

/** The image config fields that say what runs. */
export interface RunConfig {
  Entrypoint?: string[] | null
  Cmd?: string[] | null
  Env?: string[] | null
  WorkingDir?: string
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** The program a container of this config starts (Entrypoint[0], else Cmd[0]), or undefined for none. */
export function programOf(config: RunConfig): string | undefined {
  const entrypoint = config.Entrypoint ?? []
  const command = entrypoint.length > 0 ? entrypoint : (config.Cmd ?? [])
  const program = command[0]
  return program === undefined || program === '' ? undefined : program
}

/** Where a program name is looked for: itself when it has a '/', else each directory of the config's PATH. */
export function programCandidates(program: string, config: RunConfig): string[] {
  if (program.includes('/')) {
    return [normalizeLayerPath(program.startsWith('/') ? program : `${config.WorkingDir ?? '/'}/${program}`)]
  }
  const pathVariable = (config.Env ?? []).find(line => line.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH
  return pathVariable
    .split(':')
    .filter(dir => dir.startsWith('/'))
    .map(dir => normalizeLayerPath(`${dir}/${program}`))
}

/** The first candidate that exists; incomplete when a candidate before it could be in an unread layer. */
export function findProgram(view: RootfsView, candidates: readonly string[]): Lookup {
  for (const candidate of candidates) {
    const found = resolvePath(view, candidate)
    if (found.found && found.entry.type === 'file') return found
    if (!found.found && found.incomplete) return found
  }
  return { found: false, incomplete: false }
}

/** Whether the entry at `path` in layer `index` is what the image shows there (no upper layer hides it). */
export function isVisible(view: RootfsView, path: string, index: number): boolean {
  const found = lookupExact(view, path)
  return found.found && found.layer === index
}

function splitPath(path: string): string[] {
  return path.split('/').filter(part => part !== '' && part !== '.')
}

function ancestorsOf(path: string): string[] {
  const dirs: string[] = []
  for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) dirs.push(dir)
  dirs.push('/')
  return dirs
}
