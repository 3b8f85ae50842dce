/**
 * The GitLab CI template (ci/gitlab/multiarch.gitlab-ci.yml): a job on Docker-in-Docker with TLS as GitLab
 * documents it, every MULTIARCH_* variable mapped to a flag of an input that exists in action.yml, and the
 * outputs exported as a dotenv report. The script's own flag mapping is run with sh and the flags it
 * produces are parsed by the command line's parser. The merge job (.multiarch-merge) likewise, with
 * merge/action.yml's inputs and the merge command.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { parseArgs } from '../../src/cli/args.js'
import { COMMANDS } from '../../src/cli/commands.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TEMPLATE = path.join(ROOT, 'ci/gitlab/multiarch.gitlab-ci.yml')

interface GitlabJob {
  image?: string
  services?: ({ name: string; alias?: string } | string)[]
  variables?: Record<string, string>
  before_script?: string[]
  script?: string[]
  artifacts?: { paths?: string[]; reports?: { dotenv?: string } }
}

const template = parseYaml(fs.readFileSync(TEMPLATE, 'utf8')) as Record<string, GitlabJob>
const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
}
const inputs = Object.keys(action.inputs)
const mergeAction = parseYaml(fs.readFileSync(path.join(ROOT, 'merge/action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
}
const mergeInputs = Object.keys(mergeAction.inputs)
const job = template['.multiarch-build-push'] ?? {}
const variables = job.variables ?? {}
const script = (job.script ?? []).join('\n')

/** The input a MULTIARCH_* variable stands for: MULTIARCH_BUILD_ARGS -> build-args. */
function inputOf(variable: string): string {
  return variable
    .replace(/^MULTIARCH_/, '')
    .toLowerCase()
    .replace(/_/g, '-')
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gitlab-template-test-'))
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true })
})

describe('GitLab CI template', () => {
  it('is two hidden jobs to extend: the build and the merge', () => {
    expect(Object.keys(template)).toEqual(['.multiarch-build-push', '.multiarch-merge'])
  })

  it('runs on Docker-in-Docker with TLS (DOCKER_HOST, DOCKER_TLS_CERTDIR, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY)', () => {
    expect(job.image).toMatch(/^docker:\d+-cli$/)
    expect(job.services).toHaveLength(1)
    expect(job.services?.[0]).toEqual({ name: job.image?.replace(/-cli$/, '-dind'), alias: 'docker' })
    expect(variables).toMatchObject({
      DOCKER_HOST: 'tcp://docker:2376',
      DOCKER_TLS_CERTDIR: '/certs',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: '/certs/client'
    })
  })

  it('maps every MULTIARCH_* variable to an input of action.yml', () => {
    const mapped = Object.keys(variables).filter(v => v.startsWith('MULTIARCH_') && v !== 'MULTIARCH_CLI')
    expect(mapped.length).toBeGreaterThan(10)
    for (const variable of mapped)
      expect([variable, inputs.includes(inputOf(variable))]).toEqual([variable, true])
    // The private-registry situations: CA from a file, HTTP registry, host network.
    for (const name of ['MULTIARCH_CA_CERTS', 'MULTIARCH_INSECURE_REGISTRIES', 'MULTIARCH_HOST_NETWORK'])
      expect(Object.keys(variables)).toContain(name)
  })

  it("the script's list of variables is exactly action.yml's inputs", () => {
    const list = /for name in ([\s\S]*?); do/.exec(script)?.[1] ?? ''
    const names = list.split(/[\s\\]+/).filter(n => n !== '')
    expect(names.map(inputOf)).toEqual(inputs)
  })

  it('exports the outputs as a dotenv report written by --dotenv, and the JSON as a file', () => {
    const dotenv = job.artifacts?.reports?.dotenv ?? ''
    expect(dotenv).not.toBe('')
    expect(script).toContain(`--dotenv ${dotenv}`)
    expect(script).toMatch(/--json/)
    const json = /> (\S+)\s*$/.exec(script)?.[1] ?? ''
    expect(job.artifacts?.paths).toEqual([json])
  })

  it('the script turns the variables into flags the command line accepts', () => {
    const ca = path.join(work, 'ca.pem')
    const parsed = runScript(script, work, {
      ...variables,
      // GitLab expands a File variable to its path; the job gives it to ca-certs as host=path.
      MULTIARCH_CA_CERTS: `registry.example.internal:5443=${ca}`,
      MULTIARCH_INSECURE_REGISTRIES: 'http://registry.example.internal:5000',
      MULTIARCH_HOST_NETWORK: 'true',
      MULTIARCH_TAGS: 'registry.example.internal:5443/team/app:1',
      MULTIARCH_BUILD_ARGS: 'A=1\nB=two words $(not run)',
      MULTIARCH_PUSH: 'false'
    })
    expect(parsed).toMatchObject({ command: 'build', json: true, dotenv: 'multiarch.env' })
    expect(Object.fromEntries(parsed.inputs)).toEqual({
      platforms: 'linux/amd64,linux/arm64',
      context: '.',
      tags: 'registry.example.internal:5443/team/app:1',
      push: 'false',
      'build-args': 'A=1\nB=two words $(not run)',
      'ca-certs': `registry.example.internal:5443=${ca}`,
      'insecure-registries': 'http://registry.example.internal:5000',
      'host-network': 'true'
    })
  })
})

/**
 * Runs a job's script in `cwd` with only PATH and `variables`, the command line stood in for by printf
 * (its arguments, one per NUL-terminated record, land in the JSON output file); what it was called with.
 */
function runScript(
  script: string,
  cwd: string,
  variables: Record<string, string>
): ReturnType<typeof parseArgs> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...variables, MULTIARCH_CLI: 'printf %s\\0' }
  execFileSync('sh', ['-e', '-c', script], { cwd, env })
  const argv = fs.readFileSync(path.join(cwd, 'multiarch-outputs.json'), 'utf8').split('\0').slice(0, -1)
  return parseArgs(argv, COMMANDS, 'build')
}

describe('GitLab CI template: the merge job', () => {
  const merge = template['.multiarch-merge'] ?? {}
  const mergeVariables = merge.variables ?? {}
  const mergeScript = (merge.script ?? []).join('\n')

  it('needs no Docker: a Node.js image, no service, no DOCKER_HOST', () => {
    expect(merge.image).toMatch(/^node:\d+-alpine$/)
    expect(merge.services).toBeUndefined()
    expect(Object.keys(mergeVariables)).not.toContain('DOCKER_HOST')
    expect(mergeVariables.MULTIARCH_CLI).toBe(variables.MULTIARCH_CLI)
  })

  it('has a variable for every input of merge/action.yml, and its script lists exactly them', () => {
    const mapped = Object.keys(mergeVariables).filter(
      v => v.startsWith('MULTIARCH_') && v !== 'MULTIARCH_CLI'
    )
    expect(mapped.map(inputOf)).toEqual(mergeInputs)
    const list = /for name in ([\s\S]*?); do/.exec(mergeScript)?.[1] ?? ''
    expect(
      list
        .split(/[\s\\]+/)
        .filter(n => n !== '')
        .map(inputOf)
    ).toEqual(mergeInputs)
  })

  it('exports the outputs as the build job does (dotenv report, JSON file)', () => {
    expect(merge.artifacts).toEqual(job.artifacts)
    expect(mergeScript).toContain(`--dotenv ${merge.artifacts?.reports?.dotenv ?? ''}`)
  })

  it('the script turns the variables into flags of the merge command', () => {
    const ca = path.join(work, 'ca.pem')
    const dir = fs.mkdtempSync(path.join(work, 'merge-'))
    const sources = 'r.example.internal:5443/team/app:1-amd64,r.example.internal:5443/team/app:1-arm64'
    const parsed = runScript(mergeScript, dir, {
      ...mergeVariables,
      MULTIARCH_SOURCES: sources,
      MULTIARCH_TAGS: 'r.example.internal:5443/team/app:1',
      MULTIARCH_PLATFORMS: 'linux/amd64,linux/arm64',
      MULTIARCH_ANNOTATIONS: 'org.opencontainers.image.title=app $(not run)',
      MULTIARCH_CA_CERTS: `r.example.internal:5443=${ca}`
    })
    expect(parsed).toMatchObject({ command: 'merge', json: true, dotenv: 'multiarch.env' })
    expect(Object.fromEntries(parsed.inputs)).toEqual({
      sources,
      tags: 'r.example.internal:5443/team/app:1',
      platforms: 'linux/amd64,linux/arm64',
      annotations: 'org.opencontainers.image.title=app $(not run)',
      'ca-certs': `r.example.internal:5443=${ca}`
    })
  })
})
