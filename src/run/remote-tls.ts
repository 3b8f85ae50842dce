/**
 * The TLS material of remote+tcp:// nodes as files buildx reads (its remote driver takes paths): PEM text
 * from the inputs is written to this run's directory, readable by the owner only, and removed with it by
 * the post step; a file path given in the input is used as it is.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { RemoteTlsFiles } from '../buildx/remote.js'
import type { Inputs } from '../inputs/inputs.js'
import type { TlsMaterial } from '../inputs/remote-tls.js'

/** The files for the remote driver, or undefined when no node is a remote daemon. */
export function writeRemoteTls(
  inputs: Pick<Inputs, 'nodes' | 'remoteTls'>,
  work: string
): RemoteTlsFiles | undefined {
  const { ca, cert, key, serverName } = inputs.remoteTls
  if (!inputs.nodes.some(node => node.remote) || !ca) return undefined
  const dir = path.join(work, 'remote-tls')
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
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
