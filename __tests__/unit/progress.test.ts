/**
 * buildx's progress stream, from output captured on the e2e stack (BuildKit v0.13.2, QEMU 7.2) with buildx
 * 0.13.1 (rawjson pretty-printed over many lines) and 0.29.1 (one JSON object per line), both formats:
 * Dockerfile.cross (a $BUILDPLATFORM stage, then an emulated RUN per platform), built --no-cache for
 * linux/amd64, linux/arm64 and linux/arm/v7; Dockerfile.crash (a RUN that fails on arm/v7 printing what
 * QEMU prints when it crashes).
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePlainProgress, stepPlatform, type Step } from '../../src/buildx/progress.js'
import { RawJsonProgress, errorLine, parseRawJsonProgress } from '../../src/buildx/rawjson.js'

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/progress')
const read = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8')

const PARSERS: Record<string, (text: string) => Step[]> = {
  plain: parsePlainProgress,
  raw: parseRawJsonProgress
}
const parse = (file: string): Step[] => {
  const parser = PARSERS[file.replace(/^crash-/, '').split('-')[0] ?? '']
  if (!parser) throw new Error(`no parser for ${file}`)
  return parser(read(file))
}
const named = (steps: Step[], prefix: string): Step => {
  const step = steps.find(s => s.name.startsWith(prefix))
  if (!step) throw new Error(`no step ${prefix} in ${steps.map(s => s.name).join('\n')}`)
  return step
}

describe('stepPlatform', () => {
  const at = (target: string, runsOn: string, instruction: string): ReturnType<typeof stepPlatform> => ({
    target,
    runsOn,
    instruction
  })
  it.each<[string, string | undefined, ReturnType<typeof stepPlatform>]>([
    ['[linux/arm64 stage-1 3/3] RUN uname -m', undefined, at('linux/arm64', 'linux/arm64', 'RUN')],
    ['[linux/amd64->arm/v7 build 2/2] RUN echo x', undefined, at('linux/arm/v7', 'linux/amd64', 'RUN')],
    ['[linux/amd64->arm64 build 2/2] RUN echo x', undefined, at('linux/arm64', 'linux/amd64', 'RUN')],
    ['[linux/arm64->linux/amd64 build 1/2] COPY . .', undefined, at('linux/amd64', 'linux/arm64', 'COPY')],
    [
      '[linux/arm/v7 internal] load metadata for r/busybox',
      undefined,
      at('linux/arm/v7', 'linux/arm/v7', '')
    ],
    ['[internal] load build definition from Dockerfile', undefined, undefined],
    ['[2/2] RUN make', undefined, undefined],
    ['[2/2] RUN make', 'linux/arm64', at('linux/arm64', 'linux/arm64', 'RUN')],
    ['exporting to image', 'linux/arm64', undefined]
  ])('%s', (name, only, expected) => {
    expect(stepPlatform(name, only)).toEqual(expected)
  })
})

describe.each(['plain-0.13.txt', 'plain-0.29.txt', 'raw-0.13.txt', 'raw-0.29.txt'])(
  'a cross-compiling build: %s',
  file => {
    const steps = parse(file)

    it('finds every platform step once, with its duration and output', () => {
      for (const platform of ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) {
        const run = named(steps, `[${platform} stage-1 3/3] RUN uname -m`)
        expect(run.cached).toBe(false)
        expect(run.error).toBe('')
        // `sleep 1` ran in it
        expect(run.seconds).toBeGreaterThanOrEqual(1)
        expect(run.seconds).toBeLessThan(10)
        expect(run.logs.join('\n')).toContain(`compiling for ${platform.split('/')[1]}`)
      }
      expect(steps.filter(s => s.name.startsWith('[linux/arm64 stage-1 3/3]'))).toHaveLength(1)
    })

    it('keeps the cross-compiling stage apart from the emulated one', () => {
      const cross = named(steps, '[linux/amd64->arm/v7 build 2/2] RUN')
      expect(cross.seconds).toBeDefined()
      expect(stepPlatform(cross.name)).toEqual({
        target: 'linux/arm/v7',
        runsOn: 'linux/amd64',
        instruction: 'RUN'
      })
      expect(named(steps, '[linux/amd64->arm64 build 2/2] RUN').logs).toEqual([])
    })

    it('reads each step’s output without timestamps', () => {
      const logs = named(steps, '[linux/arm/v7 stage-1 3/3] RUN').logs
      expect(logs).toEqual(['armv7l', 'compiling for arm'])
    })
  }
)

describe.each(['crash-plain-0.13.txt', 'crash-raw-0.13.txt', 'crash-raw-0.29.txt'])(
  'a build whose arm/v7 RUN fails: %s',
  file => {
    const steps = parse(file)
    it('marks that step failed, with its output; the others done or canceled by the failure', () => {
      const failed = named(steps, '[linux/arm/v7 2/2] RUN')
      expect(failed.error).toMatch(/did not complete successfully: exit code: 139/)
      expect(failed.logs).toContain('qemu: uncaught target signal 11 (Segmentation fault) - core dumped')
      expect(steps.filter(s => /exit code: 139/.test(s.error))).toEqual([failed])
      for (const other of ['[linux/arm64 2/2] RUN', '[linux/amd64 2/2] RUN'])
        expect(named(steps, other).error).toMatch(/^$|cancel/i)
      expect(named(steps, '[linux/amd64 2/2] RUN').logs).toEqual(['step for amd64'])
    })
  }
)

describe('RawJsonProgress', () => {
  it('renders the 0.13 pretty-printed stream as readable lines and passes buildx messages through', () => {
    const progress = new RawJsonProgress()
    const lines = read('crash-raw-0.13.txt')
      .split('\n')
      .flatMap(line => progress.feed(line))
    expect(lines).toContain('#1 [internal] load build definition from Dockerfile')
    expect(lines.some(l => /^#\d+ qemu: uncaught target signal 11/.test(l))).toBe(true)
    expect(lines.some(l => /^#\d+ ERROR: process .* exit code: 139$/.test(l))).toBe(true)
    expect(lines.some(l => /^#\d+ DONE \d+\.\d+s$/.test(l))).toBe(true)
    expect(lines).toContain('Dockerfile:4')
    expect(lines.at(-1)).toMatch(/^ERROR: failed to solve: process/)
    expect(lines.some(l => l.includes('"vertexes"') || l.trim() === '{')).toBe(false)
  })

  it('keeps braces inside strings out of the object count', () => {
    const progress = new RawJsonProgress()
    const name = '[linux/arm64 2/2] RUN echo "{" } \\"'
    const out = [
      ...progress.feed('{'),
      ...progress.feed(`  "vertexes": [{"digest": "sha256:1", "name": ${JSON.stringify(name)},`),
      ...progress.feed('   "started": "2026-01-01T00:00:00.5Z", "completed": "2026-01-01T00:00:02.75Z"}]'),
      ...progress.feed('}'),
      ...progress.feed('after')
    ]
    expect(out).toEqual([`#1 ${name}`, '#1 DONE 2.3s', 'after'])
    expect(progress.result()).toEqual([
      { id: 'sha256:1', name, seconds: 2.25, cached: false, error: '', logs: [] }
    ])
  })

  it('shows a step when it starts, not when BuildKit first names it, numbered in that order', () => {
    const progress = new RawJsonProgress()
    const lines = read('raw-0.29.txt')
      .split('\n')
      .flatMap(line => progress.feed(line))
    const header = (name: string): number => lines.findIndex(l => l.includes(name))
    // BuildKit names the last RUN before the first FROM starts; the log keeps the order they run in.
    expect(header('RUN uname -m')).toBeGreaterThan(header('COPY --from=build'))
    expect(header('COPY --from=build')).toBeGreaterThan(header('FROM 127.0.0.1'))
    const numbers = lines.flatMap(l => (/^#(\d+) \[/.exec(l) ? [Number(/^#(\d+)/.exec(l)?.[1])] : []))
    expect(numbers).toEqual(numbers.map((_, i) => i + 1))
  })

  it('ends each step with one DONE, CACHED or ERROR line, however often it starts again', () => {
    const progress = new RawJsonProgress()
    const lines = read('raw-0.29.txt')
      .split('\n')
      .flatMap(line => progress.feed(line))
    const ends = new Map<string, number>()
    for (const line of lines) {
      const end = /^(#\d+) (DONE|CACHED|ERROR)/.exec(line)
      if (end?.[1]) ends.set(end[1], (ends.get(end[1]) ?? 0) + 1)
    }
    const headers = lines.filter(l => /^#\d+ \[/.test(l)).map(l => l.split(' ')[0])
    expect(headers.length).toBeGreaterThan(10)
    for (const header of headers) expect([header, ends.get(header ?? '')]).toEqual([header, 1])
  })

  it('a FROM that resolves, pulls and completes three times: one header, one DONE, timed by its last run', () => {
    const progress = new RawJsonProgress()
    const from = (extra: object): string[] =>
      progress.feed(
        JSON.stringify({ vertexes: [{ digest: 'f', name: '[linux/arm64 1/3] FROM base', ...extra }] })
      )
    const lines = [
      ...from({}),
      ...from({ started: '2026-01-01T00:00:00Z' }),
      ...from({ started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:01Z' }),
      ...from({ started: '2026-01-01T00:00:02Z' }),
      ...from({ started: '2026-01-01T00:00:02Z', completed: '2026-01-01T00:00:04Z' }),
      ...from({ started: '2026-01-01T00:00:05Z', completed: '2026-01-01T00:00:05Z', cached: true })
    ]
    expect(lines).toEqual(['#1 [linux/arm64 1/3] FROM base', '#1 DONE 1.0s'])
    expect(progress.result()).toEqual([
      { id: 'f', name: '[linux/arm64 1/3] FROM base', seconds: 0, cached: true, error: '', logs: [] }
    ])
  })

  it('says a silent step is still running every 30 s of silence, and never a finished one', () => {
    const progress = new RawJsonProgress()
    const run = (extra: object, now: number): string[] =>
      progress.feed(
        JSON.stringify({ vertexes: [{ digest: 'r', name: '[linux/arm64 3/5] RUN make', ...extra }] }),
        now
      )
    const log = (text: string, now: number): string[] =>
      progress.feed(
        JSON.stringify({ logs: [{ vertex: 'r', data: Buffer.from(text).toString('base64') }] }),
        now
      )
    expect(run({ started: '2026-01-01T00:00:00Z' }, 1_000)).toEqual(['#1 [linux/arm64 3/5] RUN make'])
    expect(progress.heartbeat(30_999)).toEqual([])
    expect(progress.heartbeat(31_000)).toEqual(['#1 still running after 30 s: [linux/arm64 3/5] RUN make'])
    expect(progress.heartbeat(46_000)).toEqual([])
    expect(log('compiling\n', 50_000)).toEqual(['#1 compiling'])
    expect(progress.heartbeat(79_999)).toEqual([])
    expect(progress.heartbeat(80_000)).toEqual(['#1 still running after 79 s: [linux/arm64 3/5] RUN make'])
    run({ started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:01:30Z' }, 90_000)
    expect(progress.heartbeat(200_000)).toEqual([])
  })

  it.each([
    [
      'failed to configure registry cache importer: r.example:5000/app:buildcache-linux-arm64: not found',
      'no cache at r.example:5000/app:buildcache-linux-arm64 yet: normal until a build has exported one there (this build goes on without it)'
    ],
    [
      'failed to configure registry cache importer: r.example:5000/app:c: 401 Unauthorized',
      'ERROR: failed to configure registry cache importer: r.example:5000/app:c: 401 Unauthorized'
    ],
    [
      'process "/bin/sh -c false" did not complete successfully',
      'ERROR: process "/bin/sh -c false" did not complete successfully'
    ]
  ])('shows the error %j as %j', (error, line) => {
    expect(errorLine(error)).toBe(line)
  })

  it('times a vertex that started again from its last start', () => {
    const progress = new RawJsonProgress()
    const v = (extra: object): string =>
      JSON.stringify({ vertexes: [{ digest: 'd', name: '[linux/arm64 1/2] RUN x', ...extra }] })
    progress.feed(v({ started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:01Z' }))
    progress.feed(v({ started: '2026-01-01T00:00:05Z' }))
    progress.feed(v({ started: '2026-01-01T00:00:05Z', completed: '2026-01-01T00:00:08Z' }))
    expect(progress.result()[0]?.seconds).toBe(3)
  })
})
