/**
 * The inputs about what lands in the registry and what the build costs: media-types, smoke-test,
 * smoke-test-timeout, cache-max-size, check-binaries and check-binaries-budget; fields and rules of the
 * build's input table (inputs.ts).
 */
import { MEDIA_TYPE_FAMILIES, type MediaTypes } from '../buildx/build.js'
import { evaluates } from '../buildx/build-options.js'
import { formatBytes, MIN_CACHE_BYTES } from '../buildkitd/gc.js'
import { parseSmokeCommand } from '../docker/smoke.js'
import { parseBinariesMode, parseByteSize, type BinariesMode } from './parse.js'
import { field, type Rule } from './table.js'

export const RUNTIME_FIELDS = {
  'media-types': field<MediaTypes>('oci', value => {
    const found = MEDIA_TYPE_FAMILIES.find(m => m === value.toLowerCase())
    if (!found) throw new Error(`"${value}" is not a media type family; use oci or docker`)
    return found
  }),
  'smoke-test': field([] as string[], parseSmokeCommand),
  'smoke-test-timeout': field(120, value => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3600)
      throw new Error(`"${value}" is not a time limit; use whole seconds from 1 to 3600`)
    return Number(value)
  }),
  'cache-max-size': field<number | undefined>(undefined, value => {
    if (value === '') return undefined
    const bytes = parseByteSize(value)
    if (bytes < MIN_CACHE_BYTES)
      throw new Error(`"${value}" is below the smallest useful cache budget, ${formatBytes(MIN_CACHE_BYTES)}`)
    return bytes
  }),
  'check-binaries': field<BinariesMode>('error', parseBinariesMode),
  'check-binaries-budget': field(0, parseByteSize)
}

/** What the runtime rules read from the rest of the table. */
interface RuntimeContext {
  'media-types': MediaTypes
  'smoke-test': string[]
  provenance: string
  sbom: string
  attests: string[]
  annotations: string[]
  push: boolean
  'push-by-digest': boolean
  load: boolean
  call: string
}

const attestsOff = (value: string): boolean => value === '' || value.toLowerCase() === 'false'

export const RUNTIME_RULES: readonly Rule<RuntimeContext>[] = [
  {
    input: 'media-types',
    reads: ['provenance'],
    check: v =>
      v['media-types'] === 'docker' && !attestsOff(v.provenance)
        ? `docker cannot carry the provenance attestation asked for (provenance: ${v.provenance}); ` +
          'BuildKit would switch the whole image back to OCI media types. Leave provenance empty or false ' +
          '(attestations are then off), or use media-types: oci'
        : undefined
  },
  {
    input: 'media-types',
    reads: ['sbom', 'attests', 'annotations'],
    check: v => {
      const carried = [
        ...(attestsOff(v.sbom) ? [] : ['sbom']),
        ...(v.attests.length > 0 ? ['attests'] : []),
        ...(v.annotations.length > 0 ? ['annotations'] : [])
      ]
      if (v['media-types'] !== 'docker' || carried.length === 0) return undefined
      return (
        `docker cannot carry what ${carried.join(' and ')} attach (attestations and annotations ` +
        'make BuildKit switch the whole image back to OCI media types); leave them empty, or use media-types: oci'
      )
    }
  },
  {
    input: 'smoke-test',
    reads: ['push'],
    check: v =>
      v['smoke-test'].length > 0 && !v.push
        ? 'runs the pushed image of every platform, so it needs push: true'
        : undefined
  },
  // With push, the image is loaded from the registry under its tags after the checks (publish/load.ts); a push
  // by digest puts no tag, so there would be no name to load it under.
  {
    input: 'load',
    reads: ['push-by-digest', 'call'],
    check: v =>
      v.load && !evaluates(v.call) && v['push-by-digest']
        ? 'cannot be combined with push-by-digest: true (the image gets no tag, so the engine would get it ' +
          'without a name); load in the job that merges and tags the image, or set push-by-digest: false'
        : undefined
  }
]
