import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { sha256Digest } from '../../src/oci/oci.js'
import { readAll } from '../../src/registry/transport.js'
import { send } from '../http-server.js'
import { fakeRegistry } from './fake-registry.js'
import {
  clientFor,
  CREDS,
  failure,
  INDEX,
  INDEX_DIGEST,
  manifestHandler,
  OCI_INDEX,
  serve
} from './registry-helpers.js'

describe('getManifest', () => {
  it('fetches by tag in one request, with the Accept list', async () => {
    const server = await serve(manifestHandler)
    const got = await (await clientFor(server.host)).getManifest('fx/img', 'v1')
    expect(got).toStrictEqual({ raw: INDEX, mediaType: OCI_INDEX, digest: INDEX_DIGEST })
    expect(server.log()).toStrictEqual(['GET /v2/fx/img/manifests/v1'])
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('fetches by digest', async () => {
    const server = await serve(manifestHandler)
    expect((await (await clientFor(server.host)).getManifest('fx/img', INDEX_DIGEST)).digest).toBe(
      INDEX_DIGEST
    )
    expect(server.requests[0]?.path).toBe(`/v2/fx/img/manifests/${INDEX_DIGEST}`)
  })

  it.each([
    ['application/json', OCI_INDEX],
    ['application/vnd.oci.image.index.v1+json; charset=utf-8', OCI_INDEX],
    ['Application/VND.OCI.Image.Index.v1+json', OCI_INDEX]
  ])('reports media type %j as %s', async (contentType, expected) => {
    const server = await serve((_req, res) => {
      send(res, { status: 200, body: INDEX, headers: { 'content-type': contentType } })
    })
    expect((await (await clientFor(server.host)).getManifest('fx/img', 'v1')).mediaType).toBe(expected)
  })

  it('rejects content that does not match the requested digest', async () => {
    const server = await serve((_req, res) => {
      send(res, { status: 200, body: `${INDEX.toString()}\n`, headers: { 'content-type': OCI_INDEX } })
    })
    const error = await failure((await clientFor(server.host)).getManifest('fx/img', INDEX_DIGEST))
    expect(error.message).toMatch(
      /served content whose sha256 is sha256:[0-9a-f]{64}, not the requested sha256:e2c7/
    )
  })

  it('rejects a Docker-Content-Digest header that does not match the bytes', async () => {
    const other = `sha256:${'0'.repeat(64)}`
    const server = await serve((_req, res) => {
      send(res, {
        status: 200,
        body: INDEX,
        headers: { 'content-type': OCI_INDEX, 'docker-content-digest': other }
      })
    })
    const error = await failure((await clientFor(server.host)).getManifest('fx/img', 'v1'))
    expect(error.message).toContain(`says its manifest is ${other} (Docker-Content-Digest)`)
    expect(error.message).toContain(`hash to ${INDEX_DIGEST}`)
  })

  it('follows a redirect', async () => {
    const server = await serve(manifestHandler)
    server.route('GET', '/v2/fx/img/manifests/v1', { status: 307, headers: { location: '/elsewhere' } })
    expect((await (await clientFor(server.host)).getManifest('fx/img', 'v1')).digest).toBe(INDEX_DIGEST)
    expect(server.requests.map(s => s.path)).toStrictEqual(['/v2/fx/img/manifests/v1', '/elsewhere'])
  })

  it('404 names the manifest, repository, URL and registry error', async () => {
    const server = await serve((_req, res) => {
      send(res, {
        status: 404,
        body: JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] })
      })
    })
    const error = await failure((await clientFor(server.host)).getManifest('fx/img', 'v9'))
    expect(error.message).toBe(
      `Manifest v9 not found in ${server.host}/fx/img (HTTP 404 from ${server.url('/v2/fx/img/manifests/v9')}): MANIFEST_UNKNOWN: manifest unknown`
    )
    expect(error.status).toBe(404)
  })

  it('other statuses name the status and URL', async () => {
    const server = await serve((_req, res) => {
      send(res, { status: 502, body: 'bad gateway' })
    })
    const error = await failure((await clientFor(server.host)).getManifest('fx/img', 'v1'))
    expect(error.message).toBe(
      `Fetching manifest v1 of ${server.host}/fx/img failed: HTTP 502 from ${server.url('/v2/fx/img/manifests/v1')}`
    )
    expect(error.status).toBe(502)
  })

  it.each(['', 'v1 x', 'sha256:abc', '.hidden'])('rejects the ref %j before any request', async badRef => {
    const client = await clientFor('127.0.0.1:1')
    await expect(client.getManifest('fx/img', badRef)).rejects.toThrow('neither a tag nor a sha256 digest')
  })

  it('reaches Docker Hub at its API host', async () => {
    const client = await clientFor('docker.io', {
      proxyFor: url => {
        throw new Error(`asked for ${url.host}`)
      }
    })
    await expect(client.getManifest('library/alpine', 'v1')).rejects.toThrow('asked for registry-1.docker.io')
  })
})

const LAYER = Buffer.from('layer bytes '.repeat(1000))
const LAYER_DIGEST = sha256Digest(LAYER)

describe('manifests: HEAD and PUT', () => {
  it('puts a manifest by tag and by digest, then finds it with HEAD', async () => {
    const { server, manifests } = await fakeRegistry({ mounts: true })
    const client = await clientFor(server.host)
    expect(await client.putManifest('fx/img', 'v1', { raw: INDEX, mediaType: OCI_INDEX })).toBe(INDEX_DIGEST)
    expect(await client.putManifest('fx/img', INDEX_DIGEST, { raw: INDEX, mediaType: OCI_INDEX })).toBe(
      INDEX_DIGEST
    )
    expect(manifests.get('fx/img:v1')).toStrictEqual({ raw: INDEX, type: OCI_INDEX })
    expect(await client.headManifest('fx/img', 'v1')).toStrictEqual({
      digest: INDEX_DIGEST,
      mediaType: OCI_INDEX,
      size: INDEX.length
    })
    expect(await client.headManifest('fx/img', 'missing')).toBeUndefined()
    expect(server.log().filter(l => l.startsWith('HEAD'))).toHaveLength(2)
  })

  it('refuses to put bytes under a digest they do not have', async () => {
    const client = await clientFor('127.0.0.1:1')
    await expect(
      client.putManifest('fx/img', LAYER_DIGEST, { raw: INDEX, mediaType: OCI_INDEX })
    ).rejects.toThrow(`Cannot push manifest ${LAYER_DIGEST}: its bytes hash to ${INDEX_DIGEST}`)
  })

  it('reports a refused PUT with the registry error', async () => {
    const server = await serve((_req, res) => {
      send(res, {
        status: 400,
        body: JSON.stringify({ errors: [{ code: 'MANIFEST_INVALID', message: 'bad' }] })
      })
    })
    const error = await failure(
      (await clientFor(server.host)).putManifest('fx/img', 'v1', { raw: INDEX, mediaType: OCI_INDEX })
    )
    expect(error.message).toBe(
      `Pushing manifest v1 to ${server.host}/fx/img failed: HTTP 400 from ${server.url('/v2/fx/img/manifests/v1')}: MANIFEST_INVALID: bad`
    )
  })
})

describe('blobs', () => {
  it('HEAD gives the size, or undefined when missing', async () => {
    const { server, blobs } = await fakeRegistry({ mounts: true })
    blobs.set(`fx/src@${LAYER_DIGEST}`, LAYER)
    const client = await clientFor(server.host)
    expect(await client.headBlob('fx/src', LAYER_DIGEST)).toStrictEqual({ size: LAYER.length })
    expect(await client.headBlob('fx/other', LAYER_DIGEST)).toBeUndefined()
    await expect(client.headBlob('fx/src', 'sha256:nope')).rejects.toThrow(
      '"sha256:nope" is not a sha256 digest'
    )
  })

  it('GET streams the blob, checking its digest and the byte limit', async () => {
    const { server, blobs } = await fakeRegistry({ mounts: true })
    blobs.set(`fx/src@${LAYER_DIGEST}`, LAYER)
    const client = await clientFor(server.host)
    const got = await client.getBlob('fx/src', LAYER_DIGEST, 1_000_000)
    expect(got.size).toBe(LAYER.length)
    expect(got.body).toBeInstanceOf(Readable)
    expect((await readAll(got.body)).equals(LAYER)).toBe(true)

    const limited = await client.getBlob('fx/src', LAYER_DIGEST, 100)
    await expect(readAll(limited.body)).rejects.toThrow('sent more than 100 bytes')

    const wrong = sha256Digest('something else')
    blobs.set(`fx/src@${wrong}`, LAYER)
    const corrupt = await client.getBlob('fx/src', wrong, 1_000_000)
    await expect(readAll(corrupt.body)).rejects.toThrow(
      `served a blob whose sha256 is ${LAYER_DIGEST}, not the requested ${wrong}`
    )

    const missing = await failure(client.getBlob('fx/src', sha256Digest('none'), 100))
    expect(missing.status).toBe(404)
  })

  it('mounts a blob from another repository when the registry allows it', async () => {
    const { server, blobs } = await fakeRegistry({ mounts: true })
    blobs.set(`fx/src@${LAYER_DIGEST}`, LAYER)
    const client = await clientFor(server.host)
    expect(
      await client.mountBlob({ repository: 'fx/dst', from: 'fx/src', digest: LAYER_DIGEST, maxBytes: 1e6 })
    ).toBe('mounted')
    expect(blobs.get(`fx/dst@${LAYER_DIGEST}`)).toBe(LAYER)
    expect(server.log()).toStrictEqual([
      `POST /v2/fx/dst/blobs/uploads/?mount=${encodeURIComponent(LAYER_DIGEST)}&from=fx%2Fsrc`
    ])
  })

  it('copies the blob (GET, then PUT into the upload the registry opened) when it will not mount', async () => {
    const { server, blobs } = await fakeRegistry({ mounts: false })
    blobs.set(`fx/src@${LAYER_DIGEST}`, LAYER)
    const client = await clientFor(server.host)
    expect(
      await client.mountBlob({ repository: 'fx/dst', from: 'fx/src', digest: LAYER_DIGEST, maxBytes: 1e6 })
    ).toBe('copied')
    expect(blobs.get(`fx/dst@${LAYER_DIGEST}`)?.equals(LAYER)).toBe(true)
    expect(server.log().map(l => l.replace(/\?.*/, ''))).toStrictEqual([
      'POST /v2/fx/dst/blobs/uploads/',
      `GET /v2/fx/src/blobs/${LAYER_DIGEST}`,
      'PUT /v2/fx/dst/blobs/uploads/1'
    ])
    const put = server.requests[2]
    expect(put?.headers['content-length']).toBe(String(LAYER.length))
    expect(new URL(put?.path ?? '', 'http://x').searchParams.get('digest')).toBe(LAYER_DIGEST)
  })

  it('uploads a blob with POST and one PUT', async () => {
    const { server, blobs } = await fakeRegistry({ mounts: false })
    const client = await clientFor(server.host)
    await client.uploadBlob('fx/dst', LAYER_DIGEST, { size: LAYER.length, body: LAYER })
    await client.uploadBlob('fx/dst2', LAYER_DIGEST, { size: LAYER.length, body: Readable.from([LAYER]) })
    expect(blobs.get(`fx/dst@${LAYER_DIGEST}`)?.equals(LAYER)).toBe(true)
    expect(blobs.get(`fx/dst2@${LAYER_DIGEST}`)?.equals(LAYER)).toBe(true)
    const error = await failure(
      client.uploadBlob('fx/dst', sha256Digest('x'), { size: 1, body: Buffer.from('y') })
    )
    expect(error.message).toMatch(
      /^Uploading blob sha256:\w+ to 127\.0\.0\.1:\d+\/fx\/dst failed: HTTP 400 from .*: DIGEST_INVALID$/
    )
  })

  it('asks the token service for push on the target and pull on the mount source', async () => {
    const registry = await fakeRegistry({ mounts: false, bearerToken: 't' })
    registry.blobs.set(`fx/src@${LAYER_DIGEST}`, LAYER)
    const authed = registry.server
    const client = await clientFor(authed.host, { credentials: CREDS })
    expect(
      await client.mountBlob({ repository: 'fx/dst', from: 'fx/src', digest: LAYER_DIGEST, maxBytes: 1e6 })
    ).toBe('copied')
    expect(registry.tokenScopes()).toStrictEqual([
      ['repository:fx/dst:pull,push', 'repository:fx/src:pull'],
      ['repository:fx/src:pull']
    ])
    // The PUT of the streamed copy went with the token the POST got: no second challenge.
    expect(authed.log().filter(l => l.startsWith('PUT'))).toHaveLength(1)
  })
})
