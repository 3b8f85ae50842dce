/**
 * Runs the bundled action (dist/index.js) the way the GitHub runner does: INPUT_* variables with
 * action.yml's defaults applied, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, main and then
 * post with the saved state as STATE_* variables. Stack details come only from environment variables
 * (E2E_*, DOCKER_HOST, DOCKER_CONFIG), so the same tests run against any Docker host and registries.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = path.join(ROOT, '__tests__/e2e/fixtures')
const ENTRY = path.join(ROOT, 'dist/index.js')

export function env(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: source the e2e stack's env.sh (see README, "Testing")`)
  return value
}

export function stackAvailable(): boolean {
  return Boolean(process.env.E2E_HTTP_REGISTRY && process.env.DOCKER_HOST !== undefined)
}

interface ActionYaml {
  inputs: Record<string, { default?: string }>
}

export function actionDefaults(): Record<string, string> {
  const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYaml
  const out: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs))
    if (spec.default !== undefined) out[name] = spec.default
  return out
}

export interface StepResult {
  exitCode: number
  signal: NodeJS.Signals | null
  /** stdout and stderr interleaved as the runner would log them. */
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
}

export interface Job {
  dir: string
  runnerTemp: string
  main(options?: { killAfterMs?: number; killWhen?: RegExp }): Promise<StepResult>
  post(): Promise<StepResult>
  /** Everything the two steps printed, for secret checks. */
  logs(): string
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files (`name<<delimiter` blocks, or `name=value` lines). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc?.[1] && heredoc[2]) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] ?? '')
      out[heredoc[1]] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return out
}

export function newJob(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Job {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiarch-e2e-'))
  const runnerTemp = path.join(dir, 'runner-temp')
  fs.mkdirSync(runnerTemp)
  const files = {
    output: path.join(dir, 'output'),
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary')
  }
  for (const f of Object.values(files)) fs.writeFileSync(f, '')
  const withDefaults = { ...actionDefaults(), ...inputs }
  const inputEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(withDefaults))
    inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const baseEnv: Record<string, string> = {
    ...stripInputs(process.env),
    ...inputEnv,
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    ...extraEnv
  }
  let allLogs = ''
  const step = async (
    stepEnv: Record<string, string>,
    options: { killAfterMs?: number; killWhen?: RegExp } = {}
  ): Promise<StepResult> => {
    const child = spawn(process.execPath, [ENTRY], {
      cwd: ROOT,
      env: stepEnv,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    let killed = false
    const kill = (): void => {
      if (!killed) {
        killed = true
        child.kill('SIGTERM')
      }
    }
    const onData = (chunk: Buffer): void => {
      log += chunk.toString()
      if (options.killWhen?.test(log)) kill()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = options.killAfterMs === undefined ? undefined : setTimeout(kill, options.killAfterMs)
    const [exitCode, signal] = await new Promise<[number, NodeJS.Signals | null]>(resolve => {
      child.on('close', (code, sig) => {
        resolve([code ?? -1, sig])
      })
    })
    if (timer) clearTimeout(timer)
    allLogs += log
    return {
      exitCode,
      signal,
      log,
      outputs: parseCommandFile(fs.readFileSync(files.output, 'utf8')),
      state: parseCommandFile(fs.readFileSync(files.state, 'utf8')),
      summary: fs.readFileSync(files.summary, 'utf8')
    }
  }
  return {
    dir,
    runnerTemp,
    main: options => step(baseEnv, options),
    post: () => {
      const saved = parseCommandFile(fs.readFileSync(files.state, 'utf8'))
      const stateEnv: Record<string, string> = {}
      for (const [k, v] of Object.entries(saved)) stateEnv[`STATE_${k}`] = v
      return step({ ...baseEnv, ...stateEnv })
    },
    logs: () => allLogs
  }
}

function stripInputs(source: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_'))
      out[k] = v
  }
  return out
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
  return { 'buildkit-image': env('E2E_BUILDKIT_IMAGE'), 'host-network': 'true' }
}

export function baseImage(registry: string): string {
  return `${registry}/${env('E2E_BASE_IMAGE')}`
}
