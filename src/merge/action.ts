/**
 * The merge action (merge/action.yml): its inputs, one log group per phase, the outputs and the job
 * summary. The merge itself is mergeImages (merge.ts); this file only wires the action to it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { escapeHtml, SummaryHtml } from '../core/html.js'
import { withRetries } from '../core/retry.js'
import { registriesConfig } from '../buildkitd/config.js'
import { dockerConfigDir } from '../docker/login.js'
import { signatureHtml, signImage } from '../cosign/sign-image.js'
import { signing } from '../inputs/describe.js'
import { maskSecrets } from '../inputs/masks.js'
import { MERGE_FIELDS, readMergeInputs, type MergeInputs } from '../inputs/merge-inputs.js'
import { transientRegistryFailure } from '../registry/registry-errors.js'
import type { MainDeps } from '../step/deps.js'
import { mergeImages, type MergeResult } from './merge-images.js'
import { useRunDockerConfig } from '../step/docker-config.js'
import { openRegistries, type Registries } from '../step/registries.js'
import { loginOf } from '../inputs/registry-inputs.js'
import type { Retry } from './resolve.js'

/** Retries of each registry request that fails for a transient reason (5xx, 429, resets, timeouts). */
export const MERGE_RETRIES = 2

export async function runMergeAction(deps: MainDeps): Promise<void> {
  const { reporter } = deps
  maskSecrets(reporter, MERGE_FIELDS, deps.getInput, deps.env)
  const inputs = await reporter.group('Inputs', () => {
    const parsed = readMergeInputs(deps.getInput, deps.cwd, deps.env)
    for (const line of describeMergeInputs(parsed)) reporter.info(line)
    return Promise.resolve(parsed)
  })
  const base = deps.env.RUNNER_TEMP || deps.tmpDir
  fs.mkdirSync(base, { recursive: true })
  const work = fs.mkdtempSync(path.join(base, 'multiarch-merge-'))
  try {
    const login = loginOf(inputs)
    const registries = openRegistries({
      config: await registriesConfig(inputs, work),
      dockerConfigDir: dockerConfigDir(deps.env),
      ...(login ? { login } : {}),
      runner: deps.runner,
      reporter,
      env: deps.env
    })
    try {
      const retry: Retry = (what, operation) =>
        withRetries(
          {
            retries: MERGE_RETRIES,
            initialDelayMs: deps.retryDelayMs,
            sleep: deps.sleep,
            classify: transientRegistryFailure,
            what,
            log: message => {
              reporter.warning(message, { title: 'Retrying' })
            }
          },
          operation
        )
      const started = Date.now()
      let signatureVerifyCommand = ''
      const result = await reporter.group(`Merge ${inputs.sources.length} sources`, () =>
        mergeImages({
          ...mergeOptions(inputs),
          registries,
          retry,
          log: line => {
            reporter.info(line)
          },
          // The merged index is signed (and the signature verified) before any tag points at it.
          ...(inputs.sign !== 'false'
            ? {
                beforeTags: async (index: { digest: string; platforms: Record<string, string> }) => {
                  signatureVerifyCommand = await signMerged({
                    deps,
                    inputs,
                    registries,
                    work,
                    index
                  })
                }
              }
            : {})
        })
      )
      reporter.info(`merged in ${((Date.now() - started) / 1000).toFixed(2)} s`)
      reporter.setOutput('digest', result.digest)
      reporter.setOutput('platform-digests', JSON.stringify(result.platforms))
      if (signatureVerifyCommand) reporter.setOutput('signature-verify-command', signatureVerifyCommand)
      await reporter.appendSummary(mergeSummaryHtml(result, signatureVerifyCommand))
    } finally {
      registries.close()
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/**
 * Signs the merged index with cosign, through a docker config of the merge's own (the user's, with the
 * login inputs: the merge's credentials) and with the merge's registry settings.
 */
function signMerged(options: {
  deps: MainDeps
  inputs: MergeInputs
  registries: Registries
  work: string
  index: { digest: string; platforms: Record<string, string> }
}): Promise<string> {
  const docker = useRunDockerConfig(options.deps, options.inputs, options.work, 'cosign uses')
  return signImage({
    deps: docker.deps,
    inputs: options.inputs,
    access: { config: options.registries.config, runner: docker.deps.runner },
    digest: options.index.digest,
    platforms: options.index.platforms,
    work: options.work
  })
}

/** The merge's part of the inputs (the registry inputs go to openRegistries). */
export function mergeOptions(
  inputs: MergeInputs
): Pick<Parameters<typeof mergeImages>[0], 'sources' | 'tags' | 'annotations' | 'platforms'> {
  return {
    sources: inputs.sources,
    tags: inputs.tags,
    annotations: inputs.annotations,
    platforms: inputs.platforms
  }
}

/** The inputs for the log: no password, CA certificates by host only. */
export function describeMergeInputs(inputs: MergeInputs): string[] {
  const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : '(none)')
  return [
    `sources: ${list(inputs.sources)}`,
    `tags: ${list(inputs.tags)}`,
    `platforms: ${inputs.platforms ? inputs.platforms.join(', ') : '(whatever the sources hold)'}`,
    `annotations: ${list(Object.keys(inputs.annotations))}`,
    `insecure-registries: ${list(inputs.insecureRegistries.map(r => (r.http ? `http://${r.host}` : r.host)))}`,
    `ca-certs: ${list(inputs.caCerts.map(c => `${c.host} (${c.source === 'file' ? c.value : 'PEM'})`))}`,
    `login: ${inputs.username ? `${inputs.username} at ${inputs.registry}` : '(none)'}`,
    `sign: ${inputs.sign === 'false' ? 'false' : signing(inputs)}`
  ]
}

/** Rows of the summary's platform table: platform, digest, source. */
export function mergeSummaryRows(result: MergeResult): string[][] {
  return result.images.map(image => [
    `<code>${image.platform}</code>`,
    `<code>${image.digest}</code>`,
    `<code>${escapeHtml(image.source)}</code>${image.attestations > 0 ? ' (with attestations)' : ''}`
  ])
}

/** The job summary of a merge, as HTML. */
export function mergeSummaryHtml(result: MergeResult, signatureVerifyCommand = ''): string {
  const summary = new SummaryHtml().heading('Merged multi-platform image', 2)
  summary.list(result.tags.map(t => `<code>${escapeHtml(t)}</code>`))
  summary.raw(`<p>Index digest: <code>${result.digest}</code> (${result.mediaType})</p>`)
  summary.table([
    [
      { data: 'Platform', header: true },
      { data: 'Digest', header: true },
      { data: 'Source', header: true }
    ],
    ...mergeSummaryRows(result)
  ])
  const { mounted, copied, present } = result.counts
  summary.raw(`<p>Blobs: ${mounted} mounted, ${copied} copied, ${present} already there.</p>`)
  if (signatureVerifyCommand) summary.raw(signatureHtml(signatureVerifyCommand))
  return summary.toString()
}
