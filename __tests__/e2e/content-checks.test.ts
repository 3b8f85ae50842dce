/**
 * What lands in the registry is checked before a tag points at it: the index structure and the binaries
 * of every platform, read back from the registry. A final stage built FROM --platform=$BUILDPLATFORM
 * fails (naming each wrong platform and the file) and leaves the tag where it was; a cross-compiled Go
 * program passes.
 */
import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { FIXTURES, baseImage, env, rawManifest, sha256, stackInputs, uniqueTag, useJobs } from './harness.js'

const jobs = useJobs()

describe('binaries check on 3 platforms (HTTP registry)', () => {
  const registry = env('E2E_HTTP_REGISTRY')
  const tag = uniqueTag(registry, 'content-checks')
  const common = {
    ...stackInputs(),
    platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
    tags: tag,
    'insecure-registries': `http://${registry}`
  }
  let goodDigest = ''

  it('a cross-compiled Go program passes, and only then is the tag put', async () => {
    const { main } = await jobs.run({
      ...common,
      context: path.join(FIXTURES, 'cross-go'),
      'build-args': `BASE=${baseImage(registry)}\nGOLANG=${registry}/${env('E2E_GOLANG_IMAGE')}`
    })
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    goodDigest = main.outputs.digest ?? ''
    expect(goodDigest).toMatch(/^sha256:[0-9a-f]{64}$/)
    for (const platform of ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) {
      expect(main.log).toContain(`${platform}: 1 of 2 layers added by this build`)
    }
    expect(main.log).toMatch(/starts \/usr\/local\/bin\/hello \(matches\)/)
    expect(main.log).toContain(`${tag} -> ${goodDigest}`)
    expect(sha256(rawManifest(tag))).toBe(goodDigest)
  }, 600_000)

  it('a build-platform executable in every image fails, naming arm64, arm/v7 and the file; the tag stays', async () => {
    expect(goodDigest).not.toBe('')
    const { main } = await jobs.run({
      ...common,
      context: path.join(FIXTURES, 'build-platform-binary'),
      'build-args': `BASE=${baseImage(registry)}`
    })
    expect(main.exitCode).not.toBe(0)
    const error = main.log.split('\n').filter(line => line.startsWith('::error'))
    const text = error.join('\n')
    expect(text).toContain('no tag was moved')
    expect(text).toMatch(
      /linux\/arm64: \/opt\/app\/tool is ELF 64-bit LSB x86-64, not ELF 64-bit LSB AArch64/
    )
    expect(text).toMatch(/linux\/arm\/v7: \/opt\/app\/tool is ELF 64-bit LSB x86-64, not ELF 32-bit LSB ARM/)
    expect(text).not.toMatch(/linux\/amd64: /)
    // busybox of the base layer is the build platform's too, but this build did not add it.
    expect(text).not.toContain('/bin/busybox')
    expect(text).toContain('--platform=$BUILDPLATFORM')
    expect(sha256(rawManifest(tag))).toBe(goodDigest)
  }, 600_000)

  it('check-binaries: warning lets the same image through with warnings, and moves the tag', async () => {
    const { main } = await jobs.run({
      ...common,
      context: path.join(FIXTURES, 'build-platform-binary'),
      'build-args': `BASE=${baseImage(registry)}`,
      'check-binaries': 'warning'
    })
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(/::warning title=Image content check::linux\/arm64: \/opt\/app\/tool is ELF/)
    const digest = main.outputs.digest ?? ''
    expect(digest).not.toBe(goodDigest)
    expect(sha256(rawManifest(tag))).toBe(digest)
  }, 600_000)
})
