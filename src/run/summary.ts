/** The job summary: what was pushed, where, and each platform's digest. */
import * as core from '@actions/core'
import type { DigestReport } from './verify.js'

export interface SummaryOptions {
  tags: readonly string[]
  pushed: boolean
  report: DigestReport
  emulated: readonly string[]
  builder: string
}

export function summaryTable(report: DigestReport, emulated: readonly string[]): string[][] {
  return Object.entries(report.platforms).map(([platform, digest]) => [
    `<code>${platform}</code>`,
    `<code>${digest}</code>`,
    emulated.includes(platform) ? 'QEMU' : 'native'
  ])
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
        { data: 'Built', header: true }
      ],
      ...summaryTable(report, options.emulated)
    ])
  } else {
    summary.addRaw('<p>Built without pushing: the result stays in the builder cache.</p>')
  }
  summary.addRaw(`<p>Builder: <code>${escapeHtml(options.builder)}</code></p>`)
  await summary.write()
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}
