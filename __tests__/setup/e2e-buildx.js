/**
 * Jest global setup for the e2e tests: the buildx they run. With E2E_BUILDX set (a buildx binary), the
 * whole run, jobs and the tests' own docker commands alike, gets a DOCKER_CONFIG of its own whose
 * cli-plugins/docker-buildx is that binary, with a copy of the stack's config.json (registry
 * credentials). It is set here, before Jest starts the tests, because child processes inherit the real
 * process environment, not a test file's copy of it. The stack's own stays in E2E_STACK_DOCKER_CONFIG.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export default function setup() {
  const buildx = process.env.E2E_BUILDX
  process.env.E2E_STACK_DOCKER_CONFIG = process.env.DOCKER_CONFIG ?? ''
  if (!buildx) return
  const stackConfig = process.env.DOCKER_CONFIG
  if (!stackConfig) throw new Error("DOCKER_CONFIG is not set: source the e2e stack's env.sh")
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-docker-config-'))
  fs.mkdirSync(path.join(dir, 'cli-plugins'))
  fs.symlinkSync(path.resolve(buildx), path.join(dir, 'cli-plugins', 'docker-buildx'))
  const configFile = path.join(stackConfig, 'config.json')
  if (fs.existsSync(configFile)) fs.copyFileSync(configFile, path.join(dir, 'config.json'))
  process.env.DOCKER_CONFIG = dir
  process.env.E2E_BUILDX_DOCKER_CONFIG = dir
  // docker must run the plugin asked for (a wrong path would silently fall back to another buildx).
  const asked = execFileSync(buildx, ['version'], { encoding: 'utf8' }).trim()
  const used = execFileSync('docker', ['buildx', 'version'], { encoding: 'utf8' }).trim()
  if (used !== asked) throw new Error(`E2E_BUILDX: docker buildx runs "${used}", not ${buildx} ("${asked}")`)
  console.log(
    `\ne2e: buildx ${asked}, BuildKit ${process.env.E2E_BUILDKIT || process.env.E2E_BUILDKIT_IMAGE}`
  )
}

export function teardown() {
  const dir = process.env.E2E_BUILDX_DOCKER_CONFIG
  if (!dir) return
  process.env.DOCKER_CONFIG = process.env.E2E_STACK_DOCKER_CONFIG
  fs.rmSync(dir, { recursive: true, force: true })
}
