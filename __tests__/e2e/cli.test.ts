/**
 * The command line outside GitHub, on the real stack: the GitLab template's script run as a GitLab job
 * runs it (an environment built from scratch: no GitHub variable at all, only the Docker engine and the
 * job's MULTIARCH_* variables), pushing every platform of the stack to the HTTPS registry under its
 * private name with the CA from a file. Its JSON and dotenv digests are checked against the registry, and
 * no builder or temporary file is left after success, failure or SIGTERM in the middle of a build. The
 * merge command joins per-platform images the build command pushed by digest into one index there.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  FIXTURES,
  ROOT,
  baseImage,
  buildkitImage,
  docker,
  env,
  gitlabJobEnv as jobEnv,
  gitlabTemplateJob,
  indexPlatforms,
  leftovers,
  rawManifest,
  registerHttpRegistry,
  runProcess as run,
  sha256,
  uniqueTag
} from './harness.js'

const CLI = path.join(ROOT, 'dist/cli/index.js')

const dirs: string[] = []
const builders: string[] = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  // Only if a test failed half-way: builders these tests named themselves.
  for (const builder of builders)
    if (leftovers(builder).builders.length > 0) docker(['buildx', 'rm', '-f', builder])
})

function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cli-e2e-${name}-`))
  dirs.push(dir)
  return dir
}

/** Flags every run on the stack needs, from E2E_* variables only: private name, CA file, host network. */
function privateRegistryFlags(registry: string): string[] {
  return [
    `--ca-certs=${registry}=${env('E2E_REGISTRY_CA')}`,
    '--host-network',
    `--buildkit-image=${env('E2E_BUILDKIT_IMAGE')}`,
    `--build-args=BASE=${baseImage(registry)}`
  ]
}

function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n').filter(l => l !== '')) {
    const eq = line.indexOf('=')
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** Workflow commands that were not translated for a human reader. */
function untranslated(log: string): string[] {
  return log.split('\n').filter(line => /^::[a-z-]+( |::)/.test(line) || line.startsWith('[command]'))
}

describe('command line as a GitLab job', () => {
  it("the template's script pushes every stack platform to the private-name HTTPS registry; JSON and dotenv digests are the registry's", async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const tag = uniqueTag(registry, 'cli')
    const jobDir = tempDir('job')
    const tmp = tempDir('tmp')
    const job = gitlabTemplateJob('.multiarch-build-push')
    const templateVariables = job.variables
    expect(`${process.execPath} ${CLI}`).not.toMatch(/\s.*\s/) // word splitting of MULTIARCH_CLI
    const jobEnvironment = jobEnv(tmp, {
      ...templateVariables,
      MULTIARCH_CLI: `${process.execPath} ${CLI}`,
      MULTIARCH_PLATFORMS: env('E2E_PLATFORMS'),
      MULTIARCH_CONTEXT: path.join(FIXTURES, 'uname'),
      MULTIARCH_TAGS: tag,
      MULTIARCH_BUILD_ARGS: `BASE=${baseImage(registry)}`,
      // A File variable holding the CA: GitLab hands the job its path.
      MULTIARCH_CA_CERTS: `${registry}=${env('E2E_REGISTRY_CA')}`,
      MULTIARCH_HOST_NETWORK: 'true',
      MULTIARCH_BUILDKIT_IMAGE: env('E2E_BUILDKIT_IMAGE')
    })
    expect(
      Object.keys(jobEnvironment).filter(k => /^(GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_)/.test(k))
    ).toEqual([])

    const started = Date.now()
    const result = await run('sh', ['-e', '-c', job.script.join('\n')], { cwd: jobDir, env: jobEnvironment })
    const seconds = (Date.now() - started) / 1000
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.status).toBe(0)

    const raw = rawManifest(tag)
    const json = JSON.parse(fs.readFileSync(path.join(jobDir, 'multiarch-outputs.json'), 'utf8')) as {
      digest: string
      'platform-digests': Record<string, string>
      'builder-name': string
    }
    const dotenv = parseDotenv(fs.readFileSync(path.join(jobDir, 'multiarch.env'), 'utf8'))
    expect(json.digest).toBe(sha256(raw))
    expect(dotenv.DIGEST).toBe(sha256(raw))
    expect(json['platform-digests']).toEqual(indexPlatforms(raw))
    expect(JSON.parse(dotenv.PLATFORM_DIGESTS ?? '{}')).toEqual(indexPlatforms(raw))
    expect(Object.keys(indexPlatforms(raw)).sort()).toEqual(env('E2E_PLATFORMS').split(',').sort())
    expect(dotenv.BUILDER_NAME).toBe(json['builder-name'])

    expect(leftovers(json['builder-name'])).toEqual({ containers: [], builders: [] })
    expect(fs.readdirSync(tmp)).toEqual([])
    expect(untranslated(result.stderr)).toEqual([])
    expect(result.stderr).toContain('section_start:') // groups as GitLab sections
    expect(result.stderr).toContain(`[registry."${registry}"]`)
    process.stderr.write(
      `cli e2e: ${env('E2E_PLATFORMS')} pushed in ${seconds.toFixed(1)} s, ${json.digest}\n`
    )
  }, 300_000)

  it('a failing build: exit 1, the error on stderr, nothing on stdout, no builder and no temporary file left', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const builder = `cli-e2e-fail-${Date.now().toString(36)}`
    builders.push(builder)
    const tmp = tempDir('tmp')
    const dotenv = path.join(tempDir('out'), 'out.env')
    const result = await run(
      process.execPath,
      [
        CLI,
        '--platforms=linux/amd64,linux/arm64',
        `--context=${path.join(FIXTURES, 'failing')}`,
        `--tags=${uniqueTag(registry, 'cli-failing')}`,
        `--builder-name=${builder}`,
        ...privateRegistryFlags(registry),
        '--json',
        `--dotenv=${dotenv}`
      ],
      { cwd: ROOT, env: jobEnv(tmp, {}) }
    )
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^error: .*failed/m)
    expect(result.stderr).toContain('this step fails on purpose')
    // The error is the last thing printed, after the cleanup, and buildx's progress is not repeated in it.
    const lines = result.stderr.trimEnd().split('\n')
    const error = lines.findIndex(l => l.startsWith('error: docker buildx build failed (exit code 1)'))
    expect(error).toBeGreaterThan(lines.findLastIndex(l => /removed|Removing/.test(l)))
    expect(lines.slice(error + 1).every(l => l.startsWith('  ') && !/^ {2}#\d+ /.test(l))).toBe(true)
    expect(lines.at(-1)).toMatch(/^ {2}ERROR: failed to (build: failed to )?solve: .* exit code: 1$/)
    expect(lines.filter(l => /^#\d+ \[.*\] RUN echo "this step fails on purpose"/.test(l))).toHaveLength(2)
    expect(result.stdout).toBe('')
    expect(fs.existsSync(dotenv)).toBe(false)
    expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
    expect(fs.readdirSync(tmp)).toEqual([])
    expect(untranslated(result.stderr)).toEqual([])
  }, 300_000)

  it('a registry whose CA was not given: the hint names it and the flags to fix it, then the error ends the output', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const tmp = tempDir('tmp')
    const result = await run(
      process.execPath,
      [
        CLI,
        '--platforms=linux/amd64',
        `--context=${path.join(FIXTURES, 'uname')}`,
        `--tags=${uniqueTag(registry, 'cli-no-ca')}`,
        '--host-network',
        `--buildkit-image=${env('E2E_BUILDKIT_IMAGE')}`,
        `--build-args=BASE=${baseImage(env('E2E_HTTP_REGISTRY'))}`
      ],
      { cwd: ROOT, env: jobEnv(tmp, {}) }
    )
    expect(result.status).toBe(1)
    const lines = result.stderr.trimEnd().split('\n')
    const hint = lines.findIndex(l => l.startsWith('error: Registry certificate not trusted: '))
    expect(lines[hint]).toBe(
      `error: Registry certificate not trusted: BuildKit does not trust the certificate of ${registry}. Give its ` +
        `CA with --ca-certs (${registry}=PEM or a path), or list ${registry} in --insecure-registries to skip ` +
        'verification.'
    )
    expect(hint).toBeGreaterThan(lines.findLastIndex(l => /Removing/.test(l)))
    expect(lines.slice(hint + 1).find(l => l.startsWith('error: '))).toMatch(
      /^error: docker buildx build failed/
    )
    expect(fs.readdirSync(tmp)).toEqual([])
  }, 300_000)

  it('SIGTERM in the middle of the build: the run stops, cleans up, exits 143; no builder and no temporary file left', async () => {
    const registry = env('E2E_PRIVATE_REGISTRY')
    const builder = `cli-e2e-term-${Date.now().toString(36)}`
    builders.push(builder)
    const tmp = tempDir('tmp')
    const result = await run(
      process.execPath,
      [
        CLI,
        '--platforms=linux/amd64,linux/arm64',
        `--context=${path.join(FIXTURES, 'slow')}`,
        `--tags=${uniqueTag(registry, 'cli-cancelled')}`,
        `--builder-name=${builder}`,
        ...privateRegistryFlags(registry),
        '--json'
      ],
      { cwd: ROOT, env: jobEnv(tmp, {}), killWhen: /slow step starts/ }
    )
    expect(result.stopMs).toBeDefined()
    expect(result.status).toBe(143)
    expect(result.stderr).toContain('SIGTERM received: stopping the run and cleaning up')
    expect(result.stderr).toContain(`Removing builder ${builder}`)
    expect(result.stdout).toBe('')
    expect(leftovers(builder)).toEqual({ containers: [], builders: [] })
    expect(fs.readdirSync(tmp)).toEqual([])
    process.stderr.write(`cli e2e: SIGTERM to exit in ${((result.stopMs ?? 0) / 1000).toFixed(1)} s\n`)
  }, 300_000)
})

describe('merge command', () => {
  it("merges per-platform images the build command pushed by digest into the private-name HTTPS registry; JSON and dotenv digests are the registry's", async () => {
    const httpRegistry = env('E2E_HTTP_REGISTRY')
    const registry = env('E2E_PRIVATE_REGISTRY')
    const source = uniqueTag(httpRegistry, 'cli-merge-src')
    const repository = source.slice(0, source.lastIndexOf(':'))
    const tmp = tempDir('tmp')
    const platforms = env('E2E_PLATFORMS').split(',').slice(0, 2)
    const images: Record<string, string> = {}
    const sources: string[] = []
    for (const platform of platforms) {
      const build = await run(
        process.execPath,
        [
          CLI,
          `--platforms=${platform}`,
          `--context=${path.join(FIXTURES, 'uname')}`,
          `--tags=${repository}`,
          '--push-by-digest=true',
          '--host-network',
          `--buildkit-image=${env('E2E_BUILDKIT_IMAGE')}`,
          `--build-args=BASE=${baseImage(httpRegistry)}`,
          '--json'
        ],
        { cwd: ROOT, env: jobEnv(tmp, {}) }
      )
      expect(build.stderr).not.toMatch(/^error:/m)
      expect(build.status).toBe(0)
      const outputs = JSON.parse(build.stdout) as {
        digest: string
        'platform-digests': Record<string, string>
      }
      images[platform] = outputs['platform-digests'][platform] ?? ''
      sources.push(`${repository}@${outputs.digest}`)
    }

    const tag = uniqueTag(registry, 'cli-merge')
    const dotenvFile = path.join(tempDir('out'), 'merge.env')
    const environment = jobEnv(tmp, {})
    expect(Object.keys(environment).filter(k => /^(GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_)/.test(k))).toEqual(
      []
    )
    const started = Date.now()
    const result = await run(
      process.execPath,
      [
        CLI,
        'merge',
        ...sources.flatMap(s => ['--sources', s]),
        `--tags=${tag}`,
        `--platforms=${platforms.join(',')}`,
        '--annotations=org.opencontainers.image.description=merged by the command line',
        `--insecure-registries=http://${httpRegistry}`,
        `--ca-certs=${registry}=${env('E2E_REGISTRY_CA')}`,
        '--json',
        `--dotenv=${dotenvFile}`
      ],
      { cwd: ROOT, env: environment }
    )
    const seconds = (Date.now() - started) / 1000
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.status).toBe(0)

    const raw = rawManifest(tag) // skopeo inspect --raw --cert-dir <directory of E2E_REGISTRY_CA>
    const json = JSON.parse(result.stdout) as { digest: string; 'platform-digests': Record<string, string> }
    const dotenv = parseDotenv(fs.readFileSync(dotenvFile, 'utf8'))
    expect(json.digest).toBe(sha256(raw))
    expect(dotenv.DIGEST).toBe(sha256(raw))
    expect(indexPlatforms(raw)).toEqual(images)
    expect(json['platform-digests']).toEqual(images)
    expect(JSON.parse(dotenv.PLATFORM_DIGESTS ?? '{}')).toEqual(images)
    const index = JSON.parse(raw.toString()) as { annotations?: Record<string, string> }
    expect(index.annotations?.['org.opencontainers.image.description']).toBe('merged by the command line')
    expect(result.stderr).toMatch(new RegExp(`section_start:[^\\n]*Merge ${sources.length} sources`)) // a GitLab section
    expect(untranslated(result.stderr)).toEqual([])
    expect(fs.readdirSync(tmp)).toEqual([])
    // The same sources merged by the GitLab template's merge job script, as a job runs it.
    const mergeJob = gitlabTemplateJob('.multiarch-merge')
    const jobDir = tempDir('merge-job')
    const jobTag = uniqueTag(registry, 'cli-merge-job')
    const job = await run('sh', ['-e', '-c', mergeJob.script.join('\n')], {
      cwd: jobDir,
      env: jobEnv(tmp, {
        ...mergeJob.variables,
        MULTIARCH_CLI: `${process.execPath} ${CLI}`,
        MULTIARCH_SOURCES: sources.join('\n'),
        MULTIARCH_TAGS: jobTag,
        MULTIARCH_PLATFORMS: platforms.join(','),
        MULTIARCH_CA_CERTS: `${registry}=${env('E2E_REGISTRY_CA')}`
      })
    })
    expect(job.stderr).not.toMatch(/^error:/m)
    expect(job.status).toBe(0)
    const jobRaw = rawManifest(jobTag)
    const jobJson = JSON.parse(fs.readFileSync(path.join(jobDir, 'multiarch-outputs.json'), 'utf8')) as {
      digest: string
    }
    expect(jobJson.digest).toBe(sha256(jobRaw))
    expect(parseDotenv(fs.readFileSync(path.join(jobDir, 'multiarch.env'), 'utf8')).DIGEST).toBe(
      sha256(jobRaw)
    )
    expect(indexPlatforms(jobRaw)).toEqual(images)
    expect(fs.readdirSync(tmp)).toEqual([])
    process.stderr.write(
      `cli e2e: merge of ${platforms.join(', ')} in ${seconds.toFixed(1)} s, ${json.digest}\n`
    )
  }, 600_000)
})

describe("--help's example", () => {
  it('runs as printed against the loopback registry (the builder gets the host network, and says why)', async () => {
    const help = await run(process.execPath, [CLI, '--help'], {
      cwd: ROOT,
      env: { ...process.env } as Record<string, string>
    })
    const example = /Example:\n\s+multiarch-build-push (.*)\\\n\s+(.*)\n/.exec(help.stdout + help.stderr)
    expect(example).not.toBeNull()
    const args = `${example?.[1] ?? ''} ${example?.[2] ?? ''}`.trim().split(/\s+/)
    const tag = args[args.indexOf('--tags') + 1] ?? ''
    expect(tag).toMatch(/^localhost:\d+\//)
    const registry = tag.slice(0, tag.indexOf('/'))
    registerHttpRegistry(registry)
    // The example builds the current directory. The only flag added: the BuildKit image, as this stack
    // reaches no Docker Hub.
    const dir = tempDir('help-example')
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      `FROM ${registry}/${env('E2E_BASE_IMAGE')}\nRUN uname -m > /built-on\n`
    )
    const result = await run(process.execPath, [CLI, ...args, `--buildkit-image=${buildkitImage()}`], {
      cwd: dir,
      env: { ...process.env } as Record<string, string>
    })
    expect(result.stderr).not.toMatch(/^error:/m)
    expect(result.status).toBe(0)
    expect(result.stderr).toContain(
      `host-network: true, because ${registry} is on this machine's loopback, which the builder container reaches only on the host network`
    )
    const outputs = JSON.parse(result.stdout) as { digest: string; 'builder-name': string }
    const raw = rawManifest(tag)
    expect(outputs.digest).toBe(sha256(raw))
    expect(Object.keys(indexPlatforms(raw)).sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(leftovers(outputs['builder-name'])).toEqual({ containers: [], builders: [] })
  }, 300_000)
})
