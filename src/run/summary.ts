/** The job summary: what was pushed, where, and each platform's digest. */
import { signatureHtml } from '../cosign/sign-image.js'
import { escapeHtml, SummaryHtml } from '../core/html.js'
import type { Reporter } from '../core/reporter.js'
import type { DigestReport } from '../publish/read-back.js'
import type { PlatformTiming } from './timings.js'
import type { SmokeResult } from '../docker/smoke.js'
import type { DiskUse } from '../buildx/du.js'
import { formatBytes } from '../buildkitd/gc.js'

export interface SummaryOptions {
  tags: readonly string[]
  pushed: boolean
  report: DigestReport
  emulated: readonly string[]
  builder: string
  /** With builder nodes: which node built each platform (node name, and endpoint; '' for the runner). */
  nodes?: Readonly<Record<string, NodeOfPlatform>>
  timings?: readonly PlatformTiming[]
  smoke?: { args: readonly string[]; results: readonly SmokeResult[] }
  diskUse?: DiskUse
  cacheMaxSize?: number
  /** With sign: the command that verifies the signature. */
  signatureVerifyCommand?: string
}

/** Platform | build time | under emulation (share), one row per platform. */
export function timingRows(timings: readonly PlatformTiming[]): string[][] {
  return timings.map(t => [
    `<code>${t.platform}</code>`,
    `${t.seconds.toFixed(1)} s`,
    t.emulatedSeconds > 0
      ? `${t.emulatedSeconds.toFixed(1)} s (${Math.round((100 * t.emulatedSeconds) / Math.max(t.seconds, 0.1))}%)`
      : '0 s',
    `${t.cached} of ${t.steps}`
  ])
}

/** Platform | result | time | output (last lines), one row per platform. */
export function smokeRows(results: readonly SmokeResult[]): string[][] {
  return results.map(r => [
    `<code>${r.platform}</code>`,
    r.passed
      ? 'passed'
      : r.timedOut
        ? '<strong>timed out</strong>'
        : `<strong>failed</strong> (exit code ${r.exitCode})`,
    `${r.seconds.toFixed(1)} s`,
    `<pre>${escapeHtml(r.output.split('\n').slice(-5).join('\n') || '(no output)')}</pre>`
  ])
}

export interface NodeOfPlatform {
  node: string
  endpoint: string
}

export function summaryTable(
  report: DigestReport,
  emulated: readonly string[],
  nodes?: Readonly<Record<string, NodeOfPlatform>>
): string[][] {
  return Object.entries(report.platforms).map(([platform, digest]) => {
    // A node's own platforms: how that machine runs them is its business (natively, as a rule).
    const onNode = nodes?.[platform]?.endpoint
    const row = [
      `<code>${platform}</code>`,
      `<code>${digest}</code>`,
      onNode ? 'by the node' : emulated.includes(platform) ? 'QEMU' : 'native'
    ]
    if (nodes) row.push(nodeCell(nodes[platform]))
    return row
  })
}

function nodeCell(placement: NodeOfPlatform | undefined): string {
  if (!placement) return ''
  const where = placement.endpoint ? escapeHtml(placement.endpoint) : 'this runner'
  return `<code>${escapeHtml(placement.node)}</code> (${where})`
}

/** The job summary of a run, as HTML. */
export function summaryHtml(options: SummaryOptions): string {
  const { report } = options
  const summary = new SummaryHtml().heading('Multi-platform image', 2)
  if (options.tags.length > 0) summary.list(options.tags.map(t => `<code>${escapeHtml(t)}</code>`))
  if (options.pushed && report.digest) {
    summary.raw(
      `<p>Index digest: <code>${report.digest}</code> (checked in ${report.verified.length} registr${report.verified.length === 1 ? 'y' : 'ies'})</p>`
    )
    summary.table([
      [
        { data: 'Platform', header: true },
        { data: 'Digest', header: true },
        { data: 'Built', header: true },
        ...(options.nodes ? [{ data: 'Node', header: true }] : [])
      ],
      ...summaryTable(report, options.emulated, options.nodes)
    ])
    for (const { tag, served } of report.moved) {
      summary.raw(
        `<p>⚠️ <code>${escapeHtml(tag)}</code> no longer serves this run's index <code>${report.digest}</code>: ` +
          `it serves ${served ? `<code>${served}</code>` : 'nothing (the tag is gone)'}. Another run pushed ` +
          'the same tag after this one.</p>'
      )
    }
  } else {
    summary.raw('<p>Built without pushing: the result stays in the builder cache.</p>')
    if (options.nodes) {
      summary.table([
        [
          { data: 'Platform', header: true },
          { data: 'Node', header: true }
        ],
        ...Object.entries(options.nodes).map(([platform, placement]) => [
          `<code>${platform}</code>`,
          nodeCell(placement)
        ])
      ])
    }
  }
  if (options.timings && options.timings.length > 0) {
    summary.heading('Build time per platform', 3)
    summary.table([
      [
        { data: 'Platform', header: true },
        { data: 'Step time', header: true },
        { data: 'Under emulation (RUN)', header: true },
        { data: 'Cached steps', header: true }
      ],
      ...timingRows(options.timings)
    ])
  }
  if (options.smoke) {
    summary.heading('Smoke test', 3)
    summary.raw(`<p><code>${escapeHtml(options.smoke.args.join(' '))}</code> in each platform's image</p>`)
    summary.table([
      [
        { data: 'Platform', header: true },
        { data: 'Result', header: true },
        { data: 'Time', header: true },
        { data: 'Output', header: true }
      ],
      ...smokeRows(options.smoke.results)
    ])
  }
  if (options.signatureVerifyCommand) {
    summary.heading('Signature', 3)
    summary.raw(signatureHtml(options.signatureVerifyCommand))
  }
  const disk = options.diskUse
    ? `; disk use ${escapeHtml(options.diskUse.total)}` +
      (options.diskUse.reclaimable ? ` (${escapeHtml(options.diskUse.reclaimable)} reclaimable)` : '')
    : ''
  const budget =
    options.cacheMaxSize !== undefined ? `, cache budget ${formatBytes(options.cacheMaxSize)}` : ''
  summary.raw(`<p>Builder: <code>${escapeHtml(options.builder)}</code>${disk}${budget}</p>`)
  return summary.toString()
}

export function writeSummary(reporter: Reporter, options: SummaryOptions): Promise<void> {
  return reporter.appendSummary(summaryHtml(options))
}
