/**
 * What the tests of one `runMain` run share: its deps on a FakeRunner and a FakeReporter, a buildx that
 * answers like 0.13.1 and writes its metadata file, a binfmt_misc fixture, a 3-platform image and a
 * registry that serves it. Each test file calls `beforeEach(freshWorkDir)`: a test's directory holds
 * RUNNER_TEMP, the user's docker config and the binfmt_misc fixture.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MainDeps } from '../../src/step/deps.js'
import { TestHttpServer } from '../http-server.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner, docker, type Call } from './fake-runner.js'
import { ELF, buildHistory, buildImage, serveImage, tarLayer, type BuiltImage } from './image-fixtures.js'
import { WORKSPACE } from './defaults.js'

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures')
export const INDEX = fs.readFileSync(path.join(FIXTURES, 'buildx-0.13/index-3-platforms.json'))
export const METADATA = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'buildx-0.13/metadata-3-platforms.json'), 'utf8')
) as Record<string, unknown>
export const DIGEST = METADATA['containerimage.digest'] as string

export const HOST = { platform: 'linux', arch: 'x64', armVersion: '7' }
export const THREE_PLATFORMS = 'linux/amd64,linux/arm64,linux/arm/v7'
export const ARCHES = { amd64: ELF.amd64, arm64: ELF.arm64, arm: ELF.arm } as const

let current = ''

/** Gives the next test a directory of its own (use it as `beforeEach(freshWorkDir)`). */
export function freshWorkDir(): void {
  current = fs.mkdtempSync(path.join(os.tmpdir(), 'main-test-'))
}

/** The current test's directory. */
export function workDir(): string {
  if (!current) throw new Error('no work directory: the test file must call beforeEach(freshWorkDir)')
  return current
}

/** A binfmt_misc directory where aarch64 and arm are registered with F. */
function binfmt(): string {
  const dir = path.join(workDir(), 'binfmt')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'register'), '')
  for (const h of ['aarch64', 'arm']) {
    fs.copyFileSync(path.join(FIXTURES, `binfmt/qemu-${h}.enabled-F`), path.join(dir, `qemu-${h}`))
  }
  return dir
}

/** The deps of one run, whose reporter records what the run said. */
export type RunDeps = MainDeps & { reporter: FakeReporter }

export function deps(
  runner: FakeRunner,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {}
): RunDeps {
  const work = workDir()
  return {
    reporter: new FakeReporter(),
    runner,
    getInput: (name: string) => inputs[name] ?? '',
    env: { RUNNER_TEMP: work, DOCKER_CONFIG: path.join(work, 'docker-config'), GITHUB_RUN_ID: '42', ...env },
    cwd: WORKSPACE,
    tmpDir: os.tmpdir(),
    host: HOST,
    hostArch: 'amd64',
    isRoot: true,
    binfmtDir: binfmt(),
    retryDelayMs: 1,
    sleep: () => Promise.resolve(),
    now: Date.now,
    idToken: () => Promise.reject(new Error('no OIDC token service in unit tests'))
  }
}

/** Answers the buildx version check and writes buildx's metadata file the way a real build does. */
export function dockerRunner(imageName: string, digest = DIGEST): FakeRunner {
  return new FakeRunner()
    .on(docker('buildx', 'version'), { stdout: 'github.com/docker/buildx 0.13.1 abc\n' })
    .on(docker('buildx', 'build'), (call: Call) => {
      const file = call.args[call.args.indexOf('--metadata-file') + 1] ?? ''
      const metadata = { ...METADATA, 'image.name': imageName, 'containerimage.digest': digest }
      fs.writeFileSync(file, JSON.stringify(metadata))
      return {}
    })
}

/** A dockerRunner whose build pushed `image` to team/app on `registry` (reported by its index digest). */
export function pushRunner(registry: string, image: BuiltImage): FakeRunner {
  return dockerRunner(`${registry}/team/app@${image.indexDigest}`, image.indexDigest)
}

/**
 * A 3-platform image as a build of now makes it: each platform's own base (busybox of its architecture,
 * no history) and one layer this build added with /app/tool of `toolOf(arch)`, the entrypoint.
 */
export async function threePlatformImage(toolOf: (arch: keyof typeof ARCHES) => Buffer): Promise<BuiltImage> {
  const platforms = [
    { os: 'linux', architecture: 'amd64' as const },
    { os: 'linux', architecture: 'arm64' as const },
    { os: 'linux', architecture: 'arm' as const, variant: 'v7' }
  ]
  const specs = await Promise.all(
    platforms.map(async platform => ({
      platform,
      layers: [
        await tarLayer([{ name: 'bin/busybox', content: ARCHES[platform.architecture], mode: 0o755 }]),
        await tarLayer([{ name: 'app/tool', content: toolOf(platform.architecture), mode: 0o755 }])
      ],
      config: {
        history: buildHistory(new Date().toISOString(), 1),
        config: { Entrypoint: ['/app/tool'], Env: ['PATH=/bin'] }
      }
    }))
  )
  return buildImage(specs)
}

/**
 * Runs `use` with a registry that serves the whole of `image` (index, manifests, configs, layers) by
 * digest as team/app and takes tag PUTs; stops it after.
 */
export async function withRegistry(
  image: BuiltImage,
  use: (server: TestHttpServer) => Promise<void>
): Promise<void> {
  const server = serveImage(await TestHttpServer.start(), 'team/app', image)
  try {
    await use(server)
  } finally {
    await server.stop()
  }
}

/** `PUT <path>` of each tag the registry was given. */
export function tagPuts(server: TestHttpServer): string[] {
  return server.log().filter(l => l.startsWith('PUT'))
}
