/**
 * How the step reaches the BuildKit daemons of `nodes`: the TLS material for `remote+tcp://` nodes
 * (remote-tls-ca, remote-tls-cert, remote-tls-key: each PEM text, often from a secret, or a file path;
 * remote-tls-server-name), and the kubeconfig for `remote+kube-pod://` nodes (the file's text, from a
 * secret). Checked here, before any command: each PEM must be what it claims to be (the key is parsed by
 * node:crypto; its text never appears in a message), cert and key come together, the kubeconfig is a
 * kubeconfig, and each is given only with a node that uses it. run/remote-access-files.ts writes them to private
 * files.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isKubePod, isTcpDaemon, type BuilderNode } from '../buildx/nodes.js'
import { errorCode } from '../core/errors.js'
import { privateKeyLines } from './masks.js'
import { field, secret, type Rule } from './table.js'

/** PEM text as given, or read from the file given. */
export interface TlsMaterial {
  /** The PEM text, normalised (LF line ends, ending in a newline). */
  pem: string
  /** The file it was read from; undefined when the input held the text itself. */
  file?: string
}

export interface RemoteTls {
  ca?: TlsMaterial
  cert?: TlsMaterial
  key?: TlsMaterial
  /** The name the daemon's certificate is checked against, when it is not the node's host. */
  serverName: string
}

/** A kubeconfig's text, and the values in it that must be masked (tokens, keys, passwords). */
export interface Kubeconfig {
  text: string
  secrets: string[]
}

/**
 * A key of a kubeconfig (YAML or JSON) whose value is a secret, with that value: token, client-key-data,
 * password, id-token, refresh-token, client-secret, ... Read with a pattern rather than a YAML parser,
 * which would double the bundle every run loads.
 */
const SECRET_ENTRY = /["']?[A-Za-z-]*(?:token|key-data|password|secret)["']?\s*:\s*["']?([^"'\s,}#]+)/gi

/**
 * Checks the kubeconfig input, the file's text (from a secret) or a path from `cwd` (a GitLab File
 * variable): a kubeconfig names clusters and contexts; collects its secret values.
 */
export function parseKubeconfig(input: string, cwd = '.'): Kubeconfig | undefined {
  if (input === '') return undefined
  let value = input
  if (!input.includes('\n') && !input.includes(':')) {
    const file = path.resolve(cwd, input)
    try {
      value = fs.readFileSync(file, 'utf8')
    } catch (error) {
      throw new Error(
        `cannot read ${JSON.stringify(file)} (${errorCode(error) ?? 'unreadable'}); give the kubeconfig's text or the path of a readable file`,
        { cause: error }
      )
    }
  }
  if (!/["']?clusters["']?\s*:/.test(value) || !/["']?contexts["']?\s*:/.test(value))
    throw new Error(
      'is not a kubeconfig (no clusters and contexts); give the text of the file (e.g. from a secret) or its path'
    )
  const secrets = [...value.matchAll(SECRET_ENTRY)].map(m => m[1] ?? '').filter(v => v !== '')
  return { text: value.endsWith('\n') ? value : `${value}\n`, secrets }
}

/**
 * What to mask of the kubeconfig input: its tokens, keys and passwords, line by line (the rest of it is no
 * secret, and masking it would hide ordinary words). Not a kubeconfig: nothing (the input check says so,
 * and nothing of it is logged).
 */
function kubeconfigSecrets(value: string): string[] {
  try {
    return (parseKubeconfig(value)?.secrets ?? []).flatMap(secret =>
      secret.split(/\r?\n/).map(line => line.trim())
    )
  } catch {
    return []
  }
}

type Kind = 'certificate' | 'key'

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\n[\s\S]*?-----END \1-----/g

/** Reads the PEM of an input (text or a path from `cwd`) and checks it is what `kind` asks for. */
export function parseTlsMaterial(value: string, kind: Kind, cwd: string): TlsMaterial | undefined {
  if (value === '') return undefined
  let text = value
  let file: string | undefined
  if (!value.trimStart().startsWith('-----BEGIN')) {
    file = path.resolve(cwd, value)
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (error) {
      throw new Error(
        `cannot read ${JSON.stringify(file)} (${errorCode(error) ?? 'unreadable'}); give the PEM text itself or the path of a readable PEM file`,
        { cause: error }
      )
    }
  }
  const pem = `${text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map(line => line.trim())
    .join('\n')
    .trim()}\n`
  const where = file === undefined ? 'the value' : JSON.stringify(file)
  const blocks = [...pem.matchAll(BLOCK)]
  if (blocks.length === 0) throw new Error(`${where} holds no PEM block; expected ${expected(kind)}`)
  if (kind === 'key') {
    if (blocks.length !== 1 || !/PRIVATE KEY$/.test(blocks[0]?.[1] ?? ''))
      throw new Error(`${where} is not one PEM private key; expected ${expected(kind)}`)
    try {
      createPrivateKey(pem)
    } catch {
      throw new Error(`${where} holds a private key block that does not parse; expected ${expected(kind)}`)
    }
    return file === undefined ? { pem } : { pem, file }
  }
  for (const [index, block] of blocks.entries()) {
    if (block[1] !== 'CERTIFICATE')
      throw new Error(
        `block ${index + 1} of ${where} is a ${block[1] ?? ''} block; expected ${expected(kind)}`
      )
    try {
      new X509Certificate(block[0])
    } catch {
      throw new Error(`certificate ${index + 1} of ${where} is not a valid X.509 certificate`)
    }
  }
  return file === undefined ? { pem } : { pem, file }
}

function expected(kind: Kind): string {
  return kind === 'key'
    ? '-----BEGIN PRIVATE KEY----- (or EC / RSA PRIVATE KEY) ... -----END ...'
    : '-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----'
}

const SERVER_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/

export const REMOTE_ACCESS_FIELDS = {
  'remote-tls-ca': field<TlsMaterial | undefined>(undefined, (value, { cwd }) =>
    parseTlsMaterial(value, 'certificate', cwd)
  ),
  'remote-tls-cert': field<TlsMaterial | undefined>(undefined, (value, { cwd }) =>
    parseTlsMaterial(value, 'certificate', cwd)
  ),
  'remote-tls-key': secret(
    field<TlsMaterial | undefined>(undefined, (value, { cwd }) => parseTlsMaterial(value, 'key', cwd)),
    privateKeyLines
  ),
  kubeconfig: secret(
    field<Kubeconfig | undefined>(undefined, (value, { cwd }) => parseKubeconfig(value, cwd)),
    kubeconfigSecrets
  ),
  'remote-tls-server-name': field('', value => {
    if (value !== '' && !SERVER_NAME.test(value))
      throw new Error(`"${value}" is not a host name (the name in the daemon's certificate)`)
    return value
  })
}

interface RemoteAccessContext {
  nodes: BuilderNode[]
  'remote-tls-ca': TlsMaterial | undefined
  'remote-tls-cert': TlsMaterial | undefined
  'remote-tls-key': TlsMaterial | undefined
  'remote-tls-server-name': string
  kubeconfig: Kubeconfig | undefined
}

const hasTcpNode = (nodes: readonly BuilderNode[]): boolean => nodes.some(isTcpDaemon)

export const REMOTE_ACCESS_RULES: readonly Rule<RemoteAccessContext>[] = [
  {
    input: 'remote-tls-ca',
    reads: ['nodes'],
    check: v =>
      hasTcpNode(v.nodes) && !v['remote-tls-ca']
        ? 'a remote+tcp:// node needs the CA that signed its buildkitd certificate (PEM text or a file path)'
        : undefined
  },
  {
    input: 'remote-tls-key',
    reads: ['remote-tls-cert'],
    check: v =>
      Boolean(v['remote-tls-cert']) === Boolean(v['remote-tls-key'])
        ? undefined
        : v['remote-tls-cert']
          ? 'remote-tls-cert is given without its private key; set remote-tls-key too'
          : 'is given without its certificate; set remote-tls-cert too'
  },
  {
    input: 'kubeconfig',
    reads: ['nodes'],
    check: v =>
      v.kubeconfig && !v.nodes.some(isKubePod)
        ? 'is only for remote+kube-pod:// lines of nodes, and there is none; remove it or add the node'
        : undefined
  },
  ...(['remote-tls-ca', 'remote-tls-cert', 'remote-tls-key', 'remote-tls-server-name'] as const).map(
    (input): Rule<RemoteAccessContext> => ({
      input,
      reads: ['nodes'],
      check: v =>
        v[input] && !hasTcpNode(v.nodes)
          ? 'is only for remote+tcp:// lines of nodes, and there is none; remove it or add the node'
          : undefined
    })
  )
]
