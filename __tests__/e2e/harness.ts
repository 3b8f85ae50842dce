/**
 * What the e2e tests share: jobs run as the GitHub runner runs them (scripts/runner-sim.js) with their
 * cleanup, the stack they run against, and ways to look at the result in the registry and the engine.
 * Stack details come only from environment variables (E2E_*, DOCKER_HOST, DOCKER_CONFIG), so the same
 * tests run against any Docker host and registries, and against another buildx and BuildKit:
 *   E2E_BUILDX    a buildx binary: the jobs (and the tests' own docker commands) get a DOCKER_CONFIG whose
 *                 cli-plugins/docker-buildx is that binary (set up by __tests__/setup/e2e-buildx.js)
 *   E2E_BUILDKIT  the BuildKit image for buildkit-image (default E2E_BUILDKIT_IMAGE)
 */
import { afterAll, afterEach, beforeEach, expect } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import {
  ROOT,
  newJob,
  type Job,
  type JobOptions,
  type JobRun,
  type StepOptions,
  type StepResult
} from '../../scripts/runner-sim.js'

export { ROOT, actionDefaults, parseCommandFile } from '../../scripts/runner-sim.js'
export type { Job, JobOptions, JobRun, StepResult } from '../../scripts/runner-sim.js'
export const FIXTURES = path.join(ROOT, '__tests__/e2e/fixtures')

/** The stack's own DOCKER_CONFIG (with its buildx), whatever E2E_BUILDX makes the jobs use. */
export const STACK_DOCKER_CONFIG = process.env.E2E_STACK_DOCKER_CONFIG || process.env.DOCKER_CONFIG || ''

export interface Jobs {
  /** A job to drive step by step (main, checks, post); finished by the harness. */
  start(inputs: Record<string, string>, extraEnv?: Record<string, string>, options?: JobOptions): Job
  /** A job run through: main, then post (also when main failed); finished by the harness. */
  run(
    inputs: Record<string, string>,
    extraEnv?: Record<string, string>,
    options?: StepOptions & JobOptions
  ): Promise<JobRun & { job: Job }>
}

/**
 * The jobs of one test file (call once, at its top). A job started inside a test is finished after that
 * test, one started outside any test (shared by a describe's tests) after the file: its post step runs
 * unless it already ran, and its directory is removed, whether the tests passed or not.
 */
export function useJobs(): Jobs {
  const perTest: Job[] = []
  const perFile: Job[] = []
  let inTest = false
  // A post step that fails here would leave a builder on the shared engine: that fails the test file.
  const finish = async (jobs: Job[]): Promise<void> => {
    const errors: string[] = []
    for (const job of jobs.splice(0)) {
      try {
        const post = await job.finish()
        if (post && post.exitCode !== 0)
          errors.push(`a post step failed (exit ${post.exitCode}):\n${post.log.slice(-2000)}`)
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error))
      }
    }
    if (errors.length > 0) throw new Error(['finishing e2e jobs failed:', ...errors].join('\n'))
  }
  beforeEach(() => {
    inTest = true
  })
  afterEach(async () => {
    inTest = false
    await finish(perTest)
  }, 300_000)
  afterAll(() => finish(perFile), 300_000)
  const start = (
    inputs: Record<string, string>,
    extraEnv: Record<string, string> = {},
    options: JobOptions = {}
  ): Job => {
    const job = newJob(inputs, extraEnv, options)
    ;(inTest ? perTest : perFile).push(job)
    return job
  }
  return {
    start,
    run: async (inputs, extraEnv = {}, options = {}) => {
      const { action, ...stepOptions } = options
      const job = start(inputs, extraEnv, action === undefined ? {} : { action })
      return { job, ...(await job.run(stepOptions)) }
    }
  }
}

/** The BuildKit image the jobs' builders run: E2E_BUILDKIT, else the stack's E2E_BUILDKIT_IMAGE. */
export function buildkitImage(): string {
  return process.env.E2E_BUILDKIT || env('E2E_BUILDKIT_IMAGE')
}

export function env(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: source the e2e stack's env.sh (see README, "Testing")`)
  return value
}

/**
 * Lines of a log that show a secret. `::add-mask::` lines are commands to the runner, which never
 * prints them and masks the value everywhere after; any other line with the secret is a leak.
 */
export function leaks(log: string, secret: string): string[] {
  return log.split('\n').filter(line => line.includes(secret) && !line.startsWith(`::add-mask::${secret}`))
}

export function uniqueTag(registry: string, name: string): string {
  return `${registry}/e2e/${name}:${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

export interface RegistryAccess {
  /** skopeo flags to reach the registry: TLS verification, CA directory, credentials. */
  flags: string[]
}

/** Registries a test started itself over plain HTTP on loopback. */
const extraHttpRegistries = new Set<string>()
export function registerHttpRegistry(registry: string): void {
  extraHttpRegistries.add(registry)
}

/** How to read a registry from the test side, from E2E_* variables only. */
export function accessFor(registry: string): RegistryAccess {
  const caDir = process.env.E2E_REGISTRY_CA ? path.dirname(process.env.E2E_REGISTRY_CA) : ''
  if (registry === process.env.E2E_HTTP_REGISTRY || extraHttpRegistries.has(registry)) {
    return { flags: ['--tls-verify=false'] }
  }
  const flags = caDir ? ['--cert-dir', caDir] : []
  if (registry === process.env.E2E_AUTH_REGISTRY) {
    flags.push('--creds', `${env('E2E_AUTH_USER')}:${env('E2E_AUTH_PASSWORD')}`)
  }
  return { flags }
}

/** The raw manifest or index bytes the registry serves for a reference. */
export function rawManifest(reference: string): Buffer {
  const registry = reference.split('/')[0] ?? ''
  return execFileSync('skopeo', ['inspect', '--raw', ...accessFor(registry).flags, `docker://${reference}`])
}

/** The image config (labels, env, …) of the platform image skopeo picks for this host. */
export function imageConfig(reference: string): { config?: { Labels?: Record<string, string> } } {
  const registry = reference.split('/')[0] ?? ''
  const out = execFileSync('skopeo', [
    'inspect',
    '--config',
    ...accessFor(registry).flags,
    `docker://${reference}`
  ])
  return JSON.parse(out.toString()) as { config?: { Labels?: Record<string, string> } }
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

interface IndexJson {
  manifests: {
    digest: string
    platform?: { os: string; architecture: string; variant?: string }
    annotations?: Record<string, string>
  }[]
}

/** platform -> digest for the image manifests in an index (attestations left out). */
export function indexPlatforms(raw: Buffer): Record<string, string> {
  const index = JSON.parse(raw.toString()) as IndexJson
  const out: Record<string, string> = {}
  for (const m of index.manifests) {
    if (!m.platform || m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue
    const p = m.platform
    out[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = m.digest
  }
  return out
}

export function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs the pushed image for one platform (pulled afresh, host network, under QEMU where needed); its stdout. */
export function runImage(image: string, platform: string, command: string[] = []): string {
  return docker([
    'run',
    '--rm',
    '--pull',
    'always',
    '--network',
    'host',
    '--platform',
    platform,
    image,
    ...command
  ])
}

/** Containers and builders left by a builder name. */
export function leftovers(builder: string): { containers: string[]; builders: string[] } {
  const containers = docker(['ps', '-a', '--format', '{{.Names}}'])
    .split('\n')
    .filter(n => n.includes(builder))
  const builders = docker(['buildx', 'ls'])
    .split('\n')
    .filter(l => l.includes(builder))
  return { containers, builders }
}

/** Inputs every e2e run needs on the stack: its BuildKit image and the host network (it has no bridge). */
export function stackInputs(): Record<string, string> {
  // A context with a Dockerfile, as a checkout has: the job's own directory has none.
  return { 'buildkit-image': buildkitImage(), 'host-network': 'true', context: path.join(FIXTURES, 'uname') }
}

export function baseImage(registry: string): string {
  return `${registry}/${env('E2E_BASE_IMAGE')}`
}

export interface PushOptions {
  /** The registry the image goes to; its base image is pulled from there too. */
  registry: string
  /** The repository name inside the unique tag (e2e/<name>:<unique>). */
  name: string
  platforms: string
  /** A directory of __tests__/e2e/fixtures (default `uname`). */
  fixture?: string
  /** Name the registry in insecure-registries as http:// (default false). */
  insecure?: boolean
  /** Build arguments after BASE, one a line. */
  buildArgs?: string
  /** The registry BASE is pulled from (default `registry`). */
  baseFrom?: string
}

/**
 * The inputs of a push to the stack: its BuildKit and network, the platforms, a fixture as the context,
 * a unique tag and the registry's base image as BASE. Add or override inputs by spreading it.
 */
export function pushInputs(options: PushOptions): Record<string, string> & { tags: string } {
  const {
    registry,
    name,
    platforms,
    fixture = 'uname',
    insecure = false,
    buildArgs,
    baseFrom = registry
  } = options
  return {
    ...stackInputs(),
    platforms,
    context: path.join(FIXTURES, fixture),
    tags: uniqueTag(registry, name),
    ...(insecure ? { 'insecure-registries': `http://${registry}` } : {}),
    'build-args': [`BASE=${baseImage(baseFrom)}`, ...(buildArgs === undefined ? [] : [buildArgs])].join('\n')
  }
}

/**
 * A main step that pushed: no error, exit 0, `digest` the sha256 of what the registry serves for the tag
 * and `platform-digests` its entries. Returns those bytes for more checks.
 */
export function expectPushed(main: StepResult, tag: string): Buffer {
  expect(main.log).not.toMatch(/::error/)
  expect(main.exitCode).toBe(0)
  const raw = rawManifest(tag)
  expect(main.outputs.digest).toBe(sha256(raw))
  expect(JSON.parse(main.outputs['platform-digests'] ?? '{}')).toEqual(indexPlatforms(raw))
  return raw
}

/** A post step that ran clean and left nothing of the builder on the engine. */
export function expectCleanedUp(post: StepResult, builder: string): void {
  expect(post.exitCode).toBe(0)
  expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
}

/**
 * A job's environment from scratch, as a GitLab runner gives it to a job on a Docker host: the engine
 * (DOCKER_HOST, DOCKER_CONFIG for the stack's buildx), PATH, HOME, CI and GITLAB_CI, a TMPDIR of its own
 * (to see that nothing is left in it), and the job's variables.
 */
export function gitlabJobEnv(tmp: string, variables: Record<string, string>): Record<string, string> {
  return {
    PATH: env('PATH'),
    HOME: env('HOME'),
    DOCKER_HOST: env('DOCKER_HOST'),
    DOCKER_CONFIG: env('DOCKER_CONFIG'),
    TMPDIR: tmp,
    CI: 'true',
    GITLAB_CI: 'true',
    ...variables
  }
}

export interface ProcessRun {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Milliseconds from SIGTERM to exit, when the run was killed. */
  stopMs?: number
}

export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; killWhen?: RegExp }
): Promise<ProcessRun> {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    let killedAt: number | undefined
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (killedAt === undefined && options.killWhen?.test(stderr)) {
        killedAt = Date.now()
        child.kill('SIGTERM')
      }
    })
    child.on('close', (status, signal) => {
      resolve({
        status,
        signal,
        stdout,
        stderr,
        ...(killedAt === undefined ? {} : { stopMs: Date.now() - killedAt })
      })
    })
  })
}

/** A job of the GitLab template (ci/gitlab/multiarch.gitlab-ci.yml): its MULTIARCH_* variables and script. */
export function gitlabTemplateJob(name: string): { variables: Record<string, string>; script: string[] } {
  const file = path.join(ROOT, 'ci/gitlab/multiarch.gitlab-ci.yml')
  const template = parseYaml(fs.readFileSync(file, 'utf8')) as Record<
    string,
    { variables: Record<string, string>; script: string[] } | undefined
  >
  const job = template[name]
  if (!job) throw new Error(`the template has no ${name} job`)
  const variables = Object.fromEntries(
    Object.entries(job.variables).filter(([n]) => n.startsWith('MULTIARCH_'))
  )
  return { variables, script: job.script }
}

/** `docker` against the second engine ($E2E_NODE2_HOST). */
export function node2(args: string[]): string {
  return execFileSync('docker', ['-H', env('E2E_NODE2_HOST'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

/** The blobs (manifests, configs, layers) in the content store of a BuildKit container, as sha256 digests. */
export function contentStore(on: (args: string[]) => string, container: string): Set<string> {
  const listing = on(['exec', container, 'sh', '-c', 'ls /var/lib/buildkit/*/content/blobs/sha256'])
  return new Set(
    listing
      .split('\n')
      .filter(l => /^[0-9a-f]{64}$/.test(l))
      .map(l => `sha256:${l}`)
  )
}
