/**
 * The inputs about what lands in the registry and what the build costs: media-types, smoke-test,
 * smoke-test-timeout and cache-max-size, read and checked like every other input (each problem names its
 * input).
 */
import { MEDIA_TYPES, type MediaTypes } from '../buildx/build.js'
import { parseByteSize } from '../buildkitd/gc.js'
import { messageOf } from '../core/errors.js'
import { parseSmokeCommand } from '../docker/smoke.js'

export interface RuntimeInputs {
  /** oci: OCI index and manifests; docker: Docker manifest list and v2 manifests (no attestations). */
  mediaTypes: MediaTypes
  /** Arguments run in each pushed platform image (after its entrypoint); [] when no smoke test is asked for. */
  smokeTest: string[]
  /** Time limit of each platform's smoke test, in seconds. */
  smokeTestTimeout: number
  /** The builder's cache budget in bytes (buildkitd.toml GC keys); undefined for BuildKit's default. */
  cacheMaxSize: number | undefined
}

export interface RuntimeContext {
  push: boolean
  /** The provenance input as parsed. */
  provenance: string
}

/** Reads the four inputs with `get` (defaults applied); appends a line to `problems` for each bad one. */
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
  const cacheMaxSize = check('cache-max-size', undefined as number | undefined, value =>
    value === '' ? undefined : parseByteSize(value)
  )
  return { mediaTypes, smokeTest, smokeTestTimeout, cacheMaxSize }
}
