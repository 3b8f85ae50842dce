/** The Inputs log group: the parsed inputs that shape a run, and never a secret. */
import { describe, expect, it } from '@jest/globals'
import { describeInputs } from '../../src/inputs/describe.js'
import { readInputs } from '../../src/inputs/inputs.js'
import { CA_PEM, WORKSPACE } from './defaults.js'

const read = (values: Record<string, string>) => readInputs(name => values[name] ?? '', WORKSPACE)

const PEM = CA_PEM
const PEM_LINE = PEM.split('\n')[1] ?? ''

describe('describeInputs', () => {
  it('shows the defaults a run uses', () => {
    expect(describeInputs(read({ tags: 'r.example.com/app:1' }))).toEqual([
      'platforms: linux/amd64, linux/arm64',
      'tags: r.example.com/app:1',
      'push: true',
      'context: .',
      'file: (Dockerfile in the context)',
      'builder: (unique name)',
      'buildkit-image: moby/buildkit:buildx-stable-1',
      "buildx-version: (the runner's if recent enough)",
      'qemu: auto (tonistiigi/binfmt:qemu-v10.2.3-68)',
      'host-network: false',
      'network: default',
      'proxy: true',
      'retries: 2',
      'check-binaries: error (up to 256 MiB of layers per platform)',
      'media-types: oci'
    ])
  })

  it('shows the media types, the smoke test and the cache budget', () => {
    expect(
      describeInputs(
        read({
          tags: 'r.example.com/app:1',
          'media-types': 'docker',
          'smoke-test': `sh -c 'uname -m'`,
          'smoke-test-timeout': '30',
          'cache-max-size': '10GB'
        })
      ).slice(-3)
    ).toEqual([
      'media-types: docker',
      'smoke-test: sh -c uname -m (at most 30 s per platform)',
      'cache-max-size: 10.0 GB'
    ])
  })

  it('shows registries, CAs by host, mirrors, login and caches by type, and no secret', () => {
    const lines = describeInputs(
      read({
        tags: 'r.example.com/app:1',
        'insecure-registries': 'http://plain:5000,self-signed:5443',
        'ca-certs': `r.example.com=${PEM}`,
        'registry-mirrors': 'docker.io=http://mirror:5000',
        'buildkitd-config-inline': '[worker.oci]\nmax-parallelism = 2',
        'build-args': 'TOKEN=build-arg-secret',
        'cache-to': 'type=s3,region=eu,bucket=cache,secret_access_key=s3-secret',
        registry: 'r.example.com',
        username: 'me',
        password: 'hunter2'
      })
    )
    expect(lines).toEqual(
      expect.arrayContaining([
        'insecure-registries: http://plain:5000, self-signed:5443',
        'ca-certs: r.example.com (PEM)',
        'registry-mirrors: docker.io -> http://mirror:5000',
        'buildkitd-config-inline: 2 lines of TOML',
        'login: r.example.com (username and password given)',
        'cache-to: s3'
      ])
    )
    const text = lines.join('\n')
    for (const secret of ['hunter2', PEM_LINE, 'build-arg-secret', 's3-secret', 'max-parallelism'])
      expect(text).not.toContain(secret)
  })
})
