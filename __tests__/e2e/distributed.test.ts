/**
 * Native platforms without emulating them on the runner, end to end on the stack:
 * - builder nodes: a second Docker engine ($E2E_NODE2_HOST) joined as the linux/arm64 node of one step's
 *   builder; the test shows that the arm64 image was produced there (the BuildKit on node 2 holds the very
 *   manifest the registry serves for linux/arm64, and the runner's BuildKit does not);
 * - push-by-digest: the plan mode splits the platforms, one run per platform pushes without any tag, and
 *   the registry serves each reported digest.
 */
import { describe, expect, it } from '@jest/globals'
import {
  contentStore,
  docker,
  env,
  expectCleanedUp,
  indexPlatforms,
  node2,
  pushInputs,
  rawManifest,
  sha256,
  stackInputs,
  uniqueTag,
  useJobs
} from './harness.js'

const jobs = useJobs()

function containerNames(on: (args: string[]) => string): string[] {
  return on(['ps', '-a', '--format', '{{.Names}}'])
    .split('\n')
    .filter(n => n !== '')
}

describe('nodes: linux/arm64 built on a second engine', () => {
  const registry = env('E2E_HTTP_REGISTRY')
  const platforms = env('E2E_PLATFORMS') // linux/amd64,linux/arm64,linux/arm/v7
  const endpoint = env('E2E_NODE2_HOST')
  const inputs = pushInputs({ registry, name: 'nodes', platforms, insecure: true })
  const tag = inputs.tags
  const job = jobs.start({ ...inputs, nodes: `linux/arm64=${endpoint}` })
  let outputs: Record<string, string> = {}
  let builder = ''
  let summary = ''

  it('main succeeds; the runner emulates only the platforms no node builds', async () => {
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    outputs = main.outputs
    summary = main.summary
    builder = outputs['builder-name'] ?? ''
    expect(builder).toMatch(/^multiarch-/)
    const emulated = (outputs['emulated-platforms'] ?? '').split(',')
    expect(emulated).not.toContain('linux/arm64')
    expect(emulated).toContain('linux/arm/v7') // no node builds it: QEMU on the runner, as before
    expect(main.log).toContain(`buildx create --append --name ${builder} --node ${builder}1`)
  }, 300_000)

  it('the registry serves the index the outputs report, with every platform', () => {
    const raw = rawManifest(tag)
    expect(sha256(raw)).toBe(outputs.digest)
    const served = indexPlatforms(raw)
    expect(Object.keys(served).sort()).toEqual(platforms.split(',').sort())
    expect(JSON.parse(outputs['platform-digests'] ?? '{}')).toEqual(served)
  })

  it('the builder has a container on each engine while the job runs', () => {
    expect(containerNames(docker)).toContain(`buildx_buildkit_${builder}0`)
    expect(containerNames(node2)).toContain(`buildx_buildkit_${builder}1`)
  })

  it('the arm64 image was made on node 2: its BuildKit holds that manifest, the runner’s does not', () => {
    const digests = JSON.parse(outputs['platform-digests'] ?? '{}') as Record<string, string>
    const onNode2 = contentStore(node2, `buildx_buildkit_${builder}1`)
    const onRunner = contentStore(docker, `buildx_buildkit_${builder}0`)
    const where = (digest: string | undefined): string[] =>
      [onRunner.has(digest ?? '') ? 'runner' : '', onNode2.has(digest ?? '') ? 'node2' : ''].filter(Boolean)
    expect({
      'linux/amd64': where(digests['linux/amd64']),
      'linux/arm64': where(digests['linux/arm64']),
      'linux/arm/v7': where(digests['linux/arm/v7'])
    }).toEqual({ 'linux/amd64': ['runner'], 'linux/arm64': ['node2'], 'linux/arm/v7': ['runner'] })
  })

  it('the job summary names the node of each platform', () => {
    expect(summary).toContain(`<code>${builder}1</code> (${endpoint})`)
    expect(summary).toMatch(
      new RegExp(
        `<code>linux/arm64</code></td><td><code>sha256:[0-9a-f]{64}</code></td><td>by the node</td><td><code>${builder}1</code>`
      )
    )
    expect(summary).toContain(`<code>${builder}0</code> (this runner)`)
  })

  it('post removes the builder from both engines', async () => {
    const post = await job.post()
    expect(post.log).not.toMatch(/::warning/)
    expectCleanedUp(post, builder)
    expect(containerNames(node2).filter(n => n.includes(builder))).toEqual([])
  }, 120_000)
})

describe('nodes: failures', () => {
  it('an unreachable node fails naming its endpoint, and post still removes the builder', async () => {
    const registry = env('E2E_HTTP_REGISTRY')
    const endpoint = 'unix:///tmp/no-such-engine/docker.sock'
    const { main, post } = await jobs.run({
      ...pushInputs({ registry, name: 'nodes-unreachable', platforms: 'linux/amd64,linux/arm64' }),
      nodes: `linux/arm64=${endpoint}`
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toContain(
      `::error::Builder node ${endpoint} (nodes input, for linux/arm64) is not reachable`
    )
    expect(main.log).not.toMatch(/buildx build/)
    expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  }, 300_000)

  it('a malformed line is refused before any docker command, naming the input', async () => {
    const { main } = await jobs.run({
      ...stackInputs(),
      nodes: 'linux/arm64 ssh://ci@arm-box',
      tags: uniqueTag(env('E2E_HTTP_REGISTRY'), 'nodes-malformed')
    })
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/- nodes: "linux\/arm64 ssh:\/\/ci@arm-box" is not PLATFORMS=ENDPOINT/)
    expect(main.log).not.toMatch(/buildx (create|version)|docker run/)
  }, 60_000)
})

describe('push-by-digest: one run per platform, as the plan splits them', () => {
  const registry = env('E2E_HTTP_REGISTRY')
  const tag = uniqueTag(registry, 'by-digest')
  const repository = tag.slice(0, tag.lastIndexOf(':'))
  let include: { platform: string; slot: number }[] = []

  it('the plan gives one entry per platform and the repository of the tag', async () => {
    const { main } = await jobs.run(
      { platforms: env('E2E_PLATFORMS'), tags: tag },
      {},
      { action: 'plan/action.yml' }
    )
    expect(main.exitCode).toBe(0)
    expect(main.outputs.repository).toBe(repository)
    include = (JSON.parse(main.outputs.matrix ?? '{}') as { include: typeof include }).include
    expect(include.map(e => [e.platform, e.slot])).toEqual(
      env('E2E_PLATFORMS')
        .split(',')
        .map((p, i) => [p, i])
    )
  }, 60_000)

  it('each platform is pushed without a tag, and the registry serves the digest it reports', async () => {
    for (const { platform } of include) {
      const { main, post } = await jobs.run({
        ...pushInputs({ registry, name: 'by-digest', platforms: platform, insecure: true }),
        tags: repository,
        'push-by-digest': 'true'
      })
      expect([platform, main.exitCode]).toEqual([platform, 0])
      expect(main.log).toContain('push-by-digest=true')
      const digest = main.outputs.digest ?? ''
      const raw = rawManifest(`${repository}@${digest}`)
      expect([platform, sha256(raw)]).toEqual([platform, digest])
      const platformDigests = JSON.parse(main.outputs['platform-digests'] ?? '{}') as Record<string, string>
      expect(Object.keys(platformDigests)).toEqual([platform])
      expect(platformDigests).toEqual(indexPlatforms(raw))
      expect(post.exitCode).toBe(0)
    }
    // Nothing was tagged: the registry lists no tag for the repository (404 or an empty list).
    const answer = await fetch(`http://${registry}/v2/${repository.slice(registry.length + 1)}/tags/list`)
    const listed = answer.ok ? ((await answer.json()) as { tags: string[] | null }).tags : []
    expect([answer.status === 200 || answer.status === 404, listed ?? []]).toEqual([true, []])
  }, 600_000)
})
