/** The plan mode: platforms and a runners map -> the reusable workflow's matrix, and its inputs. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { InputError } from '../../src/inputs/table.js'
import {
  MAX_PLATFORMS,
  parseRunners,
  plan,
  readPlanInputs,
  repositoryOf,
  type Plan
} from '../../src/plan/matrix.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const source =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''
const TAGS = { tags: 'registry.example.com/team/app:1.0,registry.example.com/team/app:latest' }

function planFor(values: Record<string, string>): Plan {
  return plan(readPlanInputs(source({ ...TAGS, ...values })))
}

function problems(values: Record<string, string>): string[] {
  try {
    readPlanInputs(source({ ...TAGS, ...values }))
  } catch (error) {
    if (error instanceof InputError) return [...error.problems]
    throw error
  }
  return []
}

describe('plan with the default runner map (GitHub-hosted runners)', () => {
  it('three platforms: amd64 on ubuntu-latest, the ARM ones on the ARM runners, one slot each', () => {
    expect(planFor({ platforms: 'linux/amd64,linux/arm64,linux/arm/v7' })).toEqual({
      matrix: {
        include: [
          { platform: 'linux/amd64', 'runs-on': 'ubuntu-latest', slot: 0 },
          { platform: 'linux/arm64', 'runs-on': 'ubuntu-24.04-arm', slot: 1 },
          { platform: 'linux/arm/v7', 'runs-on': 'ubuntu-24.04-arm', slot: 2 }
        ]
      },
      repository: 'registry.example.com/team/app'
    })
  })

  it('the default platforms, spelled as users write them, and a platform the map lacks on runs-on', () => {
    expect(planFor({}).matrix.include.map(e => [e.platform, e['runs-on']])).toEqual([
      ['linux/amd64', 'ubuntu-latest'],
      ['linux/arm64', 'ubuntu-24.04-arm']
    ])
    expect(
      planFor({ platforms: 'linux/aarch64\nlinux/ppc64le', 'runs-on': 'ubuntu-22.04' }).matrix.include
    ).toEqual([
      { platform: 'linux/arm64', 'runs-on': 'ubuntu-24.04-arm', slot: 0 },
      { platform: 'linux/ppc64le', 'runs-on': 'ubuntu-22.04', slot: 1 }
    ])
  })
})

describe('plan with a self-hosted runner map', () => {
  const runners = [
    'linux/amd64 = self-hosted, linux, x64',
    'linux/arm64=self-hosted,linux,ARM64',
    'linux/arm/v7=pi-farm'
  ].join('\n')

  it('several labels become the list a runner must match; one label stays a string', () => {
    const result = planFor({
      platforms: 'linux/amd64,linux/arm64,linux/arm/v7,linux/s390x',
      runners,
      'runs-on': 'self-hosted,linux,x64'
    })
    expect(result.matrix.include).toEqual([
      { platform: 'linux/amd64', 'runs-on': ['self-hosted', 'linux', 'x64'], slot: 0 },
      { platform: 'linux/arm64', 'runs-on': ['self-hosted', 'linux', 'ARM64'], slot: 1 },
      { platform: 'linux/arm/v7', 'runs-on': 'pi-farm', slot: 2 },
      { platform: 'linux/s390x', 'runs-on': ['self-hosted', 'linux', 'x64'], slot: 3 }
    ])
  })

  it('the map replaces the defaults: a platform it lacks goes to runs-on, not to a hosted runner', () => {
    const result = planFor({ platforms: 'linux/amd64,linux/arm64', runners: 'linux/arm64=arm-box' })
    expect(result.matrix.include.map(e => e['runs-on'])).toEqual(['ubuntu-latest', 'arm-box'])
  })
})

describe('plan: the repository every platform is pushed to', () => {
  it.each<[string, string]>([
    ['registry.example.com/team/app:1.0', 'registry.example.com/team/app'],
    ['127.0.0.1:5000/app@sha256:' + 'a'.repeat(64), '127.0.0.1:5000/app'],
    ['team/app', 'docker.io/team/app'],
    ['alpine:3', 'docker.io/library/alpine']
  ])('%s -> %s', (tag, repository) => {
    expect(repositoryOf(tag)).toBe(repository)
  })

  it('is the first tag’s; empty when nothing is pushed', () => {
    expect(planFor({ tags: 'r.example.com/a:1\nother.example.com/b:1' }).repository).toBe('r.example.com/a')
    expect(planFor({ push: 'false', tags: '' }).repository).toBe('')
    expect(planFor({ push: 'false' }).repository).toBe('')
  })
})

describe('plan inputs: each problem names its input', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['platforms', { platforms: 'linux/sparc' }, /unknown architecture/],
    ['platforms', { platforms: 'linux/arm64,linux/aarch64' }, /linux\/arm64 is listed twice/],
    [
      'platforms',
      {
        platforms:
          'linux/amd64,linux/arm64,linux/arm/v7,linux/arm/v6,linux/386,linux/ppc64le,linux/s390x,linux/riscv64,linux/amd64/v2,linux/amd64/v3,linux/mips64le'
      },
      new RegExp(`11 platforms, but a distributed build has at most ${MAX_PLATFORMS}`)
    ],
    ['runners', { runners: 'linux/arm64 ubuntu-24.04-arm' }, /not PLATFORM=RUNNER-LABEL/],
    ['runners', { runners: 'linux/arm64=' }, /needs runner labels/],
    ['runners', { runners: 'linux/arm64=self-hosted,,arm64' }, /needs runner labels/],
    ['runners', { runners: 'linux/arm64=a\nlinux/aarch64=b' }, /linux\/arm64 is given twice/],
    ['runners', { runners: 'linux/arm64=my runner' }, /has a space/],
    ['runs-on', { 'runs-on': 'a,,b' }, /needs runner labels/],
    ['tags', { tags: '' }, /push is true but no tag/],
    ['tags', { tags: 'Bad/Name:1' }, /Invalid image reference/],
    ['push', { push: 'sometimes' }, /not a boolean/],
    ['nodes', { nodes: 'linux/arm64=ssh://arm' }, /set distribute: false to use nodes/]
  ])('%s %j', (input, values, message) => {
    const found = problems(values)
    expect(found[0]).toMatch(new RegExp(`^${input}: `))
    expect(found[0]).toMatch(message)
  })

  it('reports every problem at once', () => {
    expect(problems({ platforms: 'linux/sparc', runners: 'x', push: 'y' }).map(p => p.split(':')[0])).toEqual(
      ['platforms', 'runners', 'push']
    )
  })

  it('parseRunners: blank lines are skipped', () => {
    expect(parseRunners('\nlinux/arm64=a\n\n')).toEqual(new Map([['linux/arm64', ['a']]]))
  })
})

describe('plan/action.yml', () => {
  const planAction = parseYaml(fs.readFileSync(path.join(ROOT, 'plan/action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
    outputs: Record<string, unknown>
    runs: { using: string; main: string; post?: string }
  }

  it('declares no mode, and the two outputs', () => {
    expect(planAction.inputs).not.toHaveProperty('mode')
    expect(Object.keys(planAction.outputs).sort()).toEqual(['matrix', 'repository'])
  })

  it('runs its own entry of the bundle, with no post step', () => {
    expect(planAction.runs).toEqual({ using: 'node24', main: '../dist/plan/index.js' })
  })
})
