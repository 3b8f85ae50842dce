/** Option objects with every field at its plain value, for tests that change one or two of them. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BuildSettings } from '../../src/buildx/build.js'
import type { BuilderOptions } from '../../src/buildx/builder.js'
import { EMPTY_BUILD_OPTIONS } from '../../src/buildx/build-options.js'

export const BUILD_SETTINGS: BuildSettings = {
  platforms: ['linux/amd64', 'linux/arm64'],
  context: '.',
  file: '',
  tags: ['registry.example.com/team/app:1.0'],
  push: true,
  pushByDigest: false,
  buildArgs: [],
  labels: [],
  target: '',
  cacheFrom: [],
  cacheTo: [],
  cache: '',
  noCache: false,
  pull: false,
  provenance: '',
  network: '',
  buildOptions: EMPTY_BUILD_OPTIONS,
  mediaTypes: 'oci'
}

export const BUILDER_OPTIONS: BuilderOptions = {
  name: 'b1',
  buildkitImage: 'moby/buildkit:buildx-stable-1',
  hostNetwork: false,
  driverOpts: [],
  proxyEnv: {},
  buildkitdFlags: '',
  configFile: ''
}

/**
 * The working directory of runs in unit tests: a checkout whose context (`.`) has a Dockerfile, as a
 * build's working directory does (inputs refuse a context without one).
 */
export const WORKSPACE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/workspace')

/** A CA certificate in the workspace (a private registry's, as a checkout may carry it): its path there, and its PEM. */
export const WORKSPACE_CA = 'certs/ca.crt'
export const CA_PEM = fs.readFileSync(path.join(WORKSPACE, WORKSPACE_CA), 'utf8')
