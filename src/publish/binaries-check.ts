/**
 * The binaries check of one platform's image: the layers this build added are read from the registry
 * (top first, within a byte budget), their ELF files compared with the platform, and the program the
 * container starts looked up, reading lower layers only as far as needed to find it.
 */
import {
  checkProgram,
  layersAddedByBuild,
  wrongBinaries,
  type HistoryEntry,
  type ProgramCheck,
  type WrongBinary
} from '../oci/binaries.js'
import type { LayerFiles } from '../oci/layer-files.js'
import type { RootfsView, RunConfig } from '../oci/rootfs.js'

export interface LayerDescriptor {
  digest: string
  mediaType: string
  size: number
}

export interface PlatformImage {
  platform: string
  /** Bottom layer first, as the manifest lists them. */
  layers: readonly LayerDescriptor[]
  history: readonly HistoryEntry[] | undefined
  config: RunConfig
}

/** Reads (or returns the already read) files of a layer. */
export type LayerReader = (layer: LayerDescriptor) => Promise<LayerFiles>

export interface BinariesReport {
  platform: string
  wrong: WrongBinary[]
  program: ProgramCheck
  /** Layers checked for ELF files (this build's), and all layers. */
  addedLayers: number
  totalLayers: number
  bytesRead: number
  /** What was not checked and why (budget, unknown history, layer types). */
  notes: string[]
}

export interface BinariesOptions {
  /** Compressed layer bytes that may be read for this platform. */
  budgetBytes: number
  /** When the build started (ms since the epoch): history entries from then on are this build's. */
  builtSince: number
}

export async function checkPlatformBinaries(
  image: PlatformImage,
  read: LayerReader,
  options: BinariesOptions
): Promise<BinariesReport> {
  const architecture = image.platform.split('/')[1] ?? ''
  const total = image.layers.length
  const notes: string[] = []
  const counted = layersAddedByBuild(image.history, total, options.builtSince)
  if (counted === undefined && total > 0) {
    notes.push(`the image history does not tell which layers this build added, so all ${total} are checked`)
  }
  const added = counted ?? total
  const topDown = [...image.layers].reverse()
  const layers: LayerFiles[] = []
  const view = (): RootfsView => ({ layers, complete: layers.length === total })
  let bytesRead = 0
  let outOfBudget = false

  /** Reads the next lower layer; false when none is left or the budget does not cover it. */
  const readNext = async (): Promise<boolean> => {
    const layer = topDown[layers.length]
    if (!layer || outOfBudget) return false
    if (bytesRead + layer.size > options.budgetBytes) {
      outOfBudget = true
      notes.push(
        `the byte budget (${mib(options.budgetBytes)}) ran out after ${layers.length} of ${total} layers ` +
          `(${mib(bytesRead)} read; layer ${layer.digest} has ${mib(layer.size)}): the layers below were not checked`
      )
      return false
    }
    bytesRead += layer.size
    layers.push(await read(layer))
    return true
  }

  while (layers.length < added && (await readNext()));
  const wrong = wrongBinaries(view(), {
    architecture,
    layers: layers.map((_, index) => index),
    digests: topDown.map(layer => layer.digest)
  })
  let program = checkProgram(view(), image.config, architecture)
  while (program.status === 'incomplete' && (await readNext())) {
    program = checkProgram(view(), image.config, architecture)
  }
  return {
    platform: image.platform,
    wrong,
    program,
    addedLayers: added,
    totalLayers: total,
    bytesRead,
    notes
  }
}

/** The failures of a report, one line each, naming the platform and the file. */
export function binaryFailures(report: BinariesReport): string[] {
  const lines = report.wrong.map(
    file => `${report.platform}: ${file.path} ${file.problem} (added by this build, layer ${file.layer})`
  )
  const { program } = report
  if (program.status === 'wrong' && !report.wrong.some(file => file.path === program.path)) {
    lines.push(`${report.platform}: the program the container starts, ${program.path}, ${program.problem}`)
  }
  return lines
}

/** What the check could not tell (a missing program, an unread layer), one line each. */
export function binaryNotes(report: BinariesReport): string[] {
  const lines = report.notes.map(note => `${report.platform}: ${note}`)
  const { program } = report
  if (program.status === 'missing') {
    lines.push(
      `${report.platform}: the program the container starts, ${program.program}, is not in the image`
    )
  }
  if (program.status === 'incomplete') {
    lines.push(
      `${report.platform}: the program the container starts, ${program.program}, was not found in the layers read`
    )
  }
  return lines
}

/** One line for the log: what was read and what the container starts. */
export function describeBinaries(report: BinariesReport): string {
  const { program } = report
  const starts =
    program.status === 'none'
      ? 'no entrypoint or command'
      : 'path' in program
        ? `starts ${program.path} (${program.status === 'ok' ? 'matches' : program.status})`
        : `starts ${program.program} (${program.status})`
  return (
    `${report.platform}: ${report.addedLayers} of ${report.totalLayers} layers added by this build, ` +
    `${mib(report.bytesRead)} read, ${report.wrong.length} wrong ELF file(s); ${starts}`
  )
}

function mib(bytes: number): string {
  const value = bytes / 1024 / 1024
  return `${value.toFixed(value < 10 ? 2 : 0)} MiB`
}
