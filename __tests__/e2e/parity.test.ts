/**
 * docker/build-push-action's CI jobs `secret`, `secret-files` and `secret-envs`, with our inputs: an entry
 * whose value is empty (what a pull request from a fork gets for every repository secret) is a warning
 * naming its id, and the build goes on with the others. dist/ runs as the runner runs it.
 */
import { describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { env, pushInputs, useJobs } from './harness.js'

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
