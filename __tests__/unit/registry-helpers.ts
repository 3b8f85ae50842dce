/**
 * Shared pieces of the registry client tests: a fixture manifest, servers that are stopped after each test,
 * test certificates per describe block.
 */
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Credentials } from '../../src/docker/credentials.js'
import { MANIFEST_ACCEPT } from '../../src/oci/oci.js'
import { RegistryClient, type RegistryClientOptions } from '../../src/registry/client.js'
import { RegistryError } from '../../src/registry/registry-errors.js'
import type { RegistryTransport } from '../../src/registry/transport.js'
import { send, testCertificates, TestHttpServer, type Handler, type ServerOptions } from '../http-server.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'buildx-0.13')
export const INDEX = readFileSync(path.join(fixtures, 'index-3-platforms.json'))
export const INDEX_DIGEST = 'sha256:e2c70c61673b73dbe8833b3df0b0e684c41f076307fde4fb913ed532d38a1812'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const HTTP: RegistryTransport = { plainHttp: true, insecure: false, caFiles: [] }
export const USER = 'ci-user'
export const PASSWORD = 'p@ss:w0rd'
export const CREDS: Credentials = { username: USER, password: PASSWORD }
export const basicOf = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

const running: { stop(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(s => s.stop()))
})

/** A server stopped after the test. */
export async function serve(
  fallback: Handler,
  options: Omit<ServerOptions, 'fallback'> = {}
): Promise<TestHttpServer> {
  const server = await TestHttpServer.start({ ...options, fallback })
  running.push(server)
  return server
}

export type TestCertificates = ReturnType<typeof testCertificates>

/**
 * Test certificates (a CA and a certificate for 127.0.0.1) made once before the tests of the describe block
 * this is called in and removed after them; the returned function gives them inside a test.
 */
export function useTestCertificates(): () => TestCertificates {
  let tls: TestCertificates | undefined
  beforeAll(() => {
    tls = testCertificates()
  }, 60_000)
  afterAll(() => {
    tls?.remove()
  })
  return () => {
    if (!tls) throw new Error('The test certificates exist only while the tests of their describe block run')
    return tls
  }
}

/** Answers with the fixture index, when the Accept header lists the manifest types. */
export const manifestHandler: Handler = (req, res) => {
  if (req.method !== 'HEAD' && req.headers.accept !== MANIFEST_ACCEPT) {
    send(res, { status: 406, body: 'bad accept' })
    return
  }
  send(res, {
    status: 200,
    body: INDEX,
    headers: { 'content-type': OCI_INDEX, 'docker-content-digest': INDEX_DIGEST }
  })
}

/** A client for the server's registry (closed after the test). */
export async function clientFor(
  registry: string,
  options: Partial<RegistryClientOptions> = {}
): Promise<RegistryClient> {
  const client = await RegistryClient.open({
    registry,
    transport: HTTP,
    proxyFor: () => undefined,
    now: () => 1_000_000,
    ...options
  })
  running.push({
    stop: () => {
      client.close()
      return Promise.resolve()
    }
  })
  return client
}

export async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof RegistryError)) throw new Error(`expected a RegistryError, got ${String(error)}`)
  return error
}
