/**
 * One run with a fake command runner, the push side: the push by digest, the index read back from the
 * registry and checked, the tags put last, and the digests reported.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { runMain } from '../../src/run/main.js'
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
  withRegistry
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
      expect(log.filter(l => l.includes('/blobs/'))).toHaveLength(3 /* configs */ + 3 /* added layers */)
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
      expect(server.log()[0]).toBe(`GET /v2/team/app/manifests/${image.indexDigest}`)
      expect(server.log().filter(l => l.includes('/manifests/'))).toHaveLength(1 + 3) // index, 3 images
      expect(tagPuts(server)).toEqual([])
      expect(run.reporter.outputs['platform-digests']).toContain('"linux/arm/v7":"sha256:')
    })
  })
})
