/**
 * docker/build-push-action's CI jobs, with our inputs; dist/ runs as the runner runs it.
 * - `secret`, `secret-files` and `secret-envs`: an entry whose value is empty (what a pull request from a
 *   fork gets for every repository secret) is a warning naming its id, and the build goes on.
 * - load with push ("push, then test the image on the runner"): pushed and checked, then the engine's
 *   platform is loaded under every tag, from a registry the engine itself does not trust (private CA under a
 *   private name); `imageid` is the ID the engine shows.
 * - `provenance`: a local output gets provenance.json with the input empty (their default), none with false.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { docker, env, expectCleanedUp, expectPushed, indexPlatforms, pushInputs, useJobs } from './harness.js'

const registry = env('E2E_HTTP_REGISTRY')
const jobs = useJobs()

describe('secrets, secret-files and secret-envs with empty entries: warned by id, the build goes on', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-e2e-'))
  const secretFile = path.join(work, 'secret.txt')
  fs.writeFileSync(secretFile, `file-${randomBytes(8).toString('hex')}`, { mode: 0o600 })
  const job = jobs.start(
    {
      ...pushInputs({
        registry,
        name: 'parity-secrets',
        platforms: 'linux/amd64',
        fixture: 'parity',
        insecure: true
      }),
      push: 'false',
      secrets: `kept=${randomBytes(8).toString('hex')}\nINVALID_SECRET=`,
      'secret-files': `fromfile=${secretFile}\nEMPTY_FILE=`,
      'secret-envs': 'fromenv=E2E_PARITY_SECRET,EMPTY_ENV='
    },
    { E2E_PARITY_SECRET: `env-${randomBytes(8).toString('hex')}` }
  )

  it('main succeeds with one warning per empty entry, each naming its id', async () => {
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    const warnings = main.log.split('\n').filter(line => line.startsWith('::warning'))
    for (const [input, id] of [
      ['secrets', 'INVALID_SECRET'],
      ['secret-files', 'EMPTY_FILE'],
      ['secret-envs', 'EMPTY_ENV']
    ])
      expect(warnings.filter(w => w.includes(`${input}: ${id} has an empty value`))).toHaveLength(1)
    // The RUN that requires the three secrets with a value was part of the build.
    expect(main.log).toContain('test -s /run/secrets/kept')
    expect(main.log).not.toMatch(/id=(INVALID_SECRET|EMPTY_FILE|EMPTY_ENV)\b/)
  }, 600_000)

  it('post succeeds', async () => {
    expect((await job.post()).exitCode).toBe(0)
  }, 300_000)
})

describe('load with push: pushed, checked, then loaded under every tag from a private-CA registry', () => {
  const registry = env('E2E_PRIVATE_REGISTRY')
  const push = pushInputs({
    registry,
    name: 'parity-load-push',
    platforms: 'linux/amd64,linux/arm64',
    baseFrom: env('E2E_HTTP_REGISTRY')
  })
  const tags = [push.tags, push.tags.replace(/:[^:/]+$/, ':load-latest')]
  afterAll(() => {
    for (const tag of tags) {
      try {
        docker(['image', 'rm', tag])
      } catch {
        // never loaded
      }
    }
  })

  it('the registry serves both platforms; the engine has its own platform under both tags, and runs it', async () => {
    const { main, post } = await jobs.run({
      ...push,
      tags: tags.join('\n'),
      'ca-certs': `${registry}=${env('E2E_REGISTRY_CA')}`,
      'host-network': 'true',
      load: 'true'
    })
    const raw = expectPushed(main, tags[0] ?? '')
    expect(Object.keys(indexPlatforms(raw)).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(main.log).toMatch(/loading linux\/amd64 \(the engine's platform\) into the Docker engine/)
    const imageId = main.outputs.imageid ?? ''
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/)
    for (const tag of tags) {
      expect(docker(['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', tag]).trim()).toBe(
        `${imageId} linux/amd64`
      )
      // What the build wrote: the uname fixture records the machine it ran on.
      expect(docker(['run', '--rm', '--network', 'host', tag]).trim()).toBe('x86_64')
    }
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', imageId]).trim()).toBe(imageId)
    expectCleanedUp(post, main.outputs['builder-name'] ?? '')
  }, 600_000)
})

describe('provenance with a local output: their default writes provenance.json, false writes none', () => {
  const registry = env('E2E_HTTP_REGISTRY')
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-provenance-'))
  const build = (provenance: string) =>
    jobs.run({
      ...pushInputs({ registry, name: 'parity-provenance', platforms: 'linux/amd64', insecure: true }),
      push: 'false',
      provenance,
      outputs: `type=local,dest=${path.join(out, provenance || 'empty')}`
    })

  it.each([
    ['', true],
    ['false', false]
  ])(
    'provenance: "%s" -> provenance.json %s',
    async (provenance, written) => {
      const { main } = await build(provenance)
      expect(main.log).not.toMatch(/::error/)
      expect(main.exitCode).toBe(0)
      const dir = path.join(out, provenance || 'empty')
      expect(fs.existsSync(path.join(dir, 'built-on'))).toBe(true)
      expect(fs.existsSync(path.join(dir, 'provenance.json'))).toBe(written)
      if (written) {
        expect(main.log).toContain("provenance: mode=max (build-push-action's default")
        const statement = JSON.parse(fs.readFileSync(path.join(dir, 'provenance.json'), 'utf8')) as {
          predicateType?: string
        }
        expect(statement.predicateType).toMatch(/^https:\/\/slsa\.dev\/provenance\//)
      }
    },
    600_000
  )
})
