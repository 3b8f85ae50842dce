/** The job summary: tags, the index digest and where it was checked, one row per platform, QEMU or native. */
import { describe, expect, it } from '@jest/globals'
import { summaryTable, writeSummary, type SummaryOptions } from '../../src/run/summary.js'
import type { DigestReport } from '../../src/publish/read-back.js'
import { FakeReporter } from './fake-reporter.js'

const INDEX = `sha256:${'a'.repeat(64)}`
const AMD64 = `sha256:${'1'.repeat(64)}`
const ARM64 = `sha256:${'2'.repeat(64)}`
const ARMV7 = `sha256:${'3'.repeat(64)}`

function report(fields: Partial<DigestReport> = {}): DigestReport {
  return {
    digest: INDEX,
    platforms: { 'linux/amd64': AMD64, 'linux/arm64': ARM64, 'linux/arm/v7': ARMV7 },
    verified: ['registry.example.com/team/app:1.0'],
    metadata: { imageNames: ['registry.example.com/team/app:1.0'], raw: {} },
    moved: [],
    ...fields
  }
}

const OPTIONS: SummaryOptions = {
  tags: ['registry.example.com/team/app:1.0'],
  pushed: true,
  report: report(),
  emulated: ['linux/arm64', 'linux/arm/v7'],
  builder: 'multiarch-42-abc'
}

async function written(options: Partial<SummaryOptions>): Promise<string> {
  const reporter = new FakeReporter()
  await writeSummary(reporter, { ...OPTIONS, ...options })
  return reporter.summary
}

/** The table's rows as cell texts (header row included), tags stripped. */
function rows(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map(row =>
    [...(row[1] ?? '').matchAll(/<t[hd]>(.*?)<\/t[hd]>/gs)].map(cell =>
      (cell[1] ?? '').replace(/<[^>]+>/g, '')
    )
  )
}

describe('summaryTable', () => {
  it.each<[string, Record<string, string>, string[], string[][]]>([
    ['nothing pushed', {}, [], []],
    [
      'all native',
      { 'linux/amd64': AMD64 },
      [],
      [['<code>linux/amd64</code>', `<code>${AMD64}</code>`, 'native']]
    ],
    [
      'emulated ones marked QEMU, in the report order',
      { 'linux/arm/v7': ARMV7, 'linux/amd64': AMD64, 'linux/arm64': ARM64 },
      ['linux/arm64', 'linux/arm/v7'],
      [
        ['<code>linux/arm/v7</code>', `<code>${ARMV7}</code>`, 'QEMU'],
        ['<code>linux/amd64</code>', `<code>${AMD64}</code>`, 'native'],
        ['<code>linux/arm64</code>', `<code>${ARM64}</code>`, 'QEMU']
      ]
    ],
    [
      'an emulated platform that is not in the report adds no row',
      { 'linux/amd64': AMD64 },
      ['linux/s390x'],
      [['<code>linux/amd64</code>', `<code>${AMD64}</code>`, 'native']]
    ]
  ])('%s', (_, platforms, emulated, expected) => {
    expect(summaryTable(report({ platforms }), emulated)).toEqual(expected)
  })
})

describe('writeSummary', () => {
  it('a pushed image: heading, tags, index digest, where it was checked, and a row per platform', async () => {
    const html = await written({ tags: ['r.example/app:1.0', 'r.example/app:latest'] })
    expect(html).toMatch(/^<h2>Multi-platform image<\/h2>/)
    expect(html).toContain(
      '<ul><li><code>r.example/app:1.0</code></li><li><code>r.example/app:latest</code></li></ul>'
    )
    expect(html).toContain(`<p>Index digest: <code>${INDEX}</code> (checked in 1 registry)</p>`)
    expect(rows(html)).toEqual([
      ['Platform', 'Digest', 'Built'],
      ['linux/amd64', AMD64, 'native'],
      ['linux/arm64', ARM64, 'QEMU'],
      ['linux/arm/v7', ARMV7, 'QEMU']
    ])
    expect(html).toContain('<p>Builder: <code>multiarch-42-abc</code></p>')
    expect(html).not.toContain('no longer serves')
  })

  it('a tag another run pushed since: both digests, or that the tag is gone', async () => {
    const other = `sha256:${'b'.repeat(64)}`
    const html = await written({
      report: report({
        moved: [
          { tag: 'r.example/app:1.0', served: other },
          { tag: 'r.example/app:<gone>', served: '' }
        ]
      })
    })
    expect(html).toContain(
      `<code>r.example/app:1.0</code> no longer serves this run's index <code>${INDEX}</code>: it serves <code>${other}</code>`
    )
    expect(html).toContain('<code>r.example/app:&#60;gone&#62;</code> no longer serves')
    expect(html).toContain('nothing (the tag is gone)')
  })

  it.each([
    [[], 'checked in 0 registries'],
    [['a.example/x:1', 'b.example/x:1'], 'checked in 2 registries']
  ])('counts the registries the digest was checked in: %j', async (verified, text) => {
    expect(await written({ report: report({ verified }) })).toContain(`(${text})`)
  })

  it('nothing emulated: every row native', async () => {
    const html = await written({ emulated: [] })
    expect(
      rows(html)
        .slice(1)
        .map(r => r[2])
    ).toEqual(['native', 'native', 'native'])
  })

  it.each<[string, Partial<SummaryOptions>]>([
    ['push is false', { pushed: false, report: report({ digest: '', platforms: {}, verified: [] }) }],
    ['pushed but no digest came back', { report: report({ digest: '' }) }]
  ])('%s: says the result stays in the builder, with no digest or table', async (_, options) => {
    const html = await written(options)
    expect(html).toContain('<p>Built without pushing: the result stays in the builder cache.</p>')
    expect(html).not.toContain('Index digest')
    expect(html).not.toContain('<table>')
    expect(html).not.toContain(AMD64)
    expect(html).toContain('<p>Builder: <code>multiarch-42-abc</code></p>')
  })

  it('with nodes: a Node column; a node’s platforms built "by the node", the runner’s native or QEMU', async () => {
    const nodes = {
      'linux/amd64': { node: 'b0', endpoint: '' },
      'linux/arm64': { node: 'b1', endpoint: 'ssh://ci@arm<1>' },
      'linux/arm/v7': { node: 'b0', endpoint: '' }
    }
    expect(rows(await written({ nodes, emulated: ['linux/arm/v7'] }))).toEqual([
      ['Platform', 'Digest', 'Built', 'Node'],
      ['linux/amd64', AMD64, 'native', 'b0 (this runner)'],
      ['linux/arm64', ARM64, 'by the node', 'b1 (ssh://ci@arm&#60;1&#62;)'],
      ['linux/arm/v7', ARMV7, 'QEMU', 'b0 (this runner)']
    ])
    const unpushed = await written({
      nodes,
      pushed: false,
      report: report({ digest: '', platforms: {}, verified: [] })
    })
    expect(rows(unpushed)).toEqual([
      ['Platform', 'Node'],
      ['linux/amd64', 'b0 (this runner)'],
      ['linux/arm64', 'b1 (ssh://ci@arm&#60;1&#62;)'],
      ['linux/arm/v7', 'b0 (this runner)']
    ])
  })

  it('signed: the command that verifies the signature; unsigned: no such section', async () => {
    const command = `cosign verify --key cosign.pub --insecure-ignore-tlog=true r.example/app@${INDEX}`
    const html = await written({ signatureVerifyCommand: command })
    expect(html).toContain(
      '<h3>Signature</h3>\n<p>Signed with cosign before the tags moved, and verified against the registry. To verify:</p>' +
        `<pre><code>${command}</code></pre>`
    )
    expect(await written({})).not.toContain('Signature')
  })

  it('no tags: no list', async () => {
    const html = await written({ tags: [] })
    expect(html).not.toContain('<ul>')
    expect(html).toContain(INDEX)
  })

  it('escapes HTML in tags and the builder name', async () => {
    const html = await written({ tags: ['r.example/<b>app</b>:"1"&'], builder: `b<script>'x'` })
    expect(html).toContain('<code>r.example/&#60;b&#62;app&#60;/b&#62;:&#34;1&#34;&#38;</code>')
    expect(html).toContain('<code>b&#60;script&#62;&#39;x&#39;</code>')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>')
  })

  it('starts with its heading, one element a line', async () => {
    const html = await written({})
    expect(html.startsWith('<h2>Multi-platform image</h2>\n<ul>')).toBe(true)
    expect(html.endsWith('</p>\n')).toBe(true)
  })
})
