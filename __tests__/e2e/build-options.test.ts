/**
 * The docker/build-push-action inputs, end to end: each input's effect seen where it lands (inside RUN,
 * in what the registry serves, in the engine, on disk), never its argv. dist/ runs as the runner runs it.
 *
 * - secrets / secret-files / secret-envs readable in RUN --mount=type=secret, and absent from every
 *   layer, the log and the job directory; build-contexts replacing a FROM name; add-hosts, shm-size and
 *   ulimit inside RUN; index and manifest annotations and an SBOM per platform in the registry.
 * - ssh forwarding an agent of this machine; outputs of type local and oci; load of two platforms.
 * - call: check reporting Dockerfile findings on the newest pair (buildx $E2E_BUILDX_LATEST served through
 *   buildx-download-url, BuildKit $E2E_BUILDKIT_LATEST_IMAGE), and a clear message where it cannot run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { releaseAssetName, releasePlatform } from '../../src/buildx/release.js'
import { FileServer } from '../file-server.js'
import {
  FIXTURES,
  accessFor,
  baseImage,
  docker,
  runImage,
  env,
  imageConfig,
  leaks,
  rawManifest,
  stackInputs,
  uniqueTag,
  useJobs,
  type Job
} from './harness.js'

const HERE = path.join(FIXTURES, 'build-options')
const registry = env('E2E_HTTP_REGISTRY')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'build-options-e2e-'))
const hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

const jobs = useJobs()

interface Descriptor {
  digest: string
  mediaType?: string
  platform?: { os: string; architecture: string }
  annotations?: Record<string, string>
}
interface Manifest {
  annotations?: Record<string, string>
  manifests?: Descriptor[]
  layers?: Descriptor[]
}
const manifestAt = (ref: string): Manifest => JSON.parse(rawManifest(ref).toString()) as Manifest

/** Every file under a directory (recursively). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap(entry => {
    const full = path.join(entry.parentPath, entry.name)
    return entry.isFile() ? [full] : []
  })
}

/** Files under `dir` whose bytes (gunzipped too, for layers) contain `secret`. */
function filesHolding(dir: string, secret: string): string[] {
  return filesUnder(dir).filter(file => {
    const bytes = fs.readFileSync(file)
    if (bytes.includes(secret)) return true
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return false
    try {
      return gunzipSync(bytes).includes(secret)
    } catch {
      return false
    }
  })
}

describe('secrets, named contexts, hosts, limits, annotations and SBOM: two platforms pushed', () => {
  const tag = uniqueTag(registry, 'build-options')
  const secrets = {
    token: `tok-${randomBytes(12).toString('hex')}`,
    file: `file-${randomBytes(12).toString('hex')}`,
    env: `env-${randomBytes(12).toString('hex')}`
  }
  const secretFile = path.join(work, 'secret.txt')
  fs.writeFileSync(secretFile, secrets.file, { mode: 0o600 })
  const job = jobs.start(
    {
      ...stackInputs(),
      platforms: 'linux/amd64,linux/arm64',
      context: path.join(HERE, 'features'),
      tags: tag,
      'insecure-registries': `http://${registry}`,
      secrets: `token=${secrets.token}`,
      'secret-files': `fromfile=${secretFile}`,
      'secret-envs': 'fromenv=E2E_BUILD_SECRET',
      'build-contexts':
        `alias-base=docker-image://${baseImage(registry)}\nmarkers=${path.join(HERE, 'markers')}\n` +
        `hosttools=${hostTools()}`,
      'add-hosts': 'internal.e2e.test:127.0.0.7',
      'shm-size': '96m',
      ulimit: 'nofile=777:888',
      // docker/metadata-action's outputs as they come: newline lists, commas and spaces inside values.
      labels:
        'org.opencontainers.image.title=build-options\norg.opencontainers.image.description=Secrets, hosts, and limits',
      annotations:
        'index:org.opencontainers.image.description=An index, with commas\n' +
        'manifest:org.opencontainers.image.title=build-options manifest\n' +
        'org.opencontainers.image.vendor=e2e',
      sbom: `generator=${env('E2E_SBOM_GENERATOR')}`
    },
    { E2E_BUILD_SECRET: secrets.env }
  )
  let outputs: Record<string, string> = {}
  const results: Record<string, string> = {}

  it('main succeeds', async () => {
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    outputs = main.outputs
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    // Several platforms: buildx's image ID is the index digest.
    expect(outputs.imageid).toBe(outputs.digest)
    const out = runImage(tag, 'linux/amd64', [
      'sh',
      '-c',
      'for f in /results/*; do echo "$(basename $f)=$(tr "\\n" " " < $f)"; done'
    ])
    for (const line of out.trim().split('\n')) {
      const at = line.indexOf('=')
      results[line.slice(0, at)] = line.slice(at + 1).trim()
    }
  }, 600_000)

  it('each secret is readable in RUN --mount=type=secret', () => {
    expect(results['secret-sha']).toBe([secrets.token, secrets.file, secrets.env].map(s => hex(s)).join(' '))
  })

  it('no secret is in the log, the job directory, or any layer the registry serves', () => {
    const all = Object.values(secrets)
    for (const secret of all.slice(0, 1)) expect(leaks(job.logs(), secret)).toEqual([])
    for (const secret of all.slice(1)) expect(job.logs()).not.toContain(secret)
    for (const secret of all) expect(filesHolding(job.dir, secret)).toEqual([])
    const copy = path.join(work, 'pushed')
    execFileSync('skopeo', ['copy', '--all', ...srcFlags(), `docker://${tag}`, `dir:${copy}`])
    expect(filesUnder(copy).length).toBeGreaterThan(4)
    for (const secret of all) expect(filesHolding(copy, secret)).toEqual([])
  }, 120_000)

  it('build-contexts: a named image context replaces the FROM name, a directory context is copied from', () => {
    expect(results['marker.txt']).toBe('from the markers context')
  })

  it('add-hosts resolves inside RUN; shm-size and ulimit are the limits RUN sees', () => {
    expect(results.hosts).toMatch(/^127\.0\.0\.7\s+internal\.e2e\.test$/)
    expect(results.shm).toBe(String(96 * 1024))
    expect(results.nofile).toBe('777 888')
  })

  it('labels from a newline list keep their commas', () => {
    expect(imageConfig(tag).config?.Labels).toMatchObject({
      'org.opencontainers.image.description': 'Secrets, hosts, and limits'
    })
  })

  it('annotations: index-level on the index, manifest-level on each platform manifest', () => {
    const index = manifestAt(tag)
    expect(index.annotations).toMatchObject({
      'org.opencontainers.image.description': 'An index, with commas'
    })
    const images = (index.manifests ?? []).filter(m => m.platform?.os === 'linux')
    expect(images.map(m => m.platform?.architecture).sort()).toEqual(['amd64', 'arm64'])
    for (const image of images) {
      expect(manifestAt(`${tag.replace(/:[^:/]+$/, '')}@${image.digest}`).annotations).toMatchObject({
        'org.opencontainers.image.title': 'build-options manifest',
        'org.opencontainers.image.vendor': 'e2e'
      })
    }
  })

  it('sbom: an SPDX attestation is attached to each platform', () => {
    const repo = tag.replace(/:[^:/]+$/, '')
    const index = manifestAt(tag)
    const images = (index.manifests ?? []).filter(m => m.platform?.os === 'linux')
    const attestations = (index.manifests ?? []).filter(
      m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
    )
    expect(attestations.map(a => a.annotations?.['vnd.docker.reference.digest']).sort()).toEqual(
      images.map(i => i.digest).sort()
    )
    for (const attestation of attestations) {
      const types = (manifestAt(`${repo}@${attestation.digest}`).layers ?? []).map(
        l => l.annotations?.['in-toto.io/predicate-type']
      )
      expect(types).toContain('https://spdx.dev/Document')
    }
  })
})

/** skopeo's source flags for the HTTP registry. */
function srcFlags(): string[] {
  return accessFor(registry).flags.map(f => f.replace(/^--tls-verify/, '--src-tls-verify'))
}

/**
 * ssh-add and getent of this machine with the libraries they link and the dynamic loader, as a build
 * context for amd64 RUN steps (the base image is busybox-static, which has neither).
 */
function hostTools(): string {
  const dir = path.join(work, 'hosttools')
  if (fs.existsSync(dir)) return dir
  fs.mkdirSync(dir)
  for (const tool of ['ssh-add', 'getent']) {
    const binary = execFileSync('which', [tool], { encoding: 'utf8' }).trim()
    fs.copyFileSync(binary, path.join(dir, tool))
    for (const line of execFileSync('ldd', [binary], { encoding: 'utf8' }).split('\n')) {
      const lib = /=>\s*(\S+)/.exec(line)?.[1]
      if (lib) fs.copyFileSync(lib, path.join(dir, path.basename(lib)))
      const loader = /^\s*(\/\S*ld-linux\S*)/.exec(line)?.[1]
      if (loader) fs.copyFileSync(loader, path.join(dir, 'ld.so'))
    }
  }
  return dir
}

describe('ssh, outputs (local, oci) and load: two platforms, nothing pushed', () => {
  const agentDir = path.join(work, 'agent')
  const socket = path.join(agentDir, 'agent.sock')
  const tag = `e2e/build-options-load:${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
  const outDir = path.join(work, 'outputs')
  let agentPid = ''
  let fingerprint = ''
  let job: Job

  beforeAll(() => {
    fs.mkdirSync(agentDir)
    fs.mkdirSync(outDir) // buildx writes the oci tar into an existing directory, as docker build -o does
    const agent = execFileSync('ssh-agent', ['-a', socket, '-s'], { encoding: 'utf8' })
    agentPid = /SSH_AGENT_PID=(\d+)/.exec(agent)?.[1] ?? ''
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'e2e-build-options',
      '-f',
      path.join(agentDir, 'key')
    ])
    execFileSync('ssh-add', [path.join(agentDir, 'key')], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      stdio: 'ignore'
    })
    fingerprint = execFileSync('ssh-add', ['-l'], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      encoding: 'utf8'
    }).trim()
    job = jobs.start(
      {
        ...stackInputs(),
        platforms: 'linux/amd64,linux/arm64',
        context: path.join(HERE, 'outputs'),
        push: 'false',
        tags: tag,
        'build-args': `BASE=${baseImage(registry)}`,
        'insecure-registries': `http://${registry}`,
        ssh: 'default',
        'build-contexts': `hosttools=${hostTools()}`,
        outputs: `type=local,dest=${outDir}/local\ntype=oci,dest=${outDir}/image.tar`,
        load: 'true'
      },
      { SSH_AUTH_SOCK: socket }
    )
  })
  afterAll(() => {
    if (agentPid) process.kill(Number(agentPid))
    try {
      docker(['image', 'rm', tag])
    } catch {
      // never loaded
    }
  })

  let imageId = ''
  it('main succeeds', async () => {
    const main = await job.main()
    expect(main.log).not.toMatch(/::error/)
    expect(main.exitCode).toBe(0)
    expect(fingerprint).toContain('e2e-build-options')
    imageId = main.outputs.imageid ?? ''
  }, 600_000)

  it('ssh: the agent of this machine is forwarded into RUN --mount=type=ssh', () => {
    expect(fs.readFileSync(path.join(outDir, 'local/linux_amd64/ssh-keys.txt'), 'utf8').trim()).toBe(
      fingerprint
    )
  })

  it("outputs: type=local writes each platform's files, type=oci an OCI layout tar", () => {
    expect(fs.readFileSync(path.join(outDir, 'local/linux_arm64/machine'), 'utf8').trim()).toBe('aarch64')
    expect(fs.readFileSync(path.join(outDir, 'local/linux_amd64/machine'), 'utf8').trim()).toBe('x86_64')
    const entries = execFileSync('tar', ['-tf', path.join(outDir, 'image.tar')], { encoding: 'utf8' }).split(
      '\n'
    )
    expect(entries).toEqual(expect.arrayContaining(['oci-layout', 'index.json']))
  })

  it('imageid is the ID the engine shows for the loaded tag, and docker image inspect finds it', () => {
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', tag]).trim()).toBe(imageId)
    expect(docker(['image', 'inspect', '--format', '{{.Id}}', imageId]).trim()).toBe(imageId)
  })

  it('load: both platforms are in the engine (containerd image store)', () => {
    for (const [platform, machine] of [
      ['linux/amd64', 'x86_64'],
      ['linux/arm64', 'aarch64']
    ] as const) {
      expect(
        docker(['run', '--rm', '--network', 'host', '--platform', platform, tag, 'cat', '/machine']).trim()
      ).toBe(machine)
    }
  }, 120_000)
})

/** A release mirror on loopback serving the newest buildx of the stack as a GitHub release lays it out. */
class LatestBuildx extends FileServer {
  readonly version =
    /(\d+\.\d+\.\d+)/.exec(execFileSync(env('E2E_BUILDX_LATEST'), ['version'], { encoding: 'utf8' }))?.[1] ??
    ''

  constructor() {
    super()
    const binary = fs.readFileSync(env('E2E_BUILDX_LATEST'))
    const asset = releaseAssetName(this.version, releasePlatform(process.platform, process.arch, '7'))
    this.files.set(`/v${this.version}/${asset}`, { status: 200, body: binary })
    this.files.set(`/v${this.version}/checksums.txt`, { status: 200, body: `${hex(binary)} *${asset}\n` })
  }

  inputs(): Record<string, string> {
    return {
      'buildx-version': this.version,
      'buildx-download-url': this.url('/v{version}/buildx-v{version}.{os}-{arch}{ext}')
    }
  }
}

describe('call: check', () => {
  const mirror = new LatestBuildx()
  const toolCache = path.join(work, 'tool-cache')
  beforeAll(() => mirror.start())
  afterAll(() => mirror.stop())

  const checkJob = (inputs: Record<string, string>): Job => {
    return jobs.start(
      {
        ...stackInputs(),
        platforms: 'linux/amd64',
        context: path.join(HERE, 'lint'),
        'build-args': `BASE=${baseImage(registry)}`,
        'insecure-registries': `http://${registry}`,
        call: 'check',
        ...inputs
      },
      { RUNNER_TOOL_CACHE: toolCache }
    )
  }

  it('newest pair: reports the Dockerfile findings and fails; nothing is pushed, no tag needed', async () => {
    const job = checkJob({ ...mirror.inputs(), 'buildkit-image': env('E2E_BUILDKIT_LATEST_IMAGE') })
    const main = await job.main()
    expect(main.log).toMatch(/FromAsCasing/)
    expect(main.log).toMatch(/MaintainerDeprecated/)
    expect(main.exitCode).not.toBe(0)
    expect(main.outputs.digest ?? '').toBe('')
    expect((await job.post()).exitCode).toBe(0)
  }, 300_000)

  it('newest buildx, BuildKit 0.13: names buildkit-image as the fix', async () => {
    const job = checkJob({ ...mirror.inputs(), 'buildkit-image': env('E2E_BUILDKIT_IMAGE') })
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(/unsupported request frontend\.lint/)
    expect(main.log).toMatch(/::error title=BuildKit too old for call::.*buildkit-image/)
  }, 300_000)

  it('buildx 0.13.1: refused before any build, naming call', async () => {
    const job = checkJob({ 'buildx-version': '0.13.1' })
    const main = await job.main()
    expect(main.exitCode).not.toBe(0)
    expect(main.log).toMatch(
      /buildx-version 0\.13\.1 is too old; this action needs 0\.15\.0 or newer \(call needs it\)/
    )
  }, 120_000)
})
