/**
 * remote+tcp:// nodes (BuildKit daemons over mutual TLS): the nodes lines, the TLS inputs, the remote-driver
 * builder's argv, the files the key goes to, failures naming the node, and the TLS probe against real TLS
 * servers on loopback (certificates made with openssl).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tls from 'node:tls'
import {
  createRemoteBuilder,
  remoteNodeArgs,
  remoteNodes,
  type RemoteTlsFiles
} from '../../src/buildx/remote.js'
import { probeTls, type TlsProblem } from '../../src/buildx/tls-probe.js'
import { readInputs } from '../../src/inputs/inputs.js'
import { InputError } from '../../src/inputs/table.js'
import { parseNodes } from '../../src/inputs/node-lines.js'
import { writeRemoteTls } from '../../src/run/remote-access-files.js'
import { FakeRunner, docker } from './fake-runner.js'
import { TestCerts } from '../tls-certs.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-nodes-test-'))
fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n') // the working directory is the context
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const certs = new TestCerts(dir)
const file = (name: string): string => certs.file(name)
const pem = (name: string): string => certs.pem(name)

// Made when the file loads: the tables below read them.
certs
  .ca('ca')
  .signed('ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:buildkitd.farm\nextendedKeyUsage=serverAuth\n')
  .signed('ca', 'client', 'extendedKeyUsage=clientAuth\n')
  .ca('other')
  .signed('other', 'stranger', 'extendedKeyUsage=clientAuth\n')

/** The inputs of a push, relative paths from the certificates' directory. */
const read = (values: Record<string, string>): ReturnType<typeof readInputs> =>
  readInputs(name => ({ tags: 'r.example.com/a:1', ...values })[name] ?? '', dir, {})

describe('nodes: remote+tcp:// lines', () => {
  it('a daemon line keeps its address, marked remote', () => {
    expect(
      parseNodes('linux/arm64=remote+tcp://buildkitd.farm:1234\nlinux/s390x=remote+tcp://[fd00::7]:1234')
    ).toEqual([
      { platforms: ['linux/arm64'], endpoint: 'tcp://buildkitd.farm:1234', remote: true },
      { platforms: ['linux/s390x'], endpoint: 'tcp://[fd00::7]:1234', remote: true }
    ])
  })

  it.each<[string, string, RegExp]>([
    [
      'no port',
      'linux/arm64=remote+tcp://buildkitd.farm',
      /needs a host and a port: remote\+tcp:\/\/HOST:PORT/
    ],
    [
      'unknown scheme',
      'linux/arm64=remote+ssh://a',
      /"remote\+ssh:\/\/a" is not a remote node; use remote\+tcp/
    ],
    ['a path', 'linux/arm64=remote+tcp://a:1/x', /needs a host and a port/],
    [
      'an engine and a daemon',
      'linux/arm64=ssh://ci@arm\nlinux/s390x=remote+tcp://z:1234',
      /ssh:\/\/ci@arm \(a Docker engine\) and remote\+tcp:\/\/z:1234 \(a BuildKit daemon\) cannot serve one builder/
    ]
  ])('%s is refused, naming the line', (_name, value, message) => {
    expect(() => parseNodes(value)).toThrow(message)
  })
})

describe('remote-tls-* inputs', () => {
  const problems = (values: Record<string, string>): string[] => {
    try {
      read(values)
      return []
    } catch (error) {
      if (error instanceof InputError) return [...error.problems]
      throw error
    }
  }
  const node = { nodes: 'linux/arm64=remote+tcp://127.0.0.1:1234' }

  it('PEM text and file paths (relative to the working directory) are both read', () => {
    const inputs = read({
      ...node,
      'remote-tls-ca': pem('ca'),
      'remote-tls-cert': 'client.pem',
      'remote-tls-key': pem('client-key'),
      'remote-tls-server-name': 'buildkitd.farm'
    })
    expect(inputs.remoteTlsCa?.file).toBeUndefined()
    expect(inputs.remoteTlsCert?.file).toBe(file('client'))
    expect(inputs.remoteTlsKey?.pem).toContain('PRIVATE KEY')
    expect(inputs.remoteTlsServerName).toBe('buildkitd.farm')
  })

  it.each<[string, Record<string, string>, RegExp]>([
    ['a daemon without the CA', { ...node }, /^remote-tls-ca: a remote\+tcp:\/\/ node needs the CA/],
    [
      'a certificate without its key',
      { ...node, 'remote-tls-ca': pem('ca'), 'remote-tls-cert': pem('client') },
      /^remote-tls-key: remote-tls-cert is given without its private key/
    ],
    [
      'a key without its certificate',
      { ...node, 'remote-tls-ca': pem('ca'), 'remote-tls-key': pem('client-key') },
      /^remote-tls-key: is given without its certificate/
    ],
    [
      'a key where the certificate goes',
      {
        ...node,
        'remote-tls-ca': pem('ca'),
        'remote-tls-cert': pem('client-key'),
        'remote-tls-key': pem('client-key')
      },
      /^remote-tls-cert: block 1 of the value is a PRIVATE KEY block/
    ],
    [
      'a certificate where the key goes',
      {
        ...node,
        'remote-tls-ca': pem('ca'),
        'remote-tls-cert': pem('client'),
        'remote-tls-key': pem('client')
      },
      /^remote-tls-key: the value is not one PEM private key/
    ],
    [
      'not PEM at all',
      { ...node, 'remote-tls-ca': '-----BEGIN CERTIFICATE-----\nnot base64' },
      /^remote-tls-ca: the value holds no PEM block/
    ],
    [
      'a missing file',
      { ...node, 'remote-tls-ca': 'nowhere/ca.pem' },
      /^remote-tls-ca: cannot read ".*nowhere\/ca.pem" \(ENOENT\)/
    ],
    [
      'TLS without a daemon',
      { 'remote-tls-ca': pem('ca') },
      /^remote-tls-ca: is only for remote\+tcp:\/\/ lines of nodes/
    ],
    [
      'a server name that is not a name',
      { ...node, 'remote-tls-ca': pem('ca'), 'remote-tls-server-name': 'a b' },
      /^remote-tls-server-name: "a b" is not a host name/
    ]
  ])('%s is refused before any command', (_name, values, message) => {
    const found = problems(values)
    expect(found.some(p => message.test(p))).toBe(true)
    // The key's text never appears in a problem.
    const keyBody = pem('client-key').split('\n')[1] ?? ''
    expect(found.join('\n')).not.toContain(keyBody)
  })
})

describe('the remote-driver builder', () => {
  const files: RemoteTlsFiles = {
    cacert: '/w/remote-tls/ca.pem',
    cert: '/w/remote-tls/cert.pem',
    key: '/w/remote-tls/key.pem',
    serverName: ''
  }
  const daemons = parseNodes('linux/arm64=remote+tcp://10.0.0.7:1234')

  it("the runner's BuildKit first (docker-container://), then each daemon with its TLS files", () => {
    const nodes = remoteNodes({
      builder: 'mb',
      runnerPlatforms: ['linux/amd64', 'linux/arm/v7'],
      nodes: daemons,
      tls: files
    })
    expect(nodes.map((n, i) => remoteNodeArgs('mb', n, i))).toEqual([
      [
        'buildx',
        'create',
        '--name',
        'mb',
        '--node',
        'mb0',
        '--driver',
        'remote',
        '--platform',
        'linux/amd64,linux/arm/v7',
        '--bootstrap',
        'docker-container://buildx_buildkit_mb-runner0'
      ],
      [
        'buildx',
        'create',
        '--append',
        '--name',
        'mb',
        '--node',
        'mb1',
        '--driver',
        'remote',
        '--driver-opt',
        'cacert=/w/remote-tls/ca.pem',
        '--driver-opt',
        'cert=/w/remote-tls/cert.pem',
        '--driver-opt',
        'key=/w/remote-tls/key.pem',
        '--platform',
        'linux/arm64',
        '--bootstrap',
        'tcp://10.0.0.7:1234'
      ]
    ])
  })

  it('every platform on daemons: no runner node; a server name becomes servername', () => {
    const nodes = remoteNodes({
      builder: 'mb',
      runnerPlatforms: [],
      nodes: daemons,
      tls: { cacert: '/ca.pem', serverName: 'buildkitd.farm' }
    })
    expect(nodes.map((n, i) => remoteNodeArgs('mb', n, i))).toEqual([
      [
        'buildx',
        'create',
        '--name',
        'mb',
        '--node',
        'mb0',
        '--driver',
        'remote',
        '--driver-opt',
        'cacert=/ca.pem',
        '--driver-opt',
        'servername=buildkitd.farm',
        '--platform',
        'linux/arm64',
        '--bootstrap',
        'tcp://10.0.0.7:1234'
      ]
    ])
  })

  it('PEM text goes to private files in the run directory; a path is used as it is', () => {
    const work = fs.mkdtempSync(path.join(dir, 'work-'))
    const written = writeRemoteTls(
      {
        nodes: daemons,
        remoteTlsCa: { pem: pem('ca') },
        remoteTlsCert: { pem: pem('client'), file: file('client') },
        remoteTlsKey: { pem: pem('client-key') },
        remoteTlsServerName: ''
      },
      work
    )
    expect(written).toEqual({
      cacert: path.join(work, 'remote-access/ca.pem'),
      cert: file('client'),
      key: path.join(work, 'remote-access/key.pem'),
      serverName: ''
    })
    expect(fs.statSync(written?.key ?? '').mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.join(work, 'remote-access')).mode & 0o777).toBe(0o700)
    expect(fs.readFileSync(written?.key ?? '', 'utf8')).toBe(pem('client-key'))
    expect(
      writeRemoteTls(
        {
          nodes: [],
          remoteTlsCa: undefined,
          remoteTlsCert: undefined,
          remoteTlsKey: undefined,
          remoteTlsServerName: ''
        },
        work
      )
    ).toBeUndefined()
  })

  it('a daemon that refuses the client certificate: the error names its line and TLS', async () => {
    await withServer(async port => {
      const runner = new FakeRunner().on(docker('buildx', 'create', '--append'), {
        exitCode: 1,
        stderr: 'ERROR: context deadline exceeded'
      })
      const nodes = remoteNodes({
        builder: 'mb',
        runnerPlatforms: ['linux/amd64'],
        nodes: parseNodes(`linux/arm64=remote+tcp://127.0.0.1:${port}`),
        tls: { cacert: file('ca'), cert: file('stranger'), key: file('stranger-key'), serverName: '' }
      })
      await expect(createRemoteBuilder(runner, 'mb', nodes)).rejects.toThrow(
        new RegExp(
          `^Builder node remote\\+tcp://127\\.0\\.0\\.1:${port} \\(nodes input, for linux/arm64\\) could not be used \\(buildx: ERROR: context deadline exceeded\\): TLS: the daemon refused the client certificate`
        )
      )
    })
  })
})

/** A TLS server like buildkitd with --tlscacert: it requires a client certificate signed by `ca`. */
async function withServer(use: (port: number) => Promise<void>): Promise<void> {
  const server = tls.createServer({
    key: pem('server-key'),
    cert: pem('server'),
    ca: pem('ca'),
    requestCert: true,
    rejectUnauthorized: true,
    ALPNProtocols: ['h2']
  })
  server.on('tlsClientError', () => undefined)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  try {
    await use(typeof address === 'object' && address ? address.port : 0)
  } finally {
    await new Promise(resolve => server.close(resolve))
  }
}

describe('probeTls: what one handshake tells', () => {
  const tlsFiles = (over: Partial<RemoteTlsFiles>): RemoteTlsFiles => ({
    cacert: file('ca'),
    cert: file('client'),
    key: file('client-key'),
    serverName: '',
    ...over
  })
  it.each<[string, Partial<RemoteTlsFiles>, TlsProblem['kind'] | undefined]>([
    ['the right CA, certificate and key: no problem', {}, undefined],
    [
      'a client certificate of another CA',
      { cert: file('stranger'), key: file('stranger-key') },
      'client-certificate'
    ],
    ["a CA that did not sign the daemon's certificate", { cacert: file('other') }, 'server-certificate'],
    ['a server name the certificate does not hold', { serverName: 'elsewhere.farm' }, 'server-name'],
    ['the server name it holds', { serverName: 'buildkitd.farm' }, undefined]
  ])('%s', async (_name, over, kind) => {
    await withServer(async port => {
      const problem = await probeTls(`tcp://127.0.0.1:${port}`, tlsFiles(over))
      expect(problem?.kind).toBe(kind)
    })
  })

  it('nothing listening: unreachable', async () => {
    let port = 0
    await withServer(p => {
      port = p
      return Promise.resolve()
    })
    expect((await probeTls(`tcp://127.0.0.1:${port}`, tlsFiles({})))?.kind).toBe('unreachable')
  })
})

describe('remote+kube-pod:// nodes (BuildKit pods, through kubectl exec)', () => {
  const KUBECONFIG = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{ name: farm, cluster: { server: "https://k8s.corp:6443" } }]',
    'contexts: [{ name: farm, context: { cluster: farm, user: ci } }]',
    'current-context: farm',
    'users: [{ name: ci, user: { token: "s3cr3t-token-value" } }]',
    ''
  ].join('\n')

  it('a pod line keeps its options; exact argv of the remote-driver builder: no TLS options', () => {
    const nodes = parseNodes(
      'linux/arm64=remote+kube-pod://buildkitd-arm64-0?namespace=ci&container=buildkitd\n' +
        'linux/s390x=remote+kube-pod://buildkitd-s390x-0?namespace=ci&context=farm'
    )
    expect(nodes).toEqual([
      {
        platforms: ['linux/arm64'],
        endpoint: 'kube-pod://buildkitd-arm64-0?namespace=ci&container=buildkitd',
        remote: true
      },
      {
        platforms: ['linux/s390x'],
        endpoint: 'kube-pod://buildkitd-s390x-0?namespace=ci&context=farm',
        remote: true
      }
    ])
    const remote = remoteNodes({ builder: 'mb', runnerPlatforms: ['linux/amd64'], nodes, tls: undefined })
    expect(remote.map((n, i) => remoteNodeArgs('mb', n, i))).toEqual([
      [
        'buildx',
        'create',
        '--name',
        'mb',
        '--node',
        'mb0',
        '--driver',
        'remote',
        '--platform',
        'linux/amd64',
        '--bootstrap',
        'docker-container://buildx_buildkit_mb-runner0'
      ],
      [
        'buildx',
        'create',
        '--append',
        '--name',
        'mb',
        '--node',
        'mb1',
        '--driver',
        'remote',
        '--platform',
        'linux/arm64',
        '--bootstrap',
        'kube-pod://buildkitd-arm64-0?namespace=ci&container=buildkitd'
      ],
      [
        'buildx',
        'create',
        '--append',
        '--name',
        'mb',
        '--node',
        'mb2',
        '--driver',
        'remote',
        '--platform',
        'linux/s390x',
        '--bootstrap',
        'kube-pod://buildkitd-s390x-0?namespace=ci&context=farm'
      ]
    ])
  })

  it('a tcp:// daemon and a pod in one step: TLS options only for the daemon', () => {
    const nodes = parseNodes(
      'linux/arm64=remote+tcp://10.0.0.7:1234\nlinux/s390x=remote+kube-pod://bk-0?namespace=ci'
    )
    const remote = remoteNodes({
      builder: 'mb',
      runnerPlatforms: [],
      nodes,
      tls: { cacert: '/ca.pem', serverName: '' }
    })
    expect(remote.map(n => n.tls?.cacert)).toEqual(['/ca.pem', undefined])
  })

  it.each<[string, string, RegExp]>([
    [
      'no pod name',
      'linux/arm64=remote+kube-pod://?namespace=ci',
      /needs a pod name: remote\+kube-pod:\/\/POD\?namespace=NS/
    ],
    [
      'an unknown option',
      'linux/arm64=remote+kube-pod://bk-0?ns=ci',
      /ns is not a kube-pod option; use namespace, context, container/
    ],
    [
      'a bad namespace',
      'linux/arm64=remote+kube-pod://bk-0?namespace=a%20b',
      /namespace=a b is not a Kubernetes name/
    ]
  ])('%s is refused, naming the line', (_name, value, message) => {
    expect(() => parseNodes(value)).toThrow(message)
  })

  const pod = { nodes: 'linux/arm64=remote+kube-pod://bk-0?namespace=ci' }

  it('kubeconfig: the text or a path; its token is what gets masked; no TLS input is needed', () => {
    const inputs = read({ ...pod, kubeconfig: KUBECONFIG })
    expect(inputs.kubeconfig?.secrets).toEqual(['s3cr3t-token-value'])
    fs.writeFileSync(path.join(dir, 'kubeconfig.yaml'), KUBECONFIG)
    expect(read({ ...pod, kubeconfig: 'kubeconfig.yaml' }).kubeconfig?.text).toBe(KUBECONFIG)
    // JSON is a kubeconfig too; a client key is masked as well as a token.
    const json = JSON.stringify({
      clusters: [{ name: 'f', cluster: { server: 'https://k:6443' } }],
      contexts: [{ name: 'f', context: { cluster: 'f', user: 'ci' } }],
      users: [{ name: 'ci', user: { 'client-key-data': 'S0VZ', 'client-certificate-data': 'Q0VSVA==' } }]
    })
    expect(read({ ...pod, kubeconfig: json }).kubeconfig?.secrets).toEqual(['S0VZ'])
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'YAML without clusters',
      { ...pod, kubeconfig: 'apiVersion: v1\nkind: Config\n' },
      /- kubeconfig: is not a kubeconfig/
    ],
    [
      'without a pod line',
      { kubeconfig: KUBECONFIG },
      /- kubeconfig: is only for remote\+kube-pod:\/\/ lines/
    ],
    [
      'TLS for a pod only',
      { ...pod, 'remote-tls-ca': pem('ca') },
      /- remote-tls-ca: is only for remote\+tcp:\/\/ lines/
    ]
  ])('%s is refused', (_name, values, message) => {
    expect(() => read(values)).toThrow(message)
  })
})
