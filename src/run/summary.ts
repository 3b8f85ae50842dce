/** The job summary: what was pushed, where, and each platform's digest. */
import * as core from '@actions/core'
import type { DigestReport } from './verify.js'

export interface SummaryOptions {
  tags: readonly string[]
  pushed: boolean
  report: DigestReport
  emulated: readonly string[]
  builder: string
  /** With builder nodes: which node built each platform (node name, and endpoint; '' for the runner). */
  nodes?: Readonly<Record<string, NodeOfPlatform>>
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

export async function writeSummary(options: SummaryOptions): Promise<void> {
  const { report } = options
  const summary = core.summary.addHeading('Multi-platform image', 2)
  if (options.tags.length > 0) summary.addList(options.tags.map(t => `<code>${escapeHtml(t)}</code>`))
  if (options.pushed && report.digest) {
    summary.addRaw(
      `<p>Index digest: <code>${report.digest}</code> (checked in ${report.verified.length} registr${report.verified.length === 1 ? 'y' : 'ies'})</p>`
    )
    summary.addTable([
      [
        { data: 'Platform', header: true },
        { data: 'Digest', header: true },
        { data: 'Built', header: true },
        ...(options.nodes ? [{ data: 'Node', header: true }] : [])
      ],
      ...summaryTable(report, options.emulated, options.nodes)
    ])
    for (const { tag, served } of report.moved) {
      summary.addRaw(
        `<p>⚠️ <code>${escapeHtml(tag)}</code> no longer serves this run's index <code>${report.digest}</code>: ` +
          `it serves ${served ? `<code>${served}</code>` : 'nothing (the tag is gone)'}. Another run pushed ` +
          'the same tag after this one.</p>'
      )
    }
  } else {
    summary.addRaw('<p>Built without pushing: the result stays in the builder cache.</p>')
    if (options.nodes) {
      summary.addTable([
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
  summary.addRaw(`<p>Builder: <code>${escapeHtml(options.builder)}</code></p>`)
  await summary.write()
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}
