import { describe, expect, it } from '@jest/globals'
import {
  bareMediaType,
  isAttestation,
  isDigest,
  isTag,
  MANIFEST_ACCEPT,
  manifestKind,
  manifestMediaType,
  MEDIA_TYPES,
  parseJsonObject,
  sha256Digest
} from '../../src/oci/oci.js'

const HEX = 'a'.repeat(64)

describe('isDigest', () => {
  it.each<[string, boolean]>([
    [`sha256:${HEX}`, true],
    [`sha256:${'0123456789abcdef'.repeat(4)}`, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha512:${HEX}`, false],
    [HEX, false],
    ['', false]
  ])('%j -> %s', (value, expected) => {
    expect(isDigest(value)).toBe(expected)
  })
})

describe('isTag', () => {
  it.each<[string, boolean]>([
    ['v1', true],
    ['latest', true],
    ['1.2.3-rc_1', true],
    ['_x', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['.hidden', false],
    ['-dash', false],
    ['a b', false],
    ['a:b', false],
    ['', false]
  ])('%j -> %s', (value, expected) => {
    expect(isTag(value)).toBe(expected)
  })
})

describe('sha256Digest', () => {
  it.each([
    ['', 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad']
  ])('%j', (text, digest) => {
    expect(sha256Digest(text)).toBe(digest)
    expect(sha256Digest(Buffer.from(text))).toBe(digest)
  })
})

describe('media types', () => {
  it('accepts every index and image manifest type', () => {
    expect(MANIFEST_ACCEPT.split(', ')).toStrictEqual([
      MEDIA_TYPES.ociIndex,
      MEDIA_TYPES.dockerManifestList,
      MEDIA_TYPES.ociManifest,
      MEDIA_TYPES.dockerManifest
    ])
  })

  it.each<[string | undefined, string]>([
    [undefined, ''],
    ['', ''],
    ['Application/JSON; charset=utf-8', 'application/json'],
    [' application/vnd.oci.image.index.v1+json ', MEDIA_TYPES.ociIndex]
  ])('bareMediaType(%j) = %j', (contentType, expected) => {
    expect(bareMediaType(contentType)).toBe(expected)
  })

  const own = Buffer.from(JSON.stringify({ mediaType: MEDIA_TYPES.dockerManifestList, manifests: [] }))
  it.each<[string | undefined, Buffer, string]>([
    [MEDIA_TYPES.ociIndex, own, MEDIA_TYPES.ociIndex],
    [`${MEDIA_TYPES.ociManifest}; charset=utf-8`, own, MEDIA_TYPES.ociManifest],
    ['application/json', own, MEDIA_TYPES.dockerManifestList],
    ['text/plain', own, MEDIA_TYPES.dockerManifestList],
    [undefined, own, MEDIA_TYPES.dockerManifestList],
    ['application/json', Buffer.from('{"schemaVersion":2}'), 'application/json'],
    ['application/json', Buffer.from('not json'), 'application/json'],
    [undefined, Buffer.from('[1]'), '']
  ])('manifestMediaType(%j, …) = %j', (contentType, raw, expected) => {
    expect(manifestMediaType(contentType, raw)).toBe(expected)
  })
})

describe('manifestKind', () => {
  it.each<[string, Record<string, unknown>, 'index' | 'manifest' | undefined]>([
    [MEDIA_TYPES.ociIndex, {}, 'index'],
    [MEDIA_TYPES.dockerManifestList, {}, 'index'],
    [MEDIA_TYPES.ociManifest, {}, 'manifest'],
    [`${MEDIA_TYPES.dockerManifest}; x=y`, {}, 'manifest'],
    ['application/json', { mediaType: MEDIA_TYPES.ociIndex }, 'index'],
    ['application/json', { mediaType: MEDIA_TYPES.dockerManifest }, 'manifest'],
    ['application/json', { manifests: [] }, 'index'],
    ['application/json', { config: {}, layers: [] }, 'manifest'],
    ['application/json', { mediaType: 'application/other', manifests: [] }, undefined],
    ['application/vnd.in-toto+json', {}, undefined]
  ])('%s %j -> %s', (mediaType, parsed, kind) => {
    expect(manifestKind(mediaType, parsed)).toBe(kind)
  })
})

describe('isAttestation', () => {
  it.each<[Record<string, unknown>, boolean]>([
    [{ annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }, true],
    [{ annotations: { 'vnd.docker.reference.type': 'other' } }, false],
    [{ annotations: {} }, false],
    [{ platform: { os: 'unknown', architecture: 'unknown' } }, false],
    [{}, false]
  ])('%j -> %s', (entry, expected) => {
    expect(isAttestation(entry)).toBe(expected)
  })
})

describe('parseJsonObject', () => {
  it.each<[string, Record<string, unknown> | undefined]>([
    ['{"a":1}', { a: 1 }],
    ['[]', undefined],
    ['null', undefined],
    ['{', undefined]
  ])('%j', (text, expected) => {
    expect(parseJsonObject(text)).toStrictEqual(expected)
  })
})
