/**
 * The build's cross-input rules: the second pass over the typed values of the input table (fields.ts),
 * for what one input alone cannot say. Each is reported under one input and says what to change.
 */
import { evaluates } from '../buildx/build-options.js'
import type { CacheMode } from '../buildx/cache.js'
import type { BuilderNode } from '../buildx/nodes.js'
import type { TagEntry } from './fields.js'
import { REGISTRY_RULES } from './registry-inputs.js'
import { REMOTE_ACCESS_RULES } from './remote-access-inputs.js'
import { RUNTIME_RULES } from './runtime.js'
import { SIGNING_RULES, type SignMode } from './signing.js'
import type { Rule } from './table.js'

interface BuildContext {
  push: boolean
  'push-by-digest': boolean
  tags: TagEntry[]
  call: string
  nodes: BuilderNode[]
  'reuse-builder': boolean
  'builder-name': string
  cache: CacheMode
  'driver-opts': string[]
  'host-network': boolean
  sign: SignMode
}

/** The problem of a push with no tag (the build's and the plan's tags). */
export const NO_TAG =
  'push is true but no tag is given; set the tags input, e.g. registry.example.com/team/app:1.0'

/** With push-by-digest, `tags` names the repository to push to: exactly one, without tag or digest. */
function repositoryProblem(tags: readonly TagEntry[]): string | undefined {
  const [only, ...more] = tags
  if (!only || more.length > 0) {
    return (
      'push-by-digest is true, so tags must name exactly one repository (e.g. registry.example.com/team/app), ' +
      `not ${tags.length === 0 ? 'nothing' : `${tags.length} entries`}`
    )
  }
  const { tag, digest } = only.reference
  if (tag === undefined && digest === undefined) return undefined
  const part = digest !== undefined ? `digest @${digest}` : `tag :${tag ?? ''}`
  return (
    `push-by-digest is true, so "${only.text}" must name the repository only; drop its ${part} ` +
    '(the image is pushed without a tag and found by its digest)'
  )
}

const BUILD_RULES: readonly Rule<BuildContext>[] = [
  {
    input: 'push-by-digest',
    reads: ['push'],
    check: v =>
      v['push-by-digest'] && !v.push ? 'needs push: true (an image pushed by digest is pushed)' : undefined
  },
  {
    input: 'tags',
    reads: ['push-by-digest'],
    check: v => (v['push-by-digest'] ? repositoryProblem(v.tags) : undefined)
  },
  {
    input: 'tags',
    reads: ['push-by-digest'],
    check: v => {
      const digested = v['push-by-digest'] ? undefined : v.tags.find(t => t.reference.digest !== undefined)
      if (!digested) return undefined
      return (
        `"${digested.text}" has a digest (@${(digested.reference.digest ?? '').slice(0, 15)}…): a pushed image ` +
        'gets its digest from its content; give repository:tag only'
      )
    }
  },
  // call: check (outline, targets) evaluates the build and pushes nothing, so it needs no tag.
  {
    input: 'tags',
    reads: ['push', 'push-by-digest', 'call'],
    check: v =>
      v.push && !v['push-by-digest'] && !evaluates(v.call) && v.tags.length === 0 ? NO_TAG : undefined
  },
  {
    input: 'nodes',
    reads: ['reuse-builder'],
    check: v =>
      v.nodes.length > 0 && v['reuse-builder']
        ? 'a reused builder keeps the nodes it has, so nodes cannot be applied to it; set reuse-builder: false, or leave nodes empty'
        : undefined
  },
  {
    input: 'cache',
    reads: ['tags'],
    check: v =>
      v.cache === 'registry' && v.tags.length === 0
        ? 'registry keeps the cache next to the first tag, and no tag is given: set the tags input, or name the ' +
          'cache yourself in cache-to and cache-from (type=registry,ref=REPOSITORY:buildcache)'
        : undefined
  },
  {
    input: 'sign',
    reads: ['push'],
    check: v =>
      v.sign !== 'false' && !v.push
        ? `${v.sign} signs the pushed image, and push is false; set push: true, or sign: false`
        : undefined
  },
  {
    input: 'driver-opts',
    reads: ['host-network'],
    check: v => {
      const network = v['driver-opts'].find(opt => opt.startsWith('network='))
      return network !== undefined && network !== 'network=host' && v['host-network']
        ? `${network} contradicts host-network: true (the builder container has one network); drop one of them`
        : undefined
    }
  },
  {
    input: 'reuse-builder',
    reads: ['builder-name'],
    check: v =>
      v['reuse-builder'] && v['builder-name'] === ''
        ? 'needs builder-name (the builder to reuse); a generated name is never reused'
        : undefined
  }
]

/** Every cross-input rule of the build, in the order their problems are reported. */
export const RULES = [
  ...BUILD_RULES,
  ...REMOTE_ACCESS_RULES,
  ...REGISTRY_RULES,
  ...RUNTIME_RULES,
  ...SIGNING_RULES
]
