/**
 * What the pushed image holds, checked before any tag points at it: the index structure (oci/index-checks)
 * from the index, the manifests it lists and their configs, and the binaries of each platform
 * (binaries-check), all read from the registry by digest.
 */
import { pushedIndexProblems, singleManifestProblems, type ListedManifest } from '../oci/index-checks.js'
import { layerCompression, readLayerFiles, type LayerFiles } from '../oci/layer-files.js'
import { isAttestation, isRecord, manifestKind, MEDIA_TYPES, parseJsonObject } from '../oci/oci.js'
import { normalizePlatform } from '../oci/platforms.js'
import { parseImageReference } from '../oci/reference.js'
import type { FetchedManifest, RegistryClient } from '../registry/client.js'
import { transientRegistryFailure } from '../registry/registry-errors.js'
import { readAll } from '../registry/transport.js'
import { withRetries, type RetryOptions } from '../core/retry.js'
import type { BinariesMode } from '../inputs/parse.js'
import {
  binaryFailures,
  binaryNotes,
  checkPlatformBinaries,
  describeBinaries,
  type LayerDescriptor,
  type PlatformImage
} from './binaries-check.js'
import type { Registries } from '../step/registries.js'
import type { Reporter } from '../core/reporter.js'

export interface ContentCheckOptions {
  registries: Registries
  reporter: Reporter
  /** The image the index was read from ('registry/repository[@digest]'). */
  image: string
  index: FetchedManifest
  platforms: readonly string[]
  /** The platform buildx reported for a single-manifest push. */
  singlePlatform?: string
  binaries: BinariesMode
  /** Compressed layer bytes read per platform at most. */
  budgetBytes: number
  /** When the build started, ms since the epoch. */
  builtSince: number
  retry: Omit<RetryOptions, 'what' | 'classify'>
}

export interface ContentReport {
  /** Problems that must keep the tags where they are, one line each naming the platform. */
  errors: string[]
  warnings: string[]
}

const CONFIG_LIMIT = 4 * 1024 * 1024

export async function checkContent(options: ContentCheckOptions): Promise<ContentReport> {
  const reference = parseImageReference(options.image)
  const client = await options.registries.client(reference.registry)
  const fetch = <T>(what: string, attempt: () => Promise<T>): Promise<T> =>
    withRetries({ ...options.retry, what, classify: transientRegistryFailure }, attempt)
  const read = new Reader(client, reference.repository, fetch)
  const index = parseJsonObject(options.index.raw) ?? {}
  const images = new Map<string, Image>()
  let errors: string[]
  if (manifestKind(options.index.mediaType, index) === 'index') {
    const entries = (Array.isArray(index['manifests']) ? index['manifests'] : []).filter(
      (entry): entry is Record<string, unknown> =>
        isRecord(entry) && !isAttestation(entry) && typeof entry['digest'] === 'string'
    )
    // Every platform's manifest and config at once (one client, its token shared).
    const digests = [...new Set(entries.map(entry => entry['digest'] as string))]
    const fetched = await Promise.all(digests.map(digest => read.image(digest)))
    for (const [i, digest] of digests.entries()) images.set(digest, fetched[i] as Image)
    errors = pushedIndexProblems({ index, requested: options.platforms, manifests: listed(images) })
  } else {
    const image = await read.image(options.index.digest)
    images.set(options.index.digest, image)
    errors = singleManifestProblems(options.platforms, image.listed)
  }
  const warnings: string[] = []
  if (options.binaries !== 'false') {
    // Each platform's layers at once; reported in the platforms' order.
    const reports = await Promise.all(
      platformImages(index, images, options).map(image =>
        checkPlatformBinaries(image, layer => read.layer(layer), options)
      )
    )
    for (const report of reports) {
      options.reporter.info(describeBinaries(report))
      const failures = binaryFailures(report)
      ;(options.binaries === 'error' ? errors : warnings).push(...failures)
      warnings.push(...binaryNotes(report))
    }
  }
  return { errors, warnings }
}

interface Image {
  listed: ListedManifest
  layers: LayerDescriptor[]
  config: Record<string, unknown>
}

function listed(images: ReadonlyMap<string, Image>): Map<string, ListedManifest> {
  return new Map([...images].map(([digest, image]) => [digest, image.listed]))
}

/** The images to check the binaries of: each requested platform listed exactly once. */
function platformImages(
  index: Record<string, unknown>,
  images: ReadonlyMap<string, Image>,
  options: ContentCheckOptions
): PlatformImage[] {
  const byPlatform = new Map<string, Image[]>()
  const entries = Array.isArray(index['manifests']) ? index['manifests'] : []
  for (const entry of entries) {
    if (!isRecord(entry) || isAttestation(entry) || !isRecord(entry['platform'])) continue
    const { os, architecture, variant } = entry['platform']
    if (typeof os !== 'string' || typeof architecture !== 'string') continue
    const image = images.get(String(entry['digest']))
    if (!image || (os === 'unknown' && architecture === 'unknown')) continue
    const platform = normalizePlatform(
      [os, architecture, variant].filter(v => typeof v === 'string' && v).join('/')
    )
    byPlatform.set(platform, [...(byPlatform.get(platform) ?? []), image])
  }
  if (entries.length === 0 && images.size === 1 && options.platforms.length === 1) {
    byPlatform.set(normalizePlatform(options.singlePlatform ?? options.platforms[0] ?? ''), [
      ...images.values()
    ])
  }
  return options.platforms.flatMap(requested => {
    const platform = normalizePlatform(requested)
    const found = byPlatform.get(platform) ?? []
    const image = found[0]
    if (found.length !== 1 || !image || image.listed.kind !== 'manifest' || image.listed.attestation)
      return []
    const config = image.config
    return [
      {
        platform,
        layers: image.layers,
        history: Array.isArray(config['history'])
          ? (config['history'] as PlatformImage['history'])
          : undefined,
        config: isRecord(config['config']) ? config['config'] : {}
      }
    ]
  })
}

/** Reads manifests, configs and layers of one repository; a layer shared by platforms is read once. */
class Reader {
  private readonly layers = new Map<string, Promise<LayerFiles>>()
  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly fetch: <T>(what: string, attempt: () => Promise<T>) => Promise<T>
  ) {}

  async image(digest: string): Promise<Image> {
    const manifest = await this.fetch(`Reading manifest ${digest}`, () =>
      this.client.getManifest(this.repository, digest)
    )
    const parsed = parseJsonObject(manifest.raw) ?? {}
    const kind = manifestKind(manifest.mediaType, parsed)
    const layers = (Array.isArray(parsed['layers']) ? parsed['layers'] : []).filter(isRecord).map(layer => ({
      digest: String(layer['digest']),
      mediaType: String(layer['mediaType']),
      size: typeof layer['size'] === 'number' ? layer['size'] : 0
    }))
    const attestation = layers.length > 0 && layers.every(layer => layer.mediaType === MEDIA_TYPES.inToto)
    const configDigest = isRecord(parsed['config']) ? parsed['config']['digest'] : undefined
    let configRaw: Buffer | undefined
    if (kind === 'manifest' && !attestation && typeof configDigest === 'string') {
      configRaw = await this.fetch(`Reading image config ${configDigest}`, async () => {
        const blob = await this.client.getBlob(this.repository, configDigest, CONFIG_LIMIT)
        return readAll(blob.body)
      })
    }
    const config = configRaw ? (parseJsonObject(configRaw) ?? {}) : {}
    return { listed: { kind, attestation, ...(configRaw ? { config: configRaw } : {}) }, layers, config }
  }

  layer(layer: LayerDescriptor): Promise<LayerFiles> {
    let files = this.layers.get(layer.digest)
    if (!files) {
      files = this.readLayer(layer)
      this.layers.set(layer.digest, files)
    }
    return files
  }

  private async readLayer(layer: LayerDescriptor): Promise<LayerFiles> {
    const compression = layerCompression(layer.mediaType)
    if (compression === undefined) return { entries: new Map(), whiteouts: new Set(), opaqueDirs: new Set() }
    return this.fetch(`Reading layer ${layer.digest}`, async () => {
      const blob = await this.client.getBlob(this.repository, layer.digest, layer.size)
      return readLayerFiles(blob.body, compression)
    })
  }
}

/** The checks with their log: warnings as annotations, errors thrown together (no tag is put then). */
export async function runContentChecks(options: ContentCheckOptions): Promise<void> {
  const report = await checkContent(options)
  for (const warning of report.warnings) options.reporter.warning(warning, { title: 'Image content check' })
  if (report.errors.length === 0) {
    options.reporter.info(
      `${options.image}: index structure${options.binaries === 'false' ? '' : ' and binaries'} checked`
    )
    return
  }
  throw new Error(
    `The pushed image ${options.index.digest} failed its checks, so no tag was moved:\n` +
      report.errors.map(line => `  - ${line}`).join('\n') +
      (report.errors.some(line => / is ELF /.test(line)) ? `\n${WRONG_BINARIES_HINT}` : '')
  )
}

const WRONG_BINARIES_HINT =
  'Binaries built for another platform usually come from a final stage FROM --platform=$BUILDPLATFORM: ' +
  'cross-compile for the target (e.g. GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v}) and copy the result ' +
  'into a stage FROM the target platform. check-binaries: warning (or false) lets such an image through.'
