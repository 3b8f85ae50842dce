/**
 * cache: registry across jobs: two fresh builders in a row against the private-CA registry, the second
 * finds every platform's steps in the cache, and the registry serves one cache ref per platform.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import { env, expectCleanedUp, expectPushed, pushInputs, rawManifest, useJobs } from './harness.js'

const jobs = useJobs()
const PLATFORMS = ['linux/amd64', 'linux/arm64']

/** Whether the RUN step of a platform in a plain-progress log came from the cache ('no RUN step': not built). */
function runCached(log: string, platform: string): boolean | 'no RUN step' {
  const numbers = [...log.matchAll(new RegExp(`#(\\d+) \\[${platform} 2/2\\] RUN`, 'g'))].map(m => m[1])
  if (numbers.length === 0) return 'no RUN step'
  return numbers.some(n => new RegExp(`^#${n} CACHED`, 'm').test(log))
}

describe('cache: registry', () => {
  it('two fresh builders in a row: the second run is CACHED for every platform, one ref per platform', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const pem = fs.readFileSync(env('E2E_REGISTRY_CA'), 'utf8')
    const name = `cache-${randomBytes(4).toString('hex')}`
    const inputs = { cache: 'registry', 'ca-certs': `${registry}=${pem}` }
    const runs = []
    for (let i = 0; i < 2; i++) {
      const push = pushInputs({ registry, name, platforms: PLATFORMS.join(',') })
      const { main, post } = await jobs.run({ ...push, ...inputs })
      expectPushed(main, push.tags)
      expect(main.log).not.toMatch(/::warning title=Build cache/)
      expectCleanedUp(post, main.outputs['builder-name'] ?? '')
      runs.push(main.log)
    }
    const [first = '', second = ''] = runs
    for (const platform of PLATFORMS) {
      expect([platform, runCached(first, platform)]).toEqual([platform, false])
      expect([platform, runCached(second, platform)]).toEqual([platform, true])
      const ref = `${registry}/e2e/${name}:buildcache-${platform.replace('/', '-')}`
      expect(rawManifest(ref).length).toBeGreaterThan(0)
      // The first run finds no cache: said as normal, not as buildx's ERROR line.
      expect(first).toContain(`no cache at ${ref} yet: normal until a build has exported one there`)
    }
    expect(first).not.toMatch(/ERROR: failed to configure registry cache importer/)
  }, 600_000)

  it('a cache export that fails is a warning: the image is pushed all the same', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const pem = fs.readFileSync(env('E2E_REGISTRY_CA'), 'utf8')
    const push = pushInputs({ registry, name: 'cache-fail', platforms: 'linux/amd64' })
    // Nothing listens on port 9 of loopback: the export cannot reach its registry.
    const { main, post } = await jobs.run({
      ...push,
      cache: 'registry',
      'cache-to': 'type=registry,ref=127.0.0.1:9/nowhere/app:buildcache,ignore-error=true',
      'ca-certs': `${registry}=${pem}`
    })
    expectPushed(main, push.tags)
    expect(main.log).toMatch(
      /::warning title=Build cache::exporting cache[^\n]*failed: .*next run starts without/
    )
    expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  }, 600_000)
})
