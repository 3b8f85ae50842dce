/**
 * The merge action's inputs (src/inputs/merge.ts) and its wiring (src/merge/action.ts): parsing and
 * refusals naming the input, and a whole run against an in-memory registry: outputs, job summary, masked
 * password, work directory removed, and nothing written when the inputs are bad.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  parseAnnotations,
  parseExpectedPlatforms,
  parseIndexTags,
  parseSources,
  readMergeInputs
} from '../../src/inputs/merge-inputs.js'
import { describeMergeInputs, runMergeAction } from '../../src/merge/action.js'
import { sha256Digest } from '../../src/oci/oci.js'
import { githubReporter } from '../../src/github/github-reporter.js'
import type { MainDeps } from '../../src/step/deps.js'
import { captureStdout, commands } from '../stdout.js'
import { fakeRegistry, seedImage, seedIndex } from './fake-registry.js'
import { FakeRunner } from './fake-runner.js'
import { CA_PEM } from './defaults.js'

describe('merge input parsers', () => {
  it('sources: one per line or comma separated, blank lines skipped', () => {
    expect(parseSources('r.io/a@sha256:' + 'a'.repeat(64) + '\n\n  \nr.io/b:1, r.io/c')).toEqual([
      'r.io/a@sha256:' + 'a'.repeat(64),
      'r.io/b:1',
      'r.io/c'
    ])
  })

  it.each([
    ['', /no source is given/],
    ['\n\n', /no source is given/],
    ['r.io/UPPER:1', /"r.io\/UPPER:1" is not a valid image reference/],
    ['r.io/a@sha256:short', /not a valid image reference/]
  ])('sources %j is refused', (value, message) => {
    expect(() => parseSources(value)).toThrow(message)
  })

  it('tags: a tag or none (latest), never a digest', () => {
    expect(parseIndexTags('r.io/a:1\nr.io/a')).toEqual(['r.io/a:1', 'r.io/a'])
    expect(() => parseIndexTags(`r.io/a:1@sha256:${'b'.repeat(64)}`)).toThrow(/has a digest/)
    expect(() => parseIndexTags('')).toThrow(/no tag is given/)
  })

  it.each<[string, Record<string, string>]>([
    ['', {}],
    ['org.opencontainers.image.version=1.0', { 'org.opencontainers.image.version': '1.0' }],
    [
      'index:org.opencontainers.image.source=https://x/y?a=b',
      { 'org.opencontainers.image.source': 'https://x/y?a=b' }
    ],
    ['a=\nb = two words ', { a: '', b: 'two words' }]
  ])('annotations %j', (value, expected) => {
    expect(parseAnnotations(value)).toEqual(expected)
  })

  it.each([
    ['no-equals', /expected key=value/],
    ['=value', /expected key=value/],
    ['manifest:org.x=1', /only index annotations can be set here/],
    ['manifest[linux/amd64]:org.x=1', /only index annotations can be set here/],
    ['a=1\nindex:a=2', /a is set twice/]
  ])('annotations %j are refused', (value, message) => {
    expect(() => parseAnnotations(value)).toThrow(message)
  })

  it('platforms: normalised, empty means any, twice is refused', () => {
    expect(parseExpectedPlatforms('')).toBeUndefined()
    expect(parseExpectedPlatforms('linux/x86_64, linux/arm64/v8\nlinux/arm')).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7'
    ])
    expect(() => parseExpectedPlatforms('linux/arm64,linux/aarch64')).toThrow('linux/arm64 is listed twice')
    expect(() => parseExpectedPlatforms('linux')).toThrow(/Invalid platform/)
  })

  it('reads every input and reports all problems together, each naming its input', () => {
    const inputs: Record<string, string> = {
      sources: '',
      tags: 'r.io/x@sha256:' + 'c'.repeat(64),
      annotations: 'nope',
      platforms: 'linux',
      'insecure-registries': 'ftp://x',
      username: 'me'
    }
    let problems: readonly string[] = []
    try {
      readMergeInputs(name => inputs[name] ?? '')
    } catch (error) {
      problems = (error as { problems: readonly string[] }).problems
    }
    expect(problems.map(p => p.split(':')[0])).toEqual([
      'sources',
      'tags',
      'annotations',
      'platforms',
      'insecure-registries',
      'password',
      'registry'
    ])
  })

  it('describes the inputs without the password or PEM text', () => {
    const pem = CA_PEM
    const inputs = readMergeInputs(
      name =>
        ({
          sources: 'r.io/a:1',
          tags: 'r.io/b:1',
          'ca-certs': `r.io=${pem}`,
          registry: 'r.io',
          username: 'me',
          password: 'hunter2'
        })[name] ?? ''
    )
    const text = describeMergeInputs(inputs).join('\n')
    expect(text).toContain('ca-certs: r.io (PEM)')
    expect(text).toContain('login: me at r.io')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain(CA_PEM.split('\n')[1] ?? '')
  })
})

describe('runMergeAction', () => {
  const commandDir = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-action-files-'))
  const files = {
    GITHUB_OUTPUT: path.join(commandDir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(commandDir, 'summary')
  }
  const saved = { ...process.env }
  let work = ''
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-action-'))
    for (const [k, v] of Object.entries(files)) {
      fs.writeFileSync(v, '')
      process.env[k] = v
    }
  })
  afterAll(() => {
    process.env = saved
  })

  const deps = (inputs: Record<string, string>): MainDeps => ({
    reporter: githubReporter(),
    runner: new FakeRunner(),
    getInput: name => inputs[name] ?? '',
    env: { RUNNER_TEMP: work, DOCKER_CONFIG: path.join(work, 'docker-config') },
    cwd: process.cwd(),
    tmpDir: os.tmpdir(),
    host: { platform: 'linux', arch: 'x64', armVersion: '7' },
    hostArch: 'amd64',
    isRoot: true,
    binfmtDir: work,
    retryDelayMs: 1,
    sleep: () => Promise.resolve(),
    now: Date.now,
    idToken: () => Promise.reject(new Error('no OIDC token service in unit tests'))
  })

  it('sets digest and platform-digests, writes the summary, masks the password, leaves no files', async () => {
    const registry = await fakeRegistry({ mounts: true })
    const amd = seedImage(registry, 'ci/app', { os: 'linux', architecture: 'amd64' })
    const arm = seedImage(registry, 'ci/app', { os: 'linux', architecture: 'arm64' })
    const source = seedIndex(registry, 'ci/app', 'both', [
      { image: amd, platform: { os: 'linux', architecture: 'amd64' }, attest: true },
      { image: arm, platform: { os: 'linux', architecture: 'arm64' } }
    ])
    const host = registry.server.host
    const log = await captureStdout(() =>
      runMergeAction(
        deps({
          sources: `${host}/ci/app@${source.digest}`,
          tags: `${host}/release/app:1`,
          annotations: 'org.opencontainers.image.version=1',
          platforms: 'linux/amd64,linux/arm64',
          registry: 'other.example.com',
          username: 'me',
          password: 's3cret-pass'
        })
      )
    )
    const pushed = registry.manifests.get('release/app:1')?.raw ?? Buffer.alloc(0)
    const output = fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')
    expect(output).toContain(sha256Digest(pushed))
    expect(output).toContain(JSON.stringify({ 'linux/amd64': amd.digest, 'linux/arm64': arm.digest }))
    const summary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
    expect(summary).toContain(`<code>${host}/release/app:1</code>`)
    expect(summary).toContain(`<code>${sha256Digest(pushed)}</code>`)
    expect(summary).toContain('<td><code>linux/arm64</code></td>')
    expect(commands(log, 'add-mask')).toContain('s3cret-pass')
    expect(log.split('\n').filter(l => l.includes('s3cret-pass') && !l.startsWith('::add-mask::'))).toEqual(
      []
    )
    expect(fs.readdirSync(work)).toEqual([])
  })

  it('refuses bad inputs before any request', async () => {
    const registry = await fakeRegistry({ mounts: true })
    await expect(
      runMergeAction(deps({ sources: `${registry.server.host}/a:1`, tags: '', annotations: 'x' }))
    ).rejects.toThrow(/tags: .*\n.*annotations: /)
    expect(registry.server.log()).toEqual([])
  })
})
