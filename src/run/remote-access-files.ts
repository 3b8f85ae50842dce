/**
 * What the remote driver needs as files: the TLS material of remote+tcp:// nodes (it takes paths) and the
 * kubeconfig of remote+kube-pod:// nodes (kubectl reads KUBECONFIG). Text from the inputs is written to
 * this run's directory, readable by the owner only, and removed with it by the post step; a file path
 * given in a TLS input is used as it is.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isKubePod, isTcpDaemon } from '../buildx/nodes.js'
import type { RemoteTlsFiles } from '../buildx/remote.js'
import { withEnvironment } from '../core/runner.js'
import type { MainDeps } from '../step/deps.js'
import type { Inputs } from '../inputs/inputs.js'
import type { TlsMaterial } from '../inputs/remote-access-inputs.js'

/** The TLS files for the remote driver, or undefined when no node is a tcp:// daemon. */
export function writeRemoteTls(
  inputs: Pick<Inputs, 'nodes' | 'remoteTlsCa' | 'remoteTlsCert' | 'remoteTlsKey' | 'remoteTlsServerName'>,
  work: string
): RemoteTlsFiles | undefined {
  const { remoteTlsCa: ca, remoteTlsCert: cert, remoteTlsKey: key, remoteTlsServerName: serverName } = inputs
  if (!inputs.nodes.some(isTcpDaemon) || !ca) return undefined
  const dir = privateDir(work)
  const place = (material: TlsMaterial, name: string): string => {
    if (material.file !== undefined) return material.file
    const file = path.join(dir, name)
    fs.writeFileSync(file, material.pem, { mode: 0o600 })
    return file
  }
  return {
    cacert: place(ca, 'ca.pem'),
    ...(cert ? { cert: place(cert, 'cert.pem') } : {}),
    ...(key ? { key: place(key, 'key.pem') } : {}),
    serverName
  }
}

/** The run's directory for these files (owner only). */
function privateDir(work: string): string {
  const dir = path.join(work, 'remote-access')
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  return dir
}

/**
 * The deps whose commands find the kubeconfig input (KUBECONFIG, for buildx's kubectl exec into the
 * BuildKit pods); as they are without a kube-pod node or a kubeconfig (kubectl's own default then).
 */
export function withKubeconfig(
  deps: MainDeps,
  inputs: Pick<Inputs, 'nodes' | 'kubeconfig'>,
  work: string
): MainDeps {
  if (!inputs.kubeconfig || !inputs.nodes.some(isKubePod)) return deps
  const file = path.join(privateDir(work), 'kubeconfig')
  fs.writeFileSync(file, inputs.kubeconfig.text, { mode: 0o600 })
  return { ...deps, runner: withEnvironment(deps.runner, { KUBECONFIG: file }) }
}
