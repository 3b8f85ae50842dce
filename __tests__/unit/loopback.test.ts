/** Loopback registries: which inputs name one, and the host network they turn on (with the reason logged). */
import { describe, expect, it } from '@jest/globals'
import { readInputs } from '../../src/inputs/inputs.js'
import { hostNetworkForLoopback, loopbackRegistries } from '../../src/run/loopback.js'
import { FakeReporter } from './fake-reporter.js'
import { WORKSPACE, WORKSPACE_CA } from './defaults.js'

const read = (values: Record<string, string>): ReturnType<typeof readInputs> =>
  readInputs(name => values[name] ?? '', WORKSPACE, {})

describe('loopbackRegistries', () => {
  it.each<[string, Record<string, string>, string[]]>([
    [
      'a tag on localhost (the --help example)',
      { tags: 'localhost:5000/hello:1', 'insecure-registries': 'http://localhost:5000' },
      ['localhost:5000']
    ],
    ['127.0.0.1 and [::1]', { tags: '127.0.0.1:5000/a:1\n[::1]:5000/b:1' }, ['127.0.0.1:5000', '[::1]:5000']],
    [
      'a CA for a loopback registry',
      { tags: 'registry.corp/a:1', 'ca-certs': `127.0.0.1:5443=${WORKSPACE_CA}` },
      ['127.0.0.1:5443']
    ],
    [
      'a loopback mirror',
      { tags: 'registry.corp/a:1', 'registry-mirrors': 'docker.io=http://127.0.0.1:5001' },
      ['127.0.0.1:5001']
    ],
    ['none', { tags: 'registry.corp/a:1', 'insecure-registries': 'http://10.0.0.5:5000' }, []]
  ])('%s', (_name, values, expected) => {
    expect(loopbackRegistries(read(values))).toEqual(expected)
  })
})

describe('hostNetworkForLoopback', () => {
  it('turns the host network on, and says why', () => {
    const reporter = new FakeReporter()
    const inputs = hostNetworkForLoopback(reporter, read({ tags: 'localhost:5000/hello:1' }))
    expect(inputs.hostNetwork).toBe(true)
    expect(reporter.lines).toEqual([
      "host-network: true, because localhost:5000 is on this machine's loopback, which the builder container reaches only on the host network"
    ])
  })

  it.each<[string, Record<string, string>, boolean]>([
    ['no loopback registry: unchanged', { tags: 'registry.corp/a:1' }, false],
    ['already on', { tags: 'localhost:5000/a:1', 'host-network': 'true' }, true],
    [
      'driver-opts choose the network',
      { tags: 'localhost:5000/a:1', 'driver-opts': 'network=ci-net' },
      false
    ],
    [
      'a reused builder keeps its own network',
      { tags: 'localhost:5000/a:1', 'reuse-builder': 'true', 'builder-name': 'b' },
      false
    ]
  ])('%s', (_name, values, hostNetwork) => {
    const reporter = new FakeReporter()
    expect(hostNetworkForLoopback(reporter, read(values)).hostNetwork).toBe(hostNetwork)
    if (!values['host-network'] && !hostNetwork) expect(reporter.lines).toEqual([])
  })
})
