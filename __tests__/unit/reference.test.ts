import { describe, expect, it } from '@jest/globals'
import {
  apiHost,
  canonicalRegistry,
  configKey,
  parseImageReference,
  registryNames,
  type ImageReference
} from '../../src/oci/reference.js'

const D = `sha256:${'ab'.repeat(32)}`

describe('parseImageReference', () => {
  it.each<[string, ImageReference]>([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.19', { registry: 'docker.io', repository: 'library/alpine', tag: '3.19' }],
    ['owner/app:v1', { registry: 'docker.io', repository: 'owner/app', tag: 'v1' }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['index.docker.io/owner/app', { registry: 'docker.io', repository: 'owner/app' }],
    ['ghcr.io/owner/app:latest', { registry: 'ghcr.io', repository: 'owner/app', tag: 'latest' }],
    ['ghcr.io/app', { registry: 'ghcr.io', repository: 'app' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/a/b/c:t', { registry: 'localhost:5000', repository: 'a/b/c', tag: 't' }],
    ['127.0.0.1:5000/fx/img:v1', { registry: '127.0.0.1:5000', repository: 'fx/img', tag: 'v1' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    ['localhost', { registry: 'docker.io', repository: 'library/localhost' }],
    ['host:5000', { registry: 'docker.io', repository: 'library/host', tag: '5000' }],
    [`app@${D}`, { registry: 'docker.io', repository: 'library/app', digest: D }],
    [`r.io/app:v1@${D}`, { registry: 'r.io', repository: 'app', tag: 'v1', digest: D }],
    ['r.io/a.b_c__d---e/f:V_1.x-y', { registry: 'r.io', repository: 'a.b_c__d---e/f', tag: 'V_1.x-y' }],
    ['  r.io/app  ', { registry: 'r.io', repository: 'app' }],
    [`r.io/app:${'t'.repeat(128)}`, { registry: 'r.io', repository: 'app', tag: 't'.repeat(128) }]
  ])('%s', (ref, expected) => {
    expect(parseImageReference(ref)).toStrictEqual(expected)
  })

  it.each<[string, RegExp]>([
    ['', /empty/],
    ['   ', /empty/],
    ['App', /"App" must be lowercase/],
    ['ghcr.io/Owner/app', /"Owner" must be lowercase/],
    ['r.io/a..b', /"a\.\.b"/],
    ['r.io/_a', /"_a"/],
    ['r.io/a___b', /"a___b"/],
    ['r.io/a-', /"a-"/],
    ['r.io//a', /empty path component/],
    ['r.io/a/', /empty path component/],
    ['r.io/app:', /tag ""/],
    ['r.io/app:.v1', /tag "\.v1"/],
    ['r.io/app:-v1', /tag "-v1"/],
    ['r.io/app:v/1', /component "app:v"/],
    [`r.io/app:${'t'.repeat(129)}`, /1 to 128/],
    ['r.io/app@sha256:abc', /digest "sha256:abc"/],
    [`r.io/app@sha512:${'a'.repeat(64)}`, /digest/],
    [`r.io/app@sha256:${'A'.repeat(64)}`, /digest/],
    [`@${D}`, /repository name is missing/],
    [':v1', /repository name is missing/],
    ['bad_host.io:x/app', /registry "bad_host\.io:x"/],
    [`r.io/${'a'.repeat(260)}`, /longer than 255/]
  ])('rejects %j', (ref, message) => {
    expect(() => parseImageReference(ref)).toThrow(message)
  })

  it('names the reference in the error', () => {
    expect(() => parseImageReference('r.io/App')).toThrow('Invalid image reference "r.io/App"')
  })
})

describe('apiHost and configKey', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/'],
    ['ghcr.io', 'ghcr.io', 'ghcr.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000', '127.0.0.1:5000']
  ])('%s', (registry, host, key) => {
    expect(apiHost(registry)).toBe(host)
    expect(configKey(registry)).toBe(key)
  })

  it('maps a parsed Docker Hub reference to the Hub API host', () => {
    expect(apiHost(parseImageReference('index.docker.io/library/alpine').registry)).toBe(
      'registry-1.docker.io'
    )
  })
})

describe('Docker Hub aliases', () => {
  const HUB = {
    registry: 'docker.io',
    apiHost: 'registry-1.docker.io',
    configKey: 'https://index.docker.io/v1/'
  }
  it.each([
    ['docker.io', HUB],
    ['index.docker.io', HUB],
    ['registry-1.docker.io', HUB],
    ['registry.hub.docker.com', HUB],
    ['Index.Docker.IO', HUB],
    ['ghcr.io', { registry: 'ghcr.io', apiHost: 'ghcr.io', configKey: 'ghcr.io' }],
    [
      'docker.io:5000',
      { registry: 'docker.io:5000', apiHost: 'docker.io:5000', configKey: 'docker.io:5000' }
    ],
    [
      'mirror.docker.io',
      { registry: 'mirror.docker.io', apiHost: 'mirror.docker.io', configKey: 'mirror.docker.io' }
    ]
  ])('%s', (host, names) => {
    expect(registryNames(host)).toStrictEqual(names)
    expect(canonicalRegistry(host)).toBe(names.registry)
  })

  it.each(['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])(
    'an image on %s is read back with the credentials a login to any alias stored',
    alias => {
      const reference = parseImageReference(`${alias}/owner/app:v1`)
      expect(reference).toStrictEqual({ registry: 'docker.io', repository: 'owner/app', tag: 'v1' })
      expect(configKey(reference.registry)).toBe(configKey(canonicalRegistry('registry-1.docker.io')))
    }
  )
})
