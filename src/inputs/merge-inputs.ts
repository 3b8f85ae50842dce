/**
 * The merge action's inputs (merge/action.yml), read once and checked together: the sources, the tags
 * of the new index, its annotations, the platforms it must hold, and the registry inputs, which mean
 * what they mean for the build.
 */
import { messageOf } from '../core/errors.js'
import { normalizePlatform } from '../oci/platforms.js'
import { parseImageReference } from '../oci/reference.js'
import { field, readTable, type InputSource, type Typed } from './table.js'
import { parseTags, splitList } from './parse.js'
import { MERGE_INPUTS } from './action-spec.js'
import { REGISTRY_FIELDS, REGISTRY_RULES } from './registry-inputs.js'
import { SIGNING_FIELDS, SIGNING_RULES } from './signing.js'

/**
 * The merge action's table: sources (image references by tag or digest, as written), tags (where the index
 * is pushed: references with a tag), annotations (of the index), platforms (the exact set the index must
 * hold; undefined: whatever the sources hold), and the registry and signing inputs.
 */
export const MERGE_FIELDS = {
  sources: field([] as string[], parseSources),
  tags: field([] as string[], parseIndexTags),
  annotations: field({}, parseAnnotations),
  platforms: field<string[] | undefined>(undefined, parseExpectedPlatforms),
  ...REGISTRY_FIELDS,
  ...SIGNING_FIELDS
}

export type MergeInputs = Typed<typeof MERGE_FIELDS>

/**
 * Reads and checks every input of the merge action; throws an InputError listing all problems. Relative
 * paths (a CA file, the signing key) start at `cwd`, the job's working directory.
 */
export function readMergeInputs(source: InputSource, cwd = '.', env: NodeJS.ProcessEnv = {}): MergeInputs {
  return readTable(MERGE_FIELDS, [...REGISTRY_RULES, ...SIGNING_RULES], {
    source,
    specs: MERGE_INPUTS,
    cwd,
    env
  }).values
}

/** One image reference per line (commas work too); blank lines are skipped. */
export function parseSources(value: string): string[] {
  const sources = splitList(value, true)
  if (sources.length === 0) {
    throw new Error('no source is given; list the images to merge, one per line (registry/name@sha256:…)')
  }
  for (const item of sources) {
    try {
      parseImageReference(item)
    } catch (error) {
      throw new Error(`"${item}" is not a valid image reference: ${messageOf(error)}`, { cause: error })
    }
  }
  return sources
}

/** The index's tags: at least one, each with a tag (or none, meaning latest), never with a digest. */
export function parseIndexTags(value: string): string[] {
  const tags = parseTags(value, true)
  for (const tag of tags) {
    if (parseImageReference(tag).digest !== undefined) {
      throw new Error(`"${tag}" has a digest; the index is pushed under a tag, e.g. registry/name:1.0`)
    }
  }
  return tags
}

const ANNOTATION_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/

/**
 * `key=value` lines, for the index itself; an `index:` prefix (as buildx writes index annotations) is
 * accepted and dropped. Other buildx prefixes (manifest:, index-descriptor:, …) are refused: the merge
 * writes only the index.
 */
export function parseAnnotations(value: string): Record<string, string> {
  const annotations: Record<string, string> = {}
  for (const item of splitList(value, false)) {
    const eq = item.indexOf('=')
    let key = eq === -1 ? '' : item.slice(0, eq).trim()
    if (key.startsWith('index:')) key = key.slice('index:'.length)
    if (key === '' || !ANNOTATION_KEY.test(key)) {
      const why = /^[a-z-]+(\[[^\]]*\])?:/.test(key)
        ? 'only index annotations can be set here (no prefix, or index:)'
        : 'expected key=value, e.g. org.opencontainers.image.source=https://github.com/o/r'
      throw new Error(`"${item}": ${why}; one annotation per line`)
    }
    if (key in annotations) throw new Error(`${key} is set twice`)
    annotations[key] = item.slice(eq + 1).trim()
  }
  return annotations
}

/** The platforms the index must hold exactly; undefined when the input is empty. */
export function parseExpectedPlatforms(value: string): string[] | undefined {
  const items = splitList(value, true)
  if (items.length === 0) return undefined
  const platforms: string[] = []
  for (const item of items) {
    const platform = normalizePlatform(item)
    if (platforms.includes(platform)) throw new Error(`${platform} is listed twice`)
    platforms.push(platform)
  }
  return platforms
}
