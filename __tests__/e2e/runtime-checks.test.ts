/**
 * What lands in the registry runs, and what the build cost (issue 12): media-types: docker, the smoke test
 * on every platform (passing, and failing only on linux/arm/v7), per-platform build times with the
 * cross-compile hint, and the cache budget as the builder's BuildKit applied it (old and new BuildKit).
 */
import { describe, expect, it } from '@jest/globals'
import {
  buildkitImage,
  docker,
  env,
  indexPlatforms,
  pushInputs,
  rawManifest,
  sha256,
  useJobs
} from './harness.js'

const jobs = useJobs()
const registry = env('E2E_HTTP_REGISTRY')
const platforms = env('E2E_PLATFORMS')
const common = (fixture: string, name: string): Record<string, string> & { tags: string } =>
  pushInputs({ registry, name, platforms, fixture, insecure: true })
const MACHINES: Record<string, string> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm/v7': 'armv7l'
}

/** The GC policies the builder's BuildKit runs with, as it reports them. */
function gcPolicies(builder: string): string {
  return docker(['exec', `buildx_buildkit_${builder}0`, 'buildctl', 'debug', 'workers', '-v'])
}

interface SmokeEntry {
  passed: boolean
  exitCode: number | null
  output: string
  image: string
}

describe('media-types docker, a passing smoke test, timings of an emulated build, a cache budget', () => {
  const inputs = {
    ...common('emulated-slow', 'runtime-docker'),
    'media-types': 'docker',
    'smoke-test': 'cat /built-on',
    'cache-max-size': '2GB'
  }
  const job = jobs.start(inputs)
  let outputs: Record<string, string> = {}
  let log = ''
  let summary = ''

  it('main succeeds', async () => {
    const main = await job.main()
    log = main.log
    summary = main.summary
    outputs = main.outputs
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
  }, 600_000)

  it('the registry serves a Docker manifest list of Docker v2 manifests; the digests are what it serves', () => {
    const raw = rawManifest(inputs.tags)
    const list = JSON.parse(raw.toString()) as { mediaType: string; manifests: { mediaType: string }[] }
    expect(list.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json')
    expect(sha256(raw)).toBe(outputs.digest)
    // no attestation entries: they would have switched the image back to OCI
    expect(list.manifests).toHaveLength(platforms.split(',').length)
    const digests = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>
    expect(digests).toEqual(indexPlatforms(raw))
    const repository = inputs.tags.replace(/:[^:/]*$/, '')
    for (const [platform, digest] of Object.entries(digests)) {
      const manifest = rawManifest(`${repository}@${digest}`)
      expect(sha256(manifest)).toBe(digest)
      expect((JSON.parse(manifest.toString()) as { mediaType: string }).mediaType).toBe(
        'application/vnd.docker.distribution.manifest.v2+json'
      )
      expect(
        list.manifests.every(m => m.mediaType === 'application/vnd.docker.distribution.manifest.v2+json')
      ).toBe(true)
      expect(platform).toMatch(/^linux\//)
    }
  })

  it('the smoke test ran in every platform’s image by digest; results in the output and the summary', () => {
    const results = JSON.parse(outputs['smoke-results'] ?? '{}') as Record<string, SmokeEntry>
    const digests = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>
    expect(Object.keys(results).sort()).toEqual(platforms.split(',').sort())
    for (const [platform, result] of Object.entries(results)) {
      expect(result).toMatchObject({ passed: true, exitCode: 0, output: MACHINES[platform] })
      expect(result.image.endsWith(`@${digests[platform] ?? 'none'}`)).toBe(true)
    }
    expect(summary).toContain('Smoke test')
    expect(summary.match(/<td>passed<\/td>/g)).toHaveLength(3)
  })

  it('the summary shows each platform’s build time and emulated share; the cross-compile hint is given', () => {
    expect(summary).toContain('Build time per platform')
    // the 6 s RUN step, natively for amd64 and under QEMU for the others
    expect(summary).toMatch(/<code>linux\/amd64<\/code><\/td><td>\d+\.\d s<\/td><td>0 s<\/td>/)
    for (const platform of ['linux/arm64', 'linux/arm/v7'])
      expect(summary).toMatch(
        new RegExp(`<code>${platform}</code></td><td>\\d+\\.\\d s</td><td>\\d+\\.\\d s \\(\\d+%\\)</td>`)
      )
    expect(log).toMatch(
      /::notice title=Emulated RUN steps dominate the build::RUN steps under QEMU emulation/
    )
    expect(log).toMatch(/^#\d+ \[linux\/arm\/v7 2\/2\] RUN sleep 6/m) // human progress, not JSON, in the log
    expect(log).not.toMatch(/"vertexes"/)
  })

  it('the cache budget is in effect in the builder, and the summary shows its disk use', () => {
    expect(gcPolicies(outputs['builder-name'] ?? '')).toMatch(/(Keep Bytes|Maximum used space):\s+2GB/)
    expect(summary).toMatch(/disk use \d+(\.\d+)?[kMG]?B \(.*reclaimable\), cache budget 2\.00 GB/)
  })
})

describe('a cross-compiled build on the newest BuildKit: no hint, budget in effect, OCI index', () => {
  const image = process.env.E2E_BUILDKIT_LATEST_IMAGE ?? buildkitImage()
  const inputs = {
    ...common('cross-slow', 'runtime-cross'),
    'buildkit-image': image,
    'cache-max-size': '2GB'
  }
  const job = jobs.start(inputs)

  it(`builds without the cross-compile hint; the budget holds in BuildKit ${image.split(':').pop() ?? image}`, async () => {
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    expect(main.log).not.toMatch(/Emulated RUN steps dominate/)
    for (const platform of ['linux/arm64', 'linux/arm/v7'])
      expect(main.summary).toMatch(
        new RegExp(`<code>${platform}</code></td><td>\\d+\\.\\d s</td><td>0 s</td>`)
      )
    expect(gcPolicies(main.outputs['builder-name'] ?? '')).toMatch(/(Keep Bytes|Maximum used space):\s+2GB/)
    const index = JSON.parse(rawManifest(inputs.tags).toString()) as { mediaType: string }
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json')
  }, 600_000)
})

describe('a smoke test that fails only on linux/arm/v7', () => {
  it('fails the step naming linux/arm/v7 and showing its output; the other platforms passed', async () => {
    const { main, post } = await jobs.run({
      ...common('smoke-v7', 'runtime-smoke-v7'),
      'smoke-test': 'uname -m'
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/::error::smoke-test failed on linux\/arm\/v7:/)
    expect(main.log).toContain('refusing to start on linux/arm/v7')
    expect(main.log).not.toMatch(/smoke-test failed on [^:]*(amd64|arm64)/)
    const results = JSON.parse(main.outputs['smoke-results'] ?? '{}') as Record<string, SmokeEntry>
    expect(results['linux/arm/v7']).toMatchObject({ passed: false, exitCode: 1 })
    expect(results['linux/arm64']).toMatchObject({
      passed: true,
      output: 'entrypoint for linux/arm64\naarch64'
    })
    expect(results['linux/amd64']?.passed).toBe(true)
    expect(main.summary).toMatch(
      /<code>linux\/arm\/v7<\/code><\/td><td><strong>failed<\/strong> \(exit code 1\)/
    )
    expect(post.exitCode).toBe(0)
  }, 600_000)
})
