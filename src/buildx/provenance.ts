/**
 * The provenance attestation a build gets when the `provenance` input is empty: build-push-action's
 * default, so that workflows moved over unchanged get the same attestation. Pure functions; the job's
 * facts (is the repository private, the run's URL) come from `jobProvenanceFacts`.
 *
 * build-push-action's rule: no default where attestations are off anyway (Docker media types here), where
 * an `attests` line of type provenance says what to do, where the build only evaluates (`call`) or where
 * a docker exporter is used (`load`, `type=docker`); otherwise `mode=max` for a public repository,
 * `mode=min,inline-only=true` (buildx's own default) for a private one, each with the run as builder-id.
 */
import * as fs from 'node:fs'
import { attestType, evaluates, outputType, type BuildOptionSettings } from './build-options.js'

/** What the job says about where the build comes from. */
export interface ProvenanceFacts {
  /** Whether the repository is private; undefined outside GitHub Actions and GitLab CI. */
  privateRepository: boolean | undefined
  /** The run's URL (the provenance's builder-id), '' when unknown. */
  builderId: string
}

export interface ProvenanceSettings {
  /** The provenance input ('' when empty). */
  provenance: string
  mediaTypes: 'oci' | 'docker'
  push: boolean
  buildOptions: Pick<BuildOptionSettings, 'attests' | 'call' | 'load' | 'outputs'>
}

/** The provenance value the build runs with: the input when set, else the default ('' for none). */
export function effectiveProvenance(s: ProvenanceSettings, facts: ProvenanceFacts): string {
  if (s.provenance) return s.provenance
  if (s.mediaTypes === 'docker' || evaluates(s.buildOptions.call)) return ''
  if (s.buildOptions.attests.some(line => attestType(line) === 'provenance')) return ''
  if (hasDockerExporter(s)) return ''
  // Outside GitHub Actions and GitLab CI nothing is known: buildx's own default (the same min mode).
  if (facts.privateRepository === undefined) return ''
  const mode = facts.privateRepository ? 'mode=min,inline-only=true' : 'mode=max'
  return facts.builderId ? `${mode},builder-id=${facts.builderId}` : mode
}

/**
 * Whether buildx exports to the Docker engine: `load` (here only without push: a pushed image is loaded
 * from the registry after its checks) or an output of type docker.
 */
export function hasDockerExporter(s: Pick<ProvenanceSettings, 'push' | 'buildOptions'>): boolean {
  if (s.buildOptions.load && !s.push) return true
  return s.buildOptions.outputs.some(output => outputType(output) === 'docker')
}

/**
 * The job's provenance facts from its environment. GitHub Actions: the event payload's
 * `repository.private` (a missing field counts as public, as in build-push-action) and the run's URL with
 * its attempt. GitLab CI: `CI_PROJECT_VISIBILITY` (only `public` is public) and `CI_JOB_URL`.
 */
export function jobProvenanceFacts(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (file: string) => string = file => fs.readFileSync(file, 'utf8')
): ProvenanceFacts {
  if (env.GITHUB_ACTIONS === 'true') {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env
    const attempt = env.GITHUB_RUN_ATTEMPT || '1'
    return {
      privateRepository: eventSaysPrivate(env.GITHUB_EVENT_PATH, readFile),
      builderId:
        server && repository && run ? `${server}/${repository}/actions/runs/${run}/attempts/${attempt}` : ''
    }
  }
  if (env.GITLAB_CI === 'true') {
    return {
      privateRepository: env.CI_PROJECT_VISIBILITY !== 'public',
      builderId: env.CI_JOB_URL ?? ''
    }
  }
  return { privateRepository: undefined, builderId: '' }
}

/** `repository.private` of the event payload; false when the payload is missing or says nothing. */
function eventSaysPrivate(eventPath: string | undefined, readFile: (file: string) => string): boolean {
  if (!eventPath) return false
  try {
    const payload = JSON.parse(readFile(eventPath)) as { repository?: { private?: unknown } }
    return payload.repository?.private === true
  } catch {
    return false
  }
}
