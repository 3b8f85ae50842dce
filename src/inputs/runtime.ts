/**
 * The inputs about what lands in the registry and what the build costs: media-types, smoke-test,
 * smoke-test-timeout, cache-max-size, check-binaries and check-binaries-budget, read and checked like
 * every other input (each problem names its input).
 */
import { MEDIA_TYPES, type MediaTypes } from '../buildx/build.js'
import { formatBytes, MIN_CACHE_BYTES } from '../buildkitd/gc.js'
import { messageOf } from '../core/errors.js'
import { parseSmokeCommand } from '../docker/smoke.js'
import { parseBinariesMode, parseByteSize, type BinariesMode } from './parse.js'

export interface RuntimeInputs {
  /** oci: OCI index and manifests; docker: Docker manifest list and v2 manifests (no attestations). */
  mediaTypes: MediaTypes
  /** Arguments run in each pushed platform image (after its entrypoint); [] when no smoke test is asked for. */
  smokeTest: string[]
  /** Time limit of each platform's smoke test, in seconds. */
  smokeTestTimeout: number
  /** The builder's cache budget in bytes (buildkitd.toml GC keys); undefined for BuildKit's default. */
  cacheMaxSize: number | undefined
  /** The binaries check after the push: failures fail the step, warn, or the check is off. */
  checkBinaries: BinariesMode
  /** Compressed layer bytes the binaries check reads per platform at most. */
  checkBinariesBudget: number
}

export interface RuntimeContext {
  push: boolean
  /** The provenance input as parsed. */
  provenance: string
  /** load is asked for, by a build that exports (not a call: check). */
  load: boolean
}

/** Reads the six inputs with `get` (defaults applied); appends a line to `problems` for each bad one. */
export function readRuntimeInputs(
  get: (name: string) => string,
  context: RuntimeContext,
  problems: string[]
): RuntimeInputs {
  const check = <T>(name: string, fallback: T, parse: (value: string) => T): T => {
    try {
      return parse(get(name))
    } catch (error) {
      problems.push(`${name}: ${messageOf(error)}`)
      return fallback
    }
  }
  const mediaTypes = check<MediaTypes>('media-types', 'oci', value => {
    const found = MEDIA_TYPES.find(m => m === value.toLowerCase())
    if (!found) throw new Error(`"${value}" is not a media type family; use oci or docker`)
    return found
  })
  const { provenance } = context
  if (mediaTypes === 'docker' && provenance !== '' && provenance.toLowerCase() !== 'false') {
    problems.push(
      `media-types: docker cannot carry the provenance attestation asked for (provenance: ${provenance}); ` +
        'BuildKit would switch the whole image back to OCI media types. Leave provenance empty or false ' +
        '(attestations are then off), or use media-types: oci'
    )
  }
  const sbom = get('sbom').toLowerCase()
  const carried = [
    ...(sbom !== '' && sbom !== 'false' ? ['sbom'] : []),
    ...['attests', 'annotations'].filter(name => get(name) !== '')
  ]
  if (mediaTypes === 'docker' && carried.length > 0) {
    problems.push(
      `media-types: docker cannot carry what ${carried.join(' and ')} attach (attestations and annotations ` +
        'make BuildKit switch the whole image back to OCI media types); leave them empty, or use media-types: oci'
    )
  }
  const smokeTest = check('smoke-test', [] as string[], parseSmokeCommand)
  if (smokeTest.length > 0 && !context.push) {
    problems.push('smoke-test: runs the pushed image of every platform, so it needs push: true')
  }
  const smokeTestTimeout = check('smoke-test-timeout', 120, value => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3600)
      throw new Error(`"${value}" is not a time limit; use whole seconds from 1 to 3600`)
    return Number(value)
  })
  const cacheMaxSize = check('cache-max-size', undefined as number | undefined, value => {
    if (value === '') return undefined
    const bytes = parseByteSize(value)
    if (bytes < MIN_CACHE_BYTES)
      throw new Error(`"${value}" is below the smallest useful cache budget, ${formatBytes(MIN_CACHE_BYTES)}`)
    return bytes
  })
  // A push goes by digest with no --tag (the tags are put after the checks): a loaded image would have
  // no name in the engine.
  if (context.load && context.push) {
    problems.push(
      'load: cannot be combined with push: true (the image is pushed by digest and tagged in the ' +
        'registry after its checks, so the engine would get it without a name); set push: false to load ' +
        'it, or pull the pushed tags in a later step'
    )
  }
  const checkBinaries = check('check-binaries', 'error', parseBinariesMode)
  const checkBinariesBudget = check('check-binaries-budget', 0, parseByteSize)
  return { mediaTypes, smokeTest, smokeTestTimeout, cacheMaxSize, checkBinaries, checkBinariesBudget }
}
