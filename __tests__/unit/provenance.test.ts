/**
 * The provenance a build gets when the input is empty (build-push-action's default), the job facts it is
 * chosen from, and the argv it becomes.
 */
import { describe, expect, it } from '@jest/globals'
import { outputType } from '../../src/buildx/build-options.js'
import { buildxBuildArgv } from '../../src/buildx/build.js'
import {
  effectiveProvenance,
  jobProvenanceFacts,
  type ProvenanceFacts,
  type ProvenanceSettings
} from '../../src/buildx/provenance.js'
import { BUILD_SETTINGS } from './defaults.js'

const RUN = 'https://github.com/o/r/actions/runs/7/attempts/2'
const PUBLIC: ProvenanceFacts = { privateRepository: false, builderId: RUN }
const PRIVATE: ProvenanceFacts = { privateRepository: true, builderId: RUN }
const UNKNOWN: ProvenanceFacts = { privateRepository: undefined, builderId: '' }

const settings = (
  s: Partial<Omit<ProvenanceSettings, 'buildOptions'>> & Partial<ProvenanceSettings['buildOptions']> = {}
): ProvenanceSettings => ({
  provenance: s.provenance ?? '',
  mediaTypes: s.mediaTypes ?? 'oci',
  push: s.push ?? true,
  buildOptions: {
    attests: s.attests ?? [],
    call: s.call ?? '',
    load: s.load ?? false,
    outputs: s.outputs ?? []
  }
})

describe('effectiveProvenance', () => {
  it.each<[string, ProvenanceSettings, ProvenanceFacts, string]>([
    ['public repository: max mode, the run as builder-id', settings(), PUBLIC, `mode=max,builder-id=${RUN}`],
    [
      'private repository: min mode, inline only',
      settings(),
      PRIVATE,
      `mode=min,inline-only=true,builder-id=${RUN}`
    ],
    ['no builder-id known', settings(), { privateRepository: false, builderId: '' }, 'mode=max'],
    ['outside CI: nothing (buildx decides)', settings(), UNKNOWN, ''],
    ['the input wins', settings({ provenance: 'false' }), PUBLIC, 'false'],
    ['the input wins, as given', settings({ provenance: 'mode=min' }), PUBLIC, 'mode=min'],
    ['docker media types carry no attestation', settings({ mediaTypes: 'docker' }), PUBLIC, ''],
    [
      'an attests line of type provenance decides',
      settings({ attests: ['type=provenance,mode=min'] }),
      PUBLIC,
      ''
    ],
    [
      'an sbom line leaves the default',
      settings({ attests: ['type=sbom'] }),
      PUBLIC,
      `mode=max,builder-id=${RUN}`
    ],
    ['call: check exports nothing', settings({ call: 'check' }), PUBLIC, ''],
    ['load without push: the docker exporter', settings({ push: false, load: true }), PUBLIC, ''],
    [
      'load with push: loaded from the registry later, the push keeps the default',
      settings({ load: true }),
      PUBLIC,
      `mode=max,builder-id=${RUN}`
    ],
    ['an output of type docker', settings({ push: false, outputs: ['type=docker,dest=i.tar'] }), PUBLIC, ''],
    [
      'a local output (their provenance job)',
      settings({ push: false, outputs: ['type=local,dest=out'] }),
      PUBLIC,
      `mode=max,builder-id=${RUN}`
    ],
    ['a bare output path', settings({ push: false, outputs: ['out'] }), PUBLIC, `mode=max,builder-id=${RUN}`]
  ])('%s', (_name, s, facts, expected) => {
    expect(effectiveProvenance(s, facts)).toBe(expected)
  })
})

describe('jobProvenanceFacts', () => {
  const github = {
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '7',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_EVENT_PATH: '/event.json'
  }
  const event = (payload: unknown) => (): string => JSON.stringify(payload)
  it.each<[string, Record<string, string>, () => string, ProvenanceFacts]>([
    ['GitHub, public repository', github, event({ repository: { private: false } }), PUBLIC],
    ['GitHub, private repository', github, event({ repository: { private: true } }), PRIVATE],
    ['GitHub, a payload without repository counts as public', github, event({}), PUBLIC],
    [
      'GitHub, an unreadable payload counts as public',
      github,
      () => {
        throw new Error('ENOENT')
      },
      PUBLIC
    ],
    [
      'GitHub, no attempt: the first',
      { ...github, GITHUB_RUN_ATTEMPT: '' },
      event({ repository: { private: false } }),
      { privateRepository: false, builderId: 'https://github.com/o/r/actions/runs/7/attempts/1' }
    ],
    [
      'GitLab, public project',
      { GITLAB_CI: 'true', CI_PROJECT_VISIBILITY: 'public', CI_JOB_URL: 'https://gl/p/-/jobs/9' },
      event({}),
      { privateRepository: false, builderId: 'https://gl/p/-/jobs/9' }
    ],
    [
      'GitLab, internal project counts as private',
      { GITLAB_CI: 'true', CI_PROJECT_VISIBILITY: 'internal', CI_JOB_URL: 'https://gl/p/-/jobs/9' },
      event({}),
      { privateRepository: true, builderId: 'https://gl/p/-/jobs/9' }
    ],
    ['neither', {}, event({}), UNKNOWN]
  ])('%s', (_name, env, readFile, expected) => {
    expect(jobProvenanceFacts(env, readFile)).toEqual(expected)
  })
})

describe('outputType', () => {
  it.each([
    ['type=local,dest=out', 'local'],
    ['dest=out,type=tar', 'tar'],
    ['out/dir', 'local'],
    ['-', 'tar'],
    ['type=docker', 'docker']
  ])('%s is %s', (output, type) => {
    expect(outputType(output)).toBe(type)
  })
})

describe('argv', () => {
  const argv = (s: Partial<typeof BUILD_SETTINGS>): string[] =>
    buildxBuildArgv({
      builder: 'b1',
      metadataFile: '/m.json',
      settings: { ...BUILD_SETTINGS, ...s },
      progress: 'rawjson'
    })

  it('a local output with the default provenance: --provenance=mode=max,builder-id before the output', () => {
    const provenance = effectiveProvenance(
      settings({ push: false, outputs: ['type=local,dest=out'] }),
      PUBLIC
    )
    const args = argv({
      push: false,
      provenance,
      buildOptions: { ...BUILD_SETTINGS.buildOptions, outputs: ['type=local,dest=out'] }
    })
    expect(args).toContain(`--provenance=mode=max,builder-id=${RUN}`)
    expect(args.slice(args.indexOf('--output'), args.indexOf('--output') + 2)).toEqual([
      '--output',
      'type=local,dest=out'
    ])
  })

  it('provenance: false writes none', () => {
    expect(argv({ push: false, provenance: 'false' })).toContain('--provenance=false')
  })

  it('load with push: no --load (the image is loaded from the registry after its checks), the push output', () => {
    const args = argv({ push: true, buildOptions: { ...BUILD_SETTINGS.buildOptions, load: true } })
    expect(args).not.toContain('--load')
    expect(args.some(a => a.startsWith('type=image,') && a.includes('push=true'))).toBe(true)
  })

  it('load without push: --load', () => {
    expect(argv({ push: false, buildOptions: { ...BUILD_SETTINGS.buildOptions, load: true } })).toContain(
      '--load'
    )
  })
})
