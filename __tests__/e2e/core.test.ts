/**
 * The core path (issue: one step builds a multi-platform image, pushes it, and reports verified digests),
 * end to end: dist/ run as the runner runs it, against a real engine, BuildKit, QEMU and registry.
 */
import { describe, expect, it } from '@jest/globals'
import {
  env,
  expectCleanedUp,
  indexPlatforms,
  leftovers,
  pushInputs,
  rawManifest,
  runImage,
  sha256,
  useJobs
} from './harness.js'

const jobs = useJobs()

describe('core path: 3 platforms to the HTTP registry', () => {
  const registry = env('E2E_HTTP_REGISTRY')
  const platforms = 'linux/amd64,linux/arm64,linux/arm/v7'
  const inputs = pushInputs({ registry, name: 'core', platforms, insecure: true })
  const tag = inputs.tags
  const job = jobs.start(inputs)
  let outputs: Record<string, string> = {}
  let builder = ''

  it('main succeeds and sets every output', async () => {
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    outputs = main.outputs
    builder = outputs['builder-name'] ?? ''
    expect(builder).toMatch(/^multiarch-/)
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(outputs['emulated-platforms']).toBe('linux/arm64,linux/arm/v7')
    expect(JSON.parse(outputs.metadata ?? '{}')).toHaveProperty(['containerimage.digest'], outputs.digest)
    expect(main.summary).toContain(outputs.digest)
    expect(main.summary).toContain('linux/arm/v7')
    expectStepsShownOnce(main.log)
  }, 300_000)

  it('digest is the sha256 of the index the registry serves, platform digests its entries', () => {
    const raw = rawManifest(tag)
    expect(sha256(raw)).toBe(outputs.digest)
    const platforms = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64'])
    expect(platforms).toEqual(indexPlatforms(raw))
    expect(JSON.stringify(platforms)).not.toContain('unknown')
  })

  it.each([
    ['linux/arm64', 'aarch64'],
    ['linux/arm/v7', 'armv7l'],
    ['linux/amd64', 'x86_64']
  ])(
    'docker run --platform %s prints %s',
    (platform, machine) => {
      const out = runImage(tag, platform)
      expect(out.trim()).toBe(machine)
    },
    120_000
  )

  it('post removes the builder container and the builder', async () => {
    expect(leftovers(builder).containers.length).toBeGreaterThan(0) // it existed until now
    const post = await job.post()
    expect(post.log).not.toMatch(/::warning/)
    expectCleanedUp(post, builder)
  }, 120_000)
})

/** Each build step in the log: one header, then one DONE, CACHED or ERROR line. */
function expectStepsShownOnce(log: string): void {
  // The build's steps: buildx's own `#1` lines of the builder's bootstrap come before.
  const lines = log.split('\n').slice(log.split('\n').findIndex(l => l.includes('load build definition')))
  const headers = lines.flatMap(l => /^(#\d+) \[/.exec(l)?.slice(1, 2) ?? [])
  expect(headers.length).toBeGreaterThan(3)
  expect(new Set(headers).size).toBe(headers.length)
  for (const header of headers) {
    const ends = lines.filter(l => new RegExp(`^${header} (DONE|CACHED|ERROR|no cache at)`).test(l))
    expect([header, ends.length]).toEqual([header, 1])
  }
}

describe('progress: a step that prints nothing for 34 s', () => {
  it('is said to be still running after 30 s, once, with its name', async () => {
    const registry = env('E2E_HTTP_REGISTRY')
    const { main, post } = await jobs.run(
      pushInputs({ registry, name: 'silent', platforms: 'linux/amd64', insecure: true, fixture: 'silent' })
    )
    expect(main.exitCode).toBe(0)
    const beats = main.log.split('\n').filter(l => l.includes('still running after'))
    expect(beats).toEqual([expect.stringMatching(/^#\d+ still running after 3[0-4] s: \[.*\] RUN sleep 34/)])
    expectStepsShownOnce(main.log)
    expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  }, 300_000)
})

describe('core path: a failing Dockerfile', () => {
  it('fails with buildx error in the log and still cleans up', async () => {
    const registry = env('E2E_HTTP_REGISTRY')
    const { main, post } = await jobs.run(
      pushInputs({ registry, name: 'failing', platforms: 'linux/amd64,linux/arm64', fixture: 'failing' })
    )
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/::error::docker buildx build failed/)
    expect(main.log).toMatch(/did not complete successfully: exit code: 1/)
    // The error is the step's last line; it carries buildx's closing error, not its progress again.
    const error = main.log.trimEnd().split('\n').at(-1) ?? ''
    expect(error).toMatch(/^::error::docker buildx build failed \(exit code 1\):%0A.*ERROR: failed to/)
    expect(error).not.toMatch(/%0A#\d+ /)
    const builder = main.outputs['builder-name'] ?? ''
    expect(builder).not.toBe('')
    expectCleanedUp(post, builder)
  }, 300_000)
})
