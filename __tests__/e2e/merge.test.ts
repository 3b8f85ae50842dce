/**
 * The merge action (merge/action.yml) on the stack: three per-platform images pushed by digest by the
 * action, then merged into one index in another registry (HTTPS, private CA, private DNS name), in another repository
 * of the same registry (blobs mounted), into the registry with basic auth, and refused (nothing pushed)
 * when a platform is there twice or is not in `platforms`.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  baseImage,
  env,
  indexPlatforms,
  leaks,
  pushInputs,
  rawManifest,
  sha256,
  uniqueTag,
  useJobs
} from './harness.js'

const jobs = useJobs()
const MERGE = { action: 'merge/action.yml' }

interface Source {
  platform: string
  /** registry/repository@digest of what the build pushed (an index: the image and its provenance). */
  reference: string
  /** The platform's image manifest digest (the build's platform-digests). */
  image: string
}

const sources: Source[] = []

beforeAll(async () => {
  // As the distributed workflow does: each platform built on its own and pushed by digest, untagged,
  // to one repository.
  const registry = env('E2E_HTTP_REGISTRY')
  const tag = uniqueTag(registry, 'merge-src')
  const repository = `${registry}/e2e/merge-src-${tag.slice(tag.lastIndexOf(':') + 1)}`
  for (const platform of env('E2E_PLATFORMS').split(',')) {
    const { main } = await jobs.run({
      ...pushInputs({ registry, name: 'merge-src', platforms: platform }),
      tags: repository,
      'push-by-digest': 'true'
    })
    if (main.exitCode !== 0) throw new Error(`building ${platform} failed:\n${main.log.slice(-3000)}`)
    const image = (JSON.parse(main.outputs['platform-digests'] ?? '{}') as Record<string, string>)[platform]
    sources.push({ platform, reference: `${repository}@${main.outputs.digest ?? ''}`, image: image ?? '' })
  }
}, 600_000)

const expectedPlatforms = (): Record<string, string> =>
  Object.fromEntries(sources.map(s => [s.platform, s.image]))

/** Attestation entries of an index: digest -> the image digest it refers to. */
function attestations(raw: Buffer): Record<string, string> {
  const index = JSON.parse(raw.toString()) as {
    manifests: { digest: string; annotations?: Record<string, string> }[]
  }
  return Object.fromEntries(
    index.manifests
      .filter(m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')
      .map(m => [m.digest, m.annotations?.['vnd.docker.reference.digest'] ?? ''])
  )
}

function seconds(log: string): number {
  return Number(/merged in ([\d.]+) s/.exec(log)?.[1] ?? NaN)
}

describe('merge action', () => {
  it('merges three per-platform images into the private-CA registry under its private name', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const tag = uniqueTag(registry, 'merge')
    const { main } = await jobs.run(
      {
        sources: sources.map(s => s.reference).join('\n'),
        tags: tag,
        platforms: env('E2E_PLATFORMS'),
        annotations: 'org.opencontainers.image.description=merged on the e2e stack',
        'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`
      },
      {},
      MERGE
    )
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    const raw = rawManifest(tag)
    expect(main.outputs.digest).toBe(sha256(raw))
    expect(indexPlatforms(raw)).toEqual(expectedPlatforms())
    expect(JSON.parse(main.outputs['platform-digests'] ?? '{}')).toEqual(expectedPlatforms())
    // Each source's provenance came along, still attached to its own image.
    const attached = Object.values(attestations(raw)).sort()
    expect(attached).toEqual(sources.map(s => s.image).sort())
    const index = JSON.parse(raw.toString()) as { mediaType: string; annotations: Record<string, string> }
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(index.annotations['org.opencontainers.image.description']).toBe('merged on the e2e stack')
    // The images are complete in the new registry: skopeo reads each platform's config there.
    for (const s of sources) rawManifest(`${tag.slice(0, tag.lastIndexOf(':'))}@${s.image}`)
    expect(main.log).toMatch(/0 blobs mounted, \d+ copied/)
    expect(main.summary).toContain(main.outputs.digest)
    process.stdout.write(`merge into another registry (copy): ${seconds(main.log)} s\n`)
  }, 120_000)

  it('mounts the blobs into another repository of the same registry', async () => {
    const registry = env('E2E_HTTP_REGISTRY')
    const tag = uniqueTag(registry, 'merge-mounted')
    const { main } = await jobs.run(
      { sources: sources.map(s => s.reference).join('\n'), tags: tag },
      {},
      MERGE
    )
    expect(main.exitCode).toBe(0)
    // Every blob mounted (201 from the registry): none went through the action.
    expect(main.log).toMatch(/[1-9]\d* blobs mounted, 0 copied, 0 already there/)
    const raw = rawManifest(tag)
    expect(main.outputs.digest).toBe(sha256(raw))
    expect(indexPlatforms(raw)).toEqual(expectedPlatforms())
    process.stdout.write(`merge within one registry (mount): ${seconds(main.log)} s\n`)
  }, 120_000)

  it('logs in with the login inputs and keeps the password out of the log', async () => {
    const registry = env('E2E_AUTH_REGISTRY')
    const tag = uniqueTag(registry, 'merge-auth')
    const password = env('E2E_AUTH_PASSWORD')
    const { main, job } = await jobs.run(
      {
        sources: sources.map(s => s.reference).join('\n'),
        tags: tag,
        'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
        registry,
        username: env('E2E_AUTH_USER'),
        password
      },
      {},
      MERGE
    )
    expect(main.exitCode).toBe(0)
    expect(main.outputs.digest).toBe(sha256(rawManifest(tag)))
    expect(leaks(job.logs(), password)).toEqual([])
  }, 120_000)

  it.each<[string, () => Record<string, string>, RegExp]>([
    [
      'a platform in two sources',
      () => ({
        sources: [...sources.map(s => s.reference), baseImage(env('E2E_HTTP_REGISTRY'))].join('\n')
      }),
      /linux\/amd64 is in more than one source: .*merge-src-[\w-]+@sha256:[0-9a-f]+, .*busybox/
    ],
    [
      'a platform that platforms does not list',
      () => ({
        sources: sources.map(s => s.reference).join('\n'),
        platforms: 'linux/amd64,linux/arm64'
      }),
      /linux\/arm\/v7 \(from .*merge-src-[\w-]+@sha256:[0-9a-f]+\) is not in platforms/
    ]
  ])(
    'refuses %s and pushes nothing',
    async (_name, inputs, message) => {
      const registry = env('E2E_HTTP_REGISTRY')
      // A repository of its own: nothing else ever pushes to it.
      const tag = `${registry}/e2e/merge-refused-${randomBytes(4).toString('hex')}:1`
      const { main } = await jobs.run({ ...inputs(), tags: tag }, {}, MERGE)
      expect(main.exitCode).not.toBe(0)
      expect(main.log).toMatch(message)
      expect(() => rawManifest(tag)).toThrow()
      // Not even a blob: the target repository has neither tags nor the sources' configs.
      const repository = tag.slice(registry.length + 1, tag.lastIndexOf(':'))
      const status = (url: string, ...flags: string[]): string =>
        execFileSync('curl', ['-s', ...flags, '-o', '/dev/null', '-w', '%{http_code}', url]).toString()
      expect(status(`http://${registry}/v2/${repository}/tags/list`)).toBe('404')
      for (const s of sources) {
        const image = rawManifest(`${s.reference.split('@')[0] ?? ''}@${s.image}`).toString()
        const config = (JSON.parse(image) as { config: { digest: string } }).config.digest
        expect(status(`http://${registry}/v2/${repository}/blobs/${config}`, '-I')).toBe('404')
      }
    },
    120_000
  )
})
