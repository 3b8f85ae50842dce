import { describe, expect, it } from '@jest/globals'
import { isLoopbackHost, parseRegistryHost } from '../../src/buildkitd/registry-name.js'

const withHttp = { input: 'insecure-registries', allowHttpScheme: true }
const withoutHttp = { input: 'ca-certs', allowHttpScheme: false }

describe('parseRegistryHost', () => {
  it.each([
    ['registry.corp', 'registry.corp', false],
    ['registry.corp:5000', 'registry.corp:5000', false],
    ['  Registry.Corp:5000  ', 'registry.corp:5000', false],
    ['localhost', 'localhost', false],
    ['localhost:5000', 'localhost:5000', false],
    ['127.0.0.1:5443', '127.0.0.1:5443', false],
    ['10.0.0.255', '10.0.0.255', false],
    ['[::1]', '[::1]', false],
    ['[::1]:5000', '[::1]:5000', false],
    ['[FE80::1]:443', '[fe80::1]:443', false],
    ['my-registry.example.com:65535', 'my-registry.example.com:65535', false],
    ['a:1', 'a:1', false],
    ['https://registry.corp:5000', 'registry.corp:5000', false],
    ['HTTPS://registry.corp/', 'registry.corp', false],
    ['registry.corp:5000/', 'registry.corp:5000', false],
    ['http://registry.corp:5000', 'registry.corp:5000', true],
    ['http://localhost:5000/', 'localhost:5000', true],
    ['HTTP://127.0.0.1', '127.0.0.1', true],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`, false]
  ])('accepts %j as host %j (http %p)', (value, host, http) => {
    expect(parseRegistryHost(value, withHttp)).toEqual({ host, http })
  })

  it.each([
    ['', /empty registry host/],
    ['   ', /empty registry host/],
    ['evil"]\n[x', /"evil\\"]\\n\[x" is not a registry host/],
    ['a b', /"a b" is not a registry host/],
    ['host\nname', /is not a registry host/],
    ['host\tname', /is not a registry host/],
    ['host\u0000', /is not a registry host/],
    ['host=1', /is not a registry host/],
    ["host'", /is not a registry host/],
    ['host\\x', /is not a registry host/],
    ['host]', /is not a registry host/],
    ['[host]', /bracketed IPv6/],
    ['[::1', /bracketed IPv6/],
    ['[::1%eth0]:5000', /bracketed IPv6/],
    ['[::1]:5000:1', /bracketed IPv6/],
    ['::1', /IPv6 address without brackets/],
    ['host:99999', /invalid port/],
    ['host:0', /invalid port/],
    ['host:05000', /invalid port/],
    ['host:', /invalid port/],
    ['host:abc', /invalid port/],
    ['host:1:2', /is not a registry host/],
    ['ftp://x', /scheme ftp:\/\//],
    ['docker://registry.corp', /scheme docker:\/\//],
    ['http://', /http:\/\/, which is not accepted here/],
    ['user@host', /user info/],
    ['https://user:pw@host', /user info/],
    ['host/path', /must not contain a path/],
    ['host//', /must not contain a path/],
    ['host?x=1', /is not a registry host/],
    ['host#frag', /query or fragment/],
    ['-host', /is not a registry host/],
    ['host-.corp', /is not a registry host/],
    ['host..corp', /is not a registry host/],
    ['host.corp.', /is not a registry host/],
    ['under_score', /is not a registry host/],
    ['256.1.1.1', /is not a registry host/],
    ['1.2.3', /is not a registry host/],
    ['010.0.0.1', /is not a registry host/],
    [`${'a'.repeat(64)}.com`, /is not a registry host/],
    [`${'a.'.repeat(127)}ab`, /is not a registry host/],
    ['r\u00e9gistry.corp', /is not a registry host/],
    ['\u212aey.corp', /is not a registry host/]
  ])('rejects %j without http://', (value, message) => {
    const parse = () => parseRegistryHost(value, withoutHttp)
    expect(parse).toThrow(message)
    expect(parse).toThrow(/^ca-certs: /)
    expect(parse).toThrow(/expected host\[:port\] such as registry\.corp:5000$/)
  })

  it('rejects an empty http:// even when plain HTTP is allowed', () => {
    expect(() => parseRegistryHost('http://', withHttp)).toThrow(
      /^insecure-registries: "http:\/\/" has no host name/
    )
  })

  it('mentions the http:// form only where it is accepted', () => {
    expect(() => parseRegistryHost('foo bar', withHttp)).toThrow(
      'insecure-registries: "foo bar" is not a registry host; expected host[:port] such as registry.corp:5000 ' +
        '(or http://host[:port] for plain HTTP)'
    )
    expect(() => parseRegistryHost('http://registry.corp', withoutHttp)).toThrow(
      'ca-certs: "http://registry.corp" uses http://, which is not accepted here; expected host[:port] such as ' +
        'registry.corp:5000'
    )
  })

  it('shortens very long values in the message', () => {
    const value = `${'x'.repeat(500)} y`
    let message = ''
    try {
      parseRegistryHost(value, withoutHttp)
    } catch (error) {
      message = error instanceof Error ? error.message : ''
    }
    expect(message).toMatch(/^ca-certs: "x+…" is not a registry host/)
    expect(message.length).toBeLessThan(250)
  })

  it.each(['a', 'registry.corp:5000', '[::1]:5000', 'http://localhost:5000', '10.1.2.3:80'])(
    'returns only inert characters for %j',
    value => {
      expect(parseRegistryHost(value, withHttp).host).toMatch(/^[a-z0-9.:[\]-]+$/)
    }
  )
})

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5443', true],
    ['127.255.10.3:80', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['::1', true],
    ['[0:0:0:0:0:0:0:1]:5000', true],
    ['[::ffff:127.0.0.1]:5000', true],
    ['registry.corp', false],
    ['registry.corp:5000', false],
    ['localhost.corp:5000', false],
    ['my.localhost', false],
    ['128.0.0.1', false],
    ['10.0.0.1:5000', false],
    ['[::2]:5000', false],
    ['[::ffff:10.0.0.1]', false],
    ['127.0.0.1.example.com', false],
    ['', false],
    ['[::1', false]
  ])('%j -> %p', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})
