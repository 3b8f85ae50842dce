/**
 * Why a BuildKit daemon over TLS could not be reached, told by one TLS handshake from this process with the
 * same CA, client certificate and server name buildx was given. buildx itself often reports only "context
 * deadline exceeded" (gRPC retries the refused handshake until its deadline), so this runs only after
 * such a failure, to name the cause: nothing listening, a daemon certificate the CA does not vouch for or
 * that names another host, or a client certificate the daemon refuses.
 */
import * as fs from 'node:fs'
import { isIP } from 'node:net'
import * as tls from 'node:tls'
import type { RemoteTlsFiles } from './remote.js'

export type TlsProblem =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'server-certificate'; detail: string }
  | { kind: 'server-name'; detail: string }
  | { kind: 'client-certificate'; detail: string }

/** Error codes of a daemon certificate that remote-tls-ca does not vouch for. */
const UNTRUSTED =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID)$/
const UNREACHABLE = /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET)$/

/** What the handshake with `address` (tcp://HOST:PORT) shows; undefined when it succeeds. */
export async function probeTls(
  address: string,
  files: RemoteTlsFiles,
  timeoutMs = 5000
): Promise<TlsProblem | undefined> {
  const url = new URL(address)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const read = (file: string | undefined): Buffer | undefined => (file ? fs.readFileSync(file) : undefined)
  const servername = files.serverName || (isIP(host) ? undefined : host)
  return new Promise(resolve => {
    let settled = false
    const done = (problem: TlsProblem | undefined): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(problem)
    }
    // One timer at a time: the time limit of the handshake, then the wait for an alert after it.
    let timer = setTimeout(() => {
      done({ kind: 'unreachable', detail: `no TLS answer within ${timeoutMs / 1000} s` })
    }, timeoutMs)
    const cert = read(files.cert)
    const key = read(files.key)
    const socket = tls.connect({
      host,
      port: Number(url.port),
      ca: read(files.cacert),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(servername ? { servername } : {}),
      ALPNProtocols: ['h2']
    })
    let handshaken = false
    socket.on('secureConnect', () => {
      handshaken = true
      // With TLS 1.3 a refused client certificate arrives as an alert just after the handshake.
      clearTimeout(timer)
      timer = setTimeout(() => {
        done(undefined)
      }, 1000)
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? ''
      const detail = `${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`
      if (UNREACHABLE.test(code) && !handshaken) done({ kind: 'unreachable', detail })
      else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') done({ kind: 'server-name', detail })
      else if (UNTRUSTED.test(code)) done({ kind: 'server-certificate', detail })
      else done({ kind: 'client-certificate', detail })
    })
    // A daemon that refuses the certificate may also just close the connection after the handshake.
    socket.on('close', () => {
      if (handshaken)
        done({
          kind: 'client-certificate',
          detail: 'the daemon closed the connection just after the handshake'
        })
      else done({ kind: 'unreachable', detail: 'the connection closed before the TLS handshake' })
    })
    socket.resume()
  })
}

/** The sentence for a problem, naming the inputs to change. */
export function describeTlsProblem(problem: TlsProblem): string {
  switch (problem.kind) {
    case 'unreachable':
      return `nothing answers there (${problem.detail}): check that its buildkitd listens on that address (--addr tcp://...) and that this runner can reach it`
    case 'server-certificate':
      return `TLS: the daemon's certificate is not signed by remote-tls-ca (${problem.detail}); give the CA that signed its --tlscert`
    case 'server-name':
      return `TLS: the daemon's certificate does not name the host of the node's address (${problem.detail}); set remote-tls-server-name to a name it holds`
    case 'client-certificate':
      return `TLS: the daemon refused the client certificate (${problem.detail}); remote-tls-cert must be signed by the CA the daemon trusts (its --tlscacert), with remote-tls-key its key`
  }
}
