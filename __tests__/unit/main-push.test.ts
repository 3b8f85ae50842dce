/**
 * One run with a fake command runner, the push side: the push by digest, the index read back from the
 * registry and checked, the tags put last, and the digests reported.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import { runMain } from '../../src/run/main.js'
import { loadPlatform } from '../../src/publish/load.js'
import { TestHttpServer, send } from '../http-server.js'
import { FakeRunner, docker, type Call } from './fake-runner.js'
import {
  ARCHES,
  INDEX,
  THREE_PLATFORMS,
  deps,
  dockerRunner,
  freshWorkDir,
  pushRunner,
  tagPuts,
  threePlatformImage,
  withRegistry,
  workDir
} from './main-fixtures.js'

beforeEach(freshWorkDir)

describe('runMain: push and digests', () => {
  it('push true: pushes by digest, checks the image in the registry, then PUTs the index under each tag', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    await withRegistry(image, async server => {
      const registry = server.host
      const runner = pushRunner(registry, image)
      const run = deps(runner, {
        platforms: THREE_PLATFORMS,
        tags: `${registry}/team/app:1,${registry}/team/app:latest`
      })
      await runMain(run)
      const build = runner.lines().find(l => l.includes('buildx build')) ?? ''
      expect(build).toContain(
        `--output type=image,name=${registry}/team/app,push-by-digest=true,name-canonical=true,push=true`
      )
      expect(build).not.toContain('--tag')
      const log = server.log()
      expect(log.filter(l => l === `GET /v2/team/app/manifests/${image.indexDigest}`)).toHaveLength(1)
      // The tags come last, one PUT each, with the bytes the registry serves by digest; then a look-up of
      // what each tag serves (another run may have pushed it meanwhile).
      expect(log.slice(-4)).toEqual([
        'PUT /v2/team/app/manifests/1',
        'PUT /v2/team/app/manifests/latest',
        'HEAD /v2/team/app/manifests/1',
        'HEAD /v2/team/app/manifests/latest'
      ])
      expect(run.reporter.summary).not.toContain('no longer serves')
      const puts = server.requests.filter(r => r.method === 'PUT')
      expect(puts.map(r => r.body.equals(image.index))).toEqual([true, true])
      expect(puts.map(r => r.headers['content-type'])).toEqual([
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.index.v1+json'
      ])
      // Each platform's two layers are read: the added one for ELF files, the base one only for nothing
      // (the entrypoint is in the added layer).
      expect(log.filter(l => l.startsWith('GET') && l.includes('/blobs/'))).toHaveLength(
        3 /* configs */ + 3 /* added layers */
      )
      const { outputs } = run.reporter
      expect(outputs.digest).toBe(image.indexDigest)
      expect(outputs['platform-digests']).toContain('"linux/arm/v7":"sha256:')
      expect(Object.values(outputs).join('\n')).not.toContain('unknown/unknown')
      expect(run.reporter.summary).toContain('linux/arm64')
    })
  })

  it('fails when the registry serves another digest than buildx reported', async () => {
    const server = await TestHttpServer.start({
      fallback: (_request, response) => {
        send(response, {
          status: 200,
          headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
          body: Buffer.concat([INDEX, Buffer.from(' ')])
        })
      }
    })
    const registry = server.host
    try {
      const runner = dockerRunner(`${registry}/team/app:1`)
      await expect(
        runMain(deps(runner, { platforms: 'linux/amd64', tags: `${registry}/team/app:1` }))
      ).rejects.toThrow(
        /served content whose sha256 is sha256:[0-9a-f]{64}, not the requested sha256:e2c70c61/
      )
    } finally {
      await server.stop()
    }
  })

  it('retries reading the index back when the registry answers 503, then reports the digests', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    await withRegistry(image, async server => {
      let answered = 0
      server.route('GET', `/v2/team/app/manifests/${image.indexDigest}`, (_request, response) => {
        if (answered++ === 0) send(response, { status: 503 })
        else {
          send(response, {
            status: 200,
            headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
            body: image.index
          })
        }
      })
      const run = deps(pushRunner(server.host, image), {
        platforms: THREE_PLATFORMS,
        tags: `${server.host}/team/app:1`
      })
      await runMain(run)
      expect(answered).toBe(2)
      expect(run.reporter.outputs.digest).toBe(image.indexDigest)
    })
  })

  it('push-by-digest: pushes with the untagged image output, reads the index back by digest, checks it, and tags nothing', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    await withRegistry(image, async server => {
      const registry = server.host
      // A build spread over nodes reports no image.name: the repository comes from the inputs.
      const runner = new FakeRunner()
        .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
        .on(docker('buildx', 'build'), (call: Call) => {
          const file = call.args[call.args.indexOf('--metadata-file') + 1] ?? ''
          fs.writeFileSync(file, JSON.stringify({ 'containerimage.digest': image.indexDigest }))
          return {}
        })
      const run = deps(runner, {
        platforms: THREE_PLATFORMS,
        tags: `${registry}/team/app`,
        'push-by-digest': 'true'
      })
      await runMain(run)
      const build = runner.calls.find(c => c.args[1] === 'build')?.args ?? []
      expect(build).not.toContain('--tag')
      expect(build).not.toContain('--push')
      expect(build[build.indexOf('--output') + 1]).toBe(
        `type=image,name=${registry}/team/app,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true`
      )
      expect(server.log().find(l => l.startsWith('GET'))).toBe(
        `GET /v2/team/app/manifests/${image.indexDigest}`
      )
      expect(server.log().filter(l => l.includes('/manifests/'))).toHaveLength(1 + 3) // index, 3 images
      expect(tagPuts(server)).toEqual([])
      expect(run.reporter.outputs['platform-digests']).toContain('"linux/arm/v7":"sha256:')
    })
  })
})

describe('runMain: load with push', () => {
  /** The archive `docker load` was given: its file names and JSON documents, read while it exists. */
  interface Loaded {
    names: string[]
    json: Record<string, unknown>
  }
  const readArchive = (file: string): Loaded => {
    const names = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')
    const json: Record<string, unknown> = {}
    for (const name of ['index.json', 'manifest.json'])
      json[name] = JSON.parse(execFileSync('tar', ['-xOf', file, name], { encoding: 'utf8' }))
    return { names, json }
  }

  it("after the tags, loads the engine's platform from the registry under every tag; imageid is the engine's", async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    await withRegistry(image, async server => {
      const registry = server.host
      const tags = [`${registry}/team/app:1`, `${registry}/team/app:latest`]
      let archive: Loaded | undefined
      const runner = pushRunner(registry, image)
        .on(docker('version'), { stdout: 'linux/arm64\n' })
        .on(docker('load'), (call: Call) => {
          archive = readArchive(call.args[call.args.indexOf('--input') + 1] ?? '')
          return { stdout: `Loaded image: ${tags[0]}\nLoaded image: ${tags[1]}\n` }
        })
        .on(docker('image', 'inspect'), { stdout: 'sha256:engine-id\nsha256:engine-id\n' })
      const run = deps(runner, { platforms: THREE_PLATFORMS, tags: tags.join(','), load: 'true' })
      await runMain(run)
      const lines = runner.lines()
      expect(lines.find(l => l.includes('buildx build'))).not.toContain('--load')
      // The load comes after the tags were put.
      const digests = JSON.parse(run.reporter.outputs['platform-digests'] ?? '{}') as Record<string, string>
      const arm64 = digests['linux/arm64'] ?? ''
      expect(tagPuts(server)).toHaveLength(2)
      expect(server.log()).toContain(`GET /v2/team/app/manifests/${arm64}`)
      expect(lines.filter(l => /^docker (load|image inspect)/.test(l))).toEqual([
        expect.stringMatching(/^docker load --input .*load-sha256-[0-9a-f]{64}\.tar$/),
        `docker image inspect --format {{.Id}} ${tags[0]} ${tags[1]}`
      ])
      // The arm64 manifest and its blobs, named by every tag in both the OCI index and manifest.json.
      const index = archive?.json['index.json'] as {
        manifests: { digest: string; annotations: Record<string, string> }[]
      }
      expect(index.manifests.map(m => [m.digest, m.annotations['io.containerd.image.name']])).toEqual(
        tags.map(t => [arm64, t])
      )
      const manifest = (archive?.json['manifest.json'] as { RepoTags: string[]; Layers: string[] }[])[0]
      expect(manifest?.RepoTags).toEqual(tags)
      expect(manifest?.Layers).toHaveLength(2)
      for (const layer of manifest?.Layers ?? []) expect(archive?.names).toContain(layer)
      expect(archive?.names).toContain(`blobs/sha256/${arm64.slice(7)}`)
      // The archive is gone; imageid is what the engine shows.
      expect(
        fs
          .readdirSync(workDir(), { recursive: true })
          .map(String)
          .filter(f => f.includes('load-'))
      ).toEqual([])
      expect(run.reporter.outputs.imageid).toBe('sha256:engine-id')
    })
  })

  it('a refused image is not loaded', async () => {
    const image = await threePlatformImage(arch => (arch === 'arm64' ? ARCHES.amd64 : ARCHES[arch]))
    await withRegistry(image, async server => {
      const registry = server.host
      const runner = pushRunner(registry, image)
      const run = deps(runner, { platforms: THREE_PLATFORMS, tags: `${registry}/team/app:1`, load: 'true' })
      await expect(runMain(run)).rejects.toThrow(/failed its checks/)
      expect(runner.lines().filter(l => /^docker (version|load)/.test(l))).toEqual([])
    })
  })
})

describe('loadPlatform', () => {
  it.each<[string[], string, string, boolean]>([
    [['linux/amd64', 'linux/arm64'], 'linux/arm64', 'linux/arm64', true],
    [['linux/amd64', 'linux/arm/v7'], 'linux/arm', 'linux/arm/v7', true],
    [['linux/arm/v6', 'linux/arm/v7'], 'linux/arm/v7', 'linux/arm/v7', true],
    [['linux/arm64', 'linux/s390x'], 'linux/amd64', 'linux/arm64', false]
  ])('%j on %s: %s (native %s)', (built, engine, platform, native) => {
    expect(loadPlatform(built, engine)).toEqual({ platform, native })
  })
})
