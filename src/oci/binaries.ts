/**
 * Whether an image's binaries run on its platform: which layers the build added (from the config's
 * history), the ELF files in them, and the program the container starts, compared with the platform's
 * machine, word size and byte order. Pure functions over the layers read so far.
 */
import { elfMismatch, isLoadable } from './elf.js'
import {
  findProgram,
  isVisible,
  programCandidates,
  programOf,
  type RootfsView,
  type RunConfig
} from './rootfs.js'

export interface HistoryEntry {
  created?: string
  created_by?: string
  comment?: string
  empty_layer?: boolean
}

/** The history comment of the steps BuildKit's Dockerfile frontend writes. */
export const DOCKERFILE_HISTORY_COMMENT = 'buildkit.dockerfile.v0'

/** How far before the build's start a history timestamp still counts as this build's (clock skew). */
export const HISTORY_SKEW_MS = 60_000

/**
 * How many of the image's top layers this build added: the history entries that made a layer and that
 * BuildKit's Dockerfile frontend wrote at or after `builtSince` (ms since the epoch), counted (a base
 * without history adds no entry, and BuildKit then appends a generated entry at the end, so entries cannot
 * be matched to layers by position). undefined, meaning "check every layer", when that count cannot be
 * trusted: no such entry (another frontend, SOURCE_DATE_EPOCH, a fully cached build whose config is the
 * earlier run's), or older Dockerfile-frontend entries besides them, which are either steps that came
 * from the build cache with an earlier run's timestamps or a base image built by BuildKit; the two cannot
 * be told apart, so nothing is left out.
 */
export function layersAddedByBuild(
  history: readonly HistoryEntry[] | undefined,
  layerCount: number,
  builtSince: number
): number | undefined {
  let fresh = 0
  let older = 0
  for (const entry of history ?? []) {
    if (entry.empty_layer === true || entry.comment !== DOCKERFILE_HISTORY_COMMENT) continue
    const created = entry.created === undefined ? NaN : Date.parse(entry.created)
    if (created >= builtSince - HISTORY_SKEW_MS) fresh++
    else older++
  }
  return fresh === 0 || older > 0 ? undefined : Math.min(fresh, layerCount)
}

export interface WrongBinary {
  path: string
  /** 'is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64' */
  problem: string
  /** The digest of the layer holding it. */
  layer: string
}

/**
 * The ELF executables and shared objects in the given layers (indexes into view.layers) that the image
 * shows (no upper layer replaces or deletes them) and that cannot run on the architecture.
 */
export function wrongBinaries(
  view: RootfsView,
  options: { architecture: string; layers: readonly number[]; digests: readonly string[] }
): WrongBinary[] {
  const found: WrongBinary[] = []
  for (const index of options.layers) {
    const layer = view.layers[index]
    if (!layer) continue
    for (const [path, entry] of layer.entries) {
      if (entry.type !== 'file' || !entry.elf || !isLoadable(entry.elf)) continue
      const problem = elfMismatch(entry.elf, options.architecture)
      if (problem && isVisible(view, path, index)) {
        found.push({ path, problem, layer: options.digests[index] ?? '' })
      }
    }
  }
  return found.sort((a, b) => a.path.localeCompare(b.path))
}

export type ProgramCheck =
  | { status: 'none' }
  | { status: 'ok' | 'script' | 'not-elf'; path: string }
  | { status: 'wrong'; path: string; problem: string }
  | { status: 'missing'; program: string }
  | { status: 'incomplete'; program: string }

/** The program the container starts, checked against the architecture (incomplete: read a lower layer). */
export function checkProgram(view: RootfsView, config: RunConfig, architecture: string): ProgramCheck {
  const program = programOf(config)
  if (program === undefined) return { status: 'none' }
  const found = findProgram(view, programCandidates(program, config))
  if (!found.found) return { status: found.incomplete ? 'incomplete' : 'missing', program }
  const { entry, path } = found
  if (entry.type !== 'file') return { status: 'missing', program }
  if (entry.script) return { status: 'script', path }
  if (!entry.elf) return { status: 'not-elf', path }
  const problem = elfMismatch(entry.elf, architecture)
  return problem ? { status: 'wrong', path, problem } : { status: 'ok', path }
}
