import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePlainProgress, type Step } from '../../src/buildx/progress.js'
import { parseRawJsonProgress } from '../../src/buildx/rawjson.js'
import { crashHints, dominanceHint, platformTimings, type PlatformTiming } from '../../src/run/timings.js'

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/progress')
const read = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8')
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7']
const EMULATED = ['linux/arm64', 'linux/arm/v7']

const step = (name: string, seconds: number, extra: Partial<Step> = {}): Step => ({
  id: name,
  name,
  seconds,
  cached: false,
  error: '',
  logs: [],
  ...extra
})

describe('platformTimings', () => {
  it('adds up each platform’s steps; only RUN steps on an emulated platform count as emulated', () => {
    const steps = [
      step('[internal] load build definition from Dockerfile', 0.1),
      step('[linux/amd64 internal] load metadata for b', 0.5),
      step('[linux/amd64 1/2] FROM b', 0.2),
      step('[linux/amd64 2/2] RUN make', 3),
      step('[linux/arm64 1/2] FROM b', 0.2, { cached: true }),
      step('[linux/arm64 2/2] RUN make', 12),
      step('[linux/amd64->arm/v7 build 2/3] RUN go build', 4),
      step('[linux/arm/v7 stage-1 2/2] COPY --from=build /app /app', 0.5),
      step('[linux/arm/v7 stage-1 3/3] RUN /app --selftest', 6)
    ]
    expect(platformTimings(steps, PLATFORMS, EMULATED)).toEqual([
      { platform: 'linux/amd64', seconds: 3.7, emulatedSeconds: 0, cached: 0, steps: 3 },
      { platform: 'linux/arm64', seconds: 12.2, emulatedSeconds: 12, cached: 1, steps: 2 },
      { platform: 'linux/arm/v7', seconds: 10.5, emulatedSeconds: 6, cached: 0, steps: 3 }
    ])
  })

  it('gives a single-platform build’s unprefixed steps to that platform', () => {
    const steps = [step('[1/2] FROM b', 1), step('[2/2] RUN make', 5)]
    expect(platformTimings(steps, ['linux/arm64'], ['linux/arm64'])).toEqual([
      { platform: 'linux/arm64', seconds: 6, emulatedSeconds: 5, cached: 0, steps: 2 }
    ])
  })

  it.each([
    ['plain-0.13.txt', parsePlainProgress],
    ['raw-0.13.txt', parseRawJsonProgress],
    ['plain-0.29.txt', parsePlainProgress],
    ['raw-0.29.txt', parseRawJsonProgress]
  ])('from the captured %s: three platforms, arm ones with their `sleep 1` RUN emulated', (file, parse) => {
    const timings = platformTimings(parse(read(file)), PLATFORMS, EMULATED)
    expect(timings.map(t => t.platform)).toEqual(PLATFORMS)
    const [amd64, arm64, armv7] = timings as [PlatformTiming, PlatformTiming, PlatformTiming]
    expect(amd64.emulatedSeconds).toBe(0)
    expect(amd64.seconds).toBeGreaterThanOrEqual(1)
    for (const t of [arm64, armv7]) {
      expect(t.emulatedSeconds).toBeGreaterThanOrEqual(1)
      expect(t.emulatedSeconds).toBeLessThanOrEqual(t.seconds)
      expect(t.steps).toBeGreaterThanOrEqual(4)
    }
  })
})

describe('dominanceHint', () => {
  const timing = (platform: string, seconds: number, emulatedSeconds: number): PlatformTiming => ({
    platform,
    seconds,
    emulatedSeconds,
    cached: 0,
    steps: 3
  })
  it.each<[string, PlatformTiming[], boolean]>([
    [
      'emulated RUN steps take most of the time',
      [timing('linux/amd64', 2, 0), timing('linux/arm64', 20, 18)],
      true
    ],
    [
      'emulated, but a small part of the time',
      [timing('linux/amd64', 60, 0), timing('linux/arm64', 60, 15)],
      false
    ],
    ['emulated share high but only seconds', [timing('linux/arm64', 4, 3.9)], false],
    ['cross-compiled: nothing emulated', [timing('linux/amd64', 30, 0), timing('linux/arm64', 30, 0)], false],
    ['nothing timed', [], false]
  ])('%s', (_name, timings, expected) => {
    const hint = dominanceHint(timings)
    expect(hint !== undefined).toBe(expected)
    if (hint) {
      expect(hint.message).toContain('FROM --platform=$BUILDPLATFORM')
      expect(hint.message).toContain('docs/performance.md')
      expect(hint.message).toContain('linux/arm64')
      expect(hint.message).not.toContain('linux/amd64')
    }
  })
})

describe('crashHints', () => {
  it.each<[string, Step, string[], number]>([
    [
      'segfault under emulation',
      step('[linux/arm/v7 2/2] RUN make', 3, {
        error: 'process "/bin/sh -c make" did not complete successfully: exit code: 139',
        logs: ['qemu: uncaught target signal 11 (Segmentation fault) - core dumped', 'Segmentation fault']
      }),
      EMULATED,
      1
    ],
    [
      'illegal instruction under emulation',
      step('[linux/arm64 3/4] RUN npm ci', 3, {
        error: 'exit code: 132',
        logs: ['Illegal instruction (core dumped)']
      }),
      EMULATED,
      1
    ],
    [
      'exec format error under emulation',
      step('[linux/arm64 2/2] RUN ./tool', 0.1, {
        error: 'exit code: 1',
        logs: ['/bin/sh: ./tool: exec format error']
      }),
      EMULATED,
      1
    ],
    [
      'the same segfault natively is not the emulator’s',
      step('[linux/amd64 2/2] RUN make', 3, { error: 'exit code: 139', logs: ['Segmentation fault'] }),
      EMULATED,
      0
    ],
    [
      'a cross-compiling stage runs natively',
      step('[linux/amd64->arm64 build 2/2] RUN go build', 3, {
        error: 'exit code: 139',
        logs: ['Segmentation fault']
      }),
      EMULATED,
      0
    ],
    [
      'an ordinary failure under emulation',
      step('[linux/arm64 2/2] RUN false', 0.1, { error: 'exit code: 1', logs: ['no such file'] }),
      EMULATED,
      0
    ],
    [
      'the words only in the failed command line itself',
      step('[linux/arm64 2/2] RUN ./run --on-segmentation-fault', 0.1, {
        error:
          'process "/bin/sh -c ./run --on-segmentation fault" did not complete successfully: exit code: 2',
        logs: ['usage: run']
      }),
      EMULATED,
      0
    ],
    [
      'a step that did not fail',
      step('[linux/arm64 2/2] RUN ./t', 0.1, { logs: ['Segmentation fault test passed'] }),
      EMULATED,
      0
    ]
  ])('%s', (_name, failed, emulated, count) => {
    const hints = crashHints([failed], PLATFORMS, emulated)
    expect(hints).toHaveLength(count)
    for (const hint of hints) {
      expect(hint.title).toMatch(/^Emulator crash on linux\//)
      expect(hint.message).toContain('qemu-image')
      expect(hint.message).toContain('qemu: package')
      expect(hint.message).toContain('cross-compile')
    }
  })

  it.each([
    ['crash-plain-0.13.txt', parsePlainProgress],
    ['crash-raw-0.13.txt', parseRawJsonProgress],
    ['crash-raw-0.29.txt', parseRawJsonProgress]
  ])('names linux/arm/v7 and the step from the captured %s', (file, parse) => {
    const hints = crashHints(parse(read(file)), PLATFORMS, EMULATED)
    expect(hints.map(h => h.title)).toEqual(['Emulator crash on linux/arm/v7'])
    expect(hints[0]?.message).toMatch(/^RUN echo "step for arm"/)
  })
})
