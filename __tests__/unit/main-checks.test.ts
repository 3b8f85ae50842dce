/**
 * One run with a fake command runner, the checks before the tags: the binaries check, the smoke test on
 * every platform (and its time limit), the cache budget, and the media types asked for.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runMain } from '../../src/run/main.js'
import { type Call, docker } from './fake-runner.js'
import { ELF, buildHistory, buildImage, tarLayer, type BuiltImage } from './image-fixtures.js'
import {
  ARCHES,
  THREE_PLATFORMS,
  deps,
  freshWorkDir,
  pushRunner,
  tagPuts,
  threePlatformImage,
  withRegistry,
  workDir
} from './main-fixtures.js'

beforeEach(freshWorkDir)

/** The digest of each platform's manifest in the image's index. */
function platformDigests(image: BuiltImage): Record<string, string> {
  const index = JSON.parse(image.index.toString('utf8')) as {
    manifests: { digest: string; platform: { os: string; architecture: string; variant?: string } }[]
  }
  const digests: Record<string, string> = {}
  for (const m of index.manifests) {
    const p = m.platform
    digests[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = m.digest
  }
  return digests
}

describe('runMain: binaries check', () => {
  it('a binaries check failure names the platforms and the file, and puts no tag', async () => {
    const image = await threePlatformImage(() => ELF.amd64)
    await withRegistry(image, async server => {
      const registry = server.host
      const run = runMain(
        deps(pushRunner(registry, image), { platforms: THREE_PLATFORMS, tags: `${registry}/team/app:1` })
      )
      await expect(run).rejects.toThrow(
        /no tag was moved:\n {2}- linux\/arm64: \/app\/tool is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64 \(added by this build, layer sha256:[0-9a-f]{64}\)\n {2}- linux\/arm\/v7: \/app\/tool is ELF 64-bit LSB x86-64, not ELF 32-bit LSB ARM/
      )
      await expect(run).rejects.not.toThrow(/linux\/amd64:/)
      expect(tagPuts(server)).toEqual([])
    })
  })

  it.each([
    // 3 configs; with the check on, the added layer (the same blob for every platform here) once.
    ['check-binaries', 'warning', 4],
    ['check-binaries', 'false', 3],
    // a budget smaller than any layer reads none and does not fail the step
    ['check-binaries-budget', '10', 3]
  ])('%s: %s tags the same image (%d blobs read)', async (input, value, blobs) => {
    const image = await threePlatformImage(() => ELF.amd64)
    await withRegistry(image, async server => {
      await runMain(
        deps(pushRunner(server.host, image), {
          platforms: THREE_PLATFORMS,
          tags: `${server.host}/team/app:1`,
          [input]: value
        })
      )
      expect(tagPuts(server)).toEqual(['PUT /v2/team/app/manifests/1'])
      expect(server.log().filter(l => l.startsWith('GET') && l.includes('/blobs/'))).toHaveLength(blobs)
    })
  })
})

describe('runMain: smoke test, cache budget, media types', () => {
  it('runs the smoke test on every platform by digest; a failure names the platform after the summary, and no tag moves', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    const digests = platformDigests(image)
    await withRegistry(image, async server => {
      const registry = server.host
      const runner = pushRunner(registry, image)
        .on(docker('run'), (call: Call) =>
          call.args.includes('linux/arm/v7')
            ? { exitCode: 1, stdout: 'starting\n', stderr: 'broken on arm/v7\n' }
            : { stdout: `ok ${call.args[call.args.indexOf('--platform') + 1] ?? ''}\n` }
        )
        .on(docker('buildx', 'du'), {
          stdout: 'ID\tRECLAIMABLE\tSIZE\nabc\ttrue\t1.2MB\nReclaimable:\t1.2MB\nTotal:\t\t3.4MB\n'
        })
      const run = deps(runner, {
        platforms: THREE_PLATFORMS,
        tags: `${registry}/team/app:1`,
        'smoke-test': `sh -c 'echo "$0"' x`,
        'cache-max-size': '2GB'
      })
      await expect(runMain(run)).rejects.toThrow(
        /smoke-test failed on linux\/arm\/v7:\n[^]*broken on arm\/v7/
      )
      const runs = runner.calls.filter(c => c.args[0] === 'run')
      expect(runs.map(c => c.args.slice(0, 8).join(' ')).sort()).toEqual([
        expect.stringMatching(
          /^run --rm --name multiarch-42-\w+-smoke-linux-amd64 --platform linux\/amd64 --network host$/
        ),
        expect.stringMatching(
          /^run --rm --name multiarch-42-\w+-smoke-linux-arm-v7 --platform linux\/arm\/v7 --network host$/
        ),
        expect.stringMatching(
          /^run --rm --name multiarch-42-\w+-smoke-linux-arm64 --platform linux\/arm64 --network host$/
        )
      ])
      expect(
        runner
          .lines()
          .filter(l => l.startsWith('docker pull'))
          .sort()
      ).toEqual([
        `docker pull --quiet --platform linux/amd64 ${registry}/team/app@${digests['linux/amd64'] ?? ''}`,
        `docker pull --quiet --platform linux/arm/v7 ${registry}/team/app@${digests['linux/arm/v7'] ?? ''}`,
        `docker pull --quiet --platform linux/arm64 ${registry}/team/app@${digests['linux/arm64'] ?? ''}`
      ])
      // The smoke test runs before the tags: a failing one leaves them where they were.
      expect(tagPuts(server)).toEqual([])
      const armv7 = runs.find(c => c.args.includes('linux/arm/v7'))
      expect(armv7?.args.slice(8)).toEqual([
        `${registry}/team/app@${digests['linux/arm/v7'] ?? ''}`,
        'sh',
        '-c',
        'echo "$0"',
        'x'
      ])
      const results = JSON.parse(run.reporter.outputs['smoke-results'] ?? '{}') as Record<
        string,
        { passed: boolean; exitCode: number; output: string }
      >
      expect(results['linux/arm/v7']).toMatchObject({
        passed: false,
        exitCode: 1,
        output: 'starting\nbroken on arm/v7'
      })
      expect(results['linux/arm64']).toMatchObject({ passed: true, exitCode: 0, output: 'ok linux/arm64' })
      const summary = run.reporter.summary
      expect(summary).toContain('Smoke test')
      expect(summary).toMatch(/linux\/arm\/v7<\/code><\/td><td><strong>failed<\/strong> \(exit code 1\)/)
      expect(summary).toContain('disk use 3.4MB (1.2MB reclaimable), cache budget 2.00 GB')
      expect(summary).toContain('Build time per platform')
      const work = workDir()
      const toml = fs.readFileSync(
        path.join(work, fs.readdirSync(work).find(d => d.startsWith('multiarch-')) ?? '', 'buildkitd.toml'),
        'utf8'
      )
      expect(toml).toMatch(
        /\[worker\.oci\]\ngc = true\ngckeepstorage = 2000000000\nmaxUsedSpace = 2000000000/
      )
    })
  })

  it('stops the platforms that exceed the time limit and names them', async () => {
    const image = await threePlatformImage(arch => ARCHES[arch])
    await withRegistry(image, async server => {
      // linux/arm/v7 never finishes on its own: only removing its container (docker rm) ends its docker run.
      const hanging = new Map<string, () => void>()
      const runner = pushRunner(server.host, image).on(docker('rm', '--force'), (call: Call) => {
        hanging.get(call.args[2] ?? '')?.()
        return {}
      })
      const answer = runner.run.bind(runner)
      runner.run = (command, args, options) => {
        if (command !== 'docker' || args[0] !== 'run' || !args.includes('linux/arm/v7'))
          return answer(command, args, options)
        return new Promise(resolve => {
          hanging.set(args[3] ?? '', () => {
            resolve({ exitCode: 137, stdout: 'partial output', stderr: '' })
          })
        })
      }
      await expect(
        runMain(
          deps(runner, {
            platforms: THREE_PLATFORMS,
            tags: `${server.host}/team/app:1`,
            'smoke-test': '--version',
            'smoke-test-timeout': '1'
          })
        )
      ).rejects.toThrow(
        /^smoke-test failed on linux\/arm\/v7:\nlinux\/arm\/v7: `--version` did not finish within the time limit .*\n {4}partial output/
      )
      expect(runner.lines().filter(l => l.startsWith('docker rm'))).toEqual([
        expect.stringMatching(/^docker rm --force multiarch-42-\w+-smoke-linux-arm-v7$/)
      ])
    })
  })

  it('media-types docker: attestations off and Docker media types asked for', async () => {
    const amd64 = {
      platform: { os: 'linux', architecture: 'amd64' },
      layers: [await tarLayer([{ name: 'app/tool', content: ELF.amd64, mode: 0o755 }])],
      config: { history: buildHistory(new Date().toISOString(), 1), config: { Entrypoint: ['/app/tool'] } }
    }
    const image = buildImage([amd64], false)
    await withRegistry(image, async server => {
      const registry = server.host
      const runner = pushRunner(registry, image)
      await runMain(
        deps(runner, { platforms: 'linux/amd64', tags: `${registry}/team/app:1`, 'media-types': 'docker' })
      )
      const build = runner.lines().find(l => l.startsWith('docker buildx build')) ?? ''
      expect(build).toContain(' --provenance=false ')
      expect(build).toContain(
        ` --output type=image,name=${registry}/team/app,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=false `
      )
      expect(runner.lines().some(l => l.startsWith('docker buildx du'))).toBe(false) // no budget: no du
    })
  })
})
