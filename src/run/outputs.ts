/**
 * What a run reports: the step outputs, the digests in the log, the job summary, and on failure the error
 * with a hint for the failures users meet most.
 */
import { failureOutput, hintsFor, type HintContext } from '../buildx/output.js'
import { messageOf } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { EmulationResult } from '../qemu/qemu.js'
import { writeSummary, type NodeOfPlatform, type SummaryOptions } from './summary.js'
import type { DigestReport } from '../publish/read-back.js'
import { smokeResultsJson } from '../publish/smoke-test.js'

export interface RunResult extends Pick<
  SummaryOptions,
  'timings' | 'smoke' | 'diskUse' | 'cacheMaxSize' | 'signatureVerifyCommand'
> {
  tags: readonly string[]
  pushed: boolean
  /** The imageid output: the engine's ID of a loaded image, else buildx's. */
  imageId: string
  report: DigestReport
  emulation: EmulationResult
  builder: string
  /** With builder nodes: the node of each platform. */
  nodes?: Record<string, NodeOfPlatform>
}

/** Sets the step outputs (builder-name is set as soon as the name is known) and writes the job summary. */
export async function publishOutputs(reporter: Reporter, result: RunResult): Promise<void> {
  const { report, emulation } = result
  const set = (name: string, value: string): void => {
    reporter.setOutput(name, value)
  }
  set('digest', report.digest)
  set('platform-digests', JSON.stringify(report.platforms))
  set('metadata', JSON.stringify(report.metadata.raw))
  set('imageid', result.imageId)
  set('emulated-platforms', emulation.emulated.join(','))
  if (result.smoke) set('smoke-results', smokeResultsJson(result.smoke.results))
  if (result.signatureVerifyCommand) set('signature-verify-command', result.signatureVerifyCommand)
  await writeSummary(reporter, {
    tags: result.tags,
    pushed: result.pushed,
    report,
    emulated: emulation.emulated,
    builder: result.builder,
    ...(result.nodes ? { nodes: result.nodes } : {}),
    ...(result.timings ? { timings: result.timings } : {}),
    ...(result.smoke ? { smoke: result.smoke } : {}),
    ...(result.diskUse ? { diskUse: result.diskUse } : {}),
    ...(result.cacheMaxSize !== undefined ? { cacheMaxSize: result.cacheMaxSize } : {}),
    ...(result.signatureVerifyCommand ? { signatureVerifyCommand: result.signatureVerifyCommand } : {})
  })
}

/** A failure of a run whose inputs were read: the hints are worded for what they set. */
export class RunError extends Error {
  override name = 'RunError'
  constructor(
    override readonly cause: unknown,
    readonly context: HintContext
  ) {
    super(messageOf(cause), { cause })
  }
}

/** buildx's image ID (what --iidfile writes): the config digest of a single image, else the image digest. */
export function buildxImageId(metadata: Readonly<Record<string, unknown>>): string {
  const config = metadata['containerimage.config.digest']
  const digest = metadata['containerimage.digest']
  if (typeof config === 'string') return config
  return typeof digest === 'string' ? digest : ''
}

/** Reports a failure: buildx's error is in the message; known registry/emulation errors get a hint. */
export function reportFailure(reporter: Reporter, error: unknown): void {
  const failure = error instanceof RunError ? error.cause : error
  const message = messageOf(failure)
  const context = error instanceof RunError ? error.context : undefined
  for (const hint of hintsFor(failureOutput(failure) ?? message, context))
    reporter.error(hint.message, { title: hint.title })
  reporter.fail(message)
}
