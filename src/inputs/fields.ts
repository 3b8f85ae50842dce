/**
 * The build's input table: every input of action.yml, by name, with its parser. The typed values feed
 * the cross-input rules (rules.ts) and then the Inputs object (inputs.ts). A unit test keeps the table's
 * names and action.yml's inputs the same.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { RegistryHost } from '../buildkitd/registry-name.js'
import { normalizeBuildxVersion, parseDownloadUrlTemplate } from '../buildx/release.js'
import type { CacheMode } from '../buildx/cache.js'
import type { BuilderNode } from '../buildx/nodes.js'
import { parseImageReference, type ImageReference } from '../oci/reference.js'
import { messageOf } from '../core/errors.js'
import { QEMU_MODES, type QemuMode } from '../qemu/qemu.js'
import { BUILD_OPTION_FIELDS } from './build-option-inputs.js'
import { parseCacheEntries, parseCacheMode } from './cache-inputs.js'
import {
  checkDockerfile,
  defaultDockerfile,
  parseBuildkitdFlags,
  parseProvenance,
  parseTarget
} from './checks.js'
import { parseNodes } from './node-lines.js'
import { imageReference } from './option-values.js'
import {
  isRemoteContext,
  parseDriverOpts,
  parseKeyValues,
  parseMirrors,
  parsePlatforms,
  resolvePath,
  splitList
} from './parse.js'
import { REGISTRY_FIELDS } from './registry-inputs.js'
import { REMOTE_ACCESS_FIELDS } from './remote-access-inputs.js'
import { SIGNING_FIELDS } from './signing.js'
import { RUNTIME_FIELDS } from './runtime.js'
import { bool, field, text, type Field, type FieldContext } from './table.js'

const BUILDER_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,62}$/
const NETWORK_MODES = ['', 'default', 'none', 'host']

/** A path that must exist as a file or a directory ('' stays ''). */
function existing(kind: 'file' | 'directory'): Field<string> {
  return field('', (value: string, { cwd }: FieldContext) => {
    if (value === '') return ''
    const stat = fs.statSync(resolvePath(cwd, value), { throwIfNoEntry: false })
    if (!stat) throw new Error(`"${value}" does not exist (relative paths start at ${cwd})`)
    if (kind === 'file' ? !stat.isFile() : !stat.isDirectory()) throw new Error(`"${value}" is not a ${kind}`)
    return value
  })
}

/** A tag or repository as written, with its parts; whether a tag or digest may be there is a rule's call. */
export interface TagEntry {
  text: string
  reference: ImageReference
}

function parseTagEntries(value: string): TagEntry[] {
  return splitList(value, true).map(tag => {
    try {
      return { text: tag, reference: parseImageReference(tag) }
    } catch (error) {
      throw new Error(`"${tag}" is not a valid image reference: ${messageOf(error)}`, { cause: error })
    }
  })
}

const directory = existing('directory')
const file = existing('file')

export const BUILD_FIELDS = {
  platforms: field([] as string[], parsePlatforms),
  context: field('.', (value, context) => {
    if (isRemoteContext(value)) return value
    const dir = directory.parse(value, context) || value
    // Without `file`, buildx reads Dockerfile (or dockerfile) in the context: it must be there.
    if (context.text('file') === '') {
      const found = defaultDockerfile(resolvePath(context.cwd, dir))
      if (found === undefined)
        throw new Error(
          `"${dir}" has no Dockerfile (relative paths start at ${context.cwd}); add one there, or set the ` +
            'file input to the Dockerfile'
        )
      checkDockerfile(path.join(dir, path.basename(found)), found)
    }
    return dir
  }),
  // With a remote context, buildx reads `file` inside that context: nothing to check here.
  file: field('', (value, context) => {
    if (isRemoteContext(context.text('context'))) return value
    const found = file.parse(value, context)
    if (found !== '') checkDockerfile(found, resolvePath(context.cwd, found))
    return found
  }),
  tags: field([] as TagEntry[], parseTagEntries),
  push: bool(true),
  'push-by-digest': bool(false),
  'build-args': field([] as string[], value => parseKeyValues(value, true)),
  labels: field([] as string[], value => parseKeyValues(value, false)),
  target: field('', parseTarget),
  'cache-from': field([] as string[], value => parseCacheEntries(value, 'cache-from')),
  'cache-to': field([] as string[], value => parseCacheEntries(value, 'cache-to')),
  cache: field<CacheMode>('', parseCacheMode),
  'no-cache': bool(false),
  pull: bool(false),
  provenance: field('', parseProvenance),
  ...RUNTIME_FIELDS,
  network: field('', value => {
    if (!NETWORK_MODES.includes(value))
      throw new Error(`"${value}" is not a RUN network mode; use default, none or host`)
    return value
  }),
  'builder-name': field('', value => {
    if (value !== '' && !BUILDER_NAME.test(value))
      throw new Error(
        `"${value}" is not a builder name; use letters, digits, '_', '.', '-', starting with a letter`
      )
    if (value.toLowerCase() === 'default')
      throw new Error(
        '"default" is the docker driver builder, which cannot build several platforms; use another name'
      )
    return value
  }),
  'buildkit-image': field('', imageReference),
  'driver-opts': field([] as string[], parseDriverOpts),
  'buildkitd-flags': field('', parseBuildkitdFlags),
  nodes: field([] as BuilderNode[], parseNodes),
  ...REMOTE_ACCESS_FIELDS,
  ...SIGNING_FIELDS,
  'host-network': bool(false),
  ...REGISTRY_FIELDS,
  'registry-mirrors': field(new Map<string, RegistryHost[]>(), parseMirrors),
  proxy: bool(true),
  'buildkitd-config': file,
  'buildkitd-config-inline': text,
  qemu: field<QemuMode>('auto', value => {
    const mode = QEMU_MODES.find(m => m === value.toLowerCase())
    if (!mode) throw new Error(`"${value}" is not a QEMU mode; use auto, image, package or false`)
    return mode
  }),
  'qemu-image': field('', imageReference),
  ...BUILD_OPTION_FIELDS,
  retries: field(0, value => {
    if (!/^\d+$/.test(value) || Number(value) > 10)
      throw new Error(`"${value}" is not a retry count; use 0 to 10`)
    return Number(value)
  }),
  'reuse-builder': bool(false),
  'buildx-version': field('', normalizeBuildxVersion),
  'buildx-download-url': field('', parseDownloadUrlTemplate),
  'buildx-checksum-url': field('', value => (value === '' ? '' : parseDownloadUrlTemplate(value)))
}
