import { describe, expect, it } from '@jest/globals'
import { parse, stringify } from 'smol-toml'
import {
  generateBuildkitdConfig,
  parseBuildkitdToml,
  registrySettings,
  renderBuildkitdConfig
} from '../../src/buildkitd/toml.js'
import type { GeneratedConfigOptions, TomlTable } from '../../src/buildkitd/toml.js'
import { parseRegistryHost } from '../../src/buildkitd/registry-name.js'
import { http, https, options, roundTrip } from './buildkitd-helpers.js'

describe('generateBuildkitdConfig', () => {
  it.each<[string, GeneratedConfigOptions, TomlTable]>([
    ['nothing to configure', options({}), {}],
    [
      'an insecure HTTPS registry',
      options({ insecureRegistries: [https('registry.corp:5000')] }),
      { registry: { 'registry.corp:5000': { insecure: true } } }
    ],
    [
      'a plain HTTP registry',
      options({ insecureRegistries: [http('registry.corp:5000')] }),
      { registry: { 'registry.corp:5000': { http: true } } }
    ],
    [
      'a loopback registry over unverified HTTPS gets http = false',
      options({
        insecureRegistries: [https('127.0.0.1:5443'), https('localhost:5443'), https('[::1]:5443')]
      }),
      {
        registry: {
          '127.0.0.1:5443': { http: false, insecure: true },
          'localhost:5443': { http: false, insecure: true },
          '[::1]:5443': { http: false, insecure: true }
        }
      }
    ],
    [
      'a loopback registry over plain HTTP',
      options({ insecureRegistries: [http('localhost:5000')] }),
      { registry: { 'localhost:5000': { http: true } } }
    ],
    [
      'CA files',
      options({
        caFiles: new Map([['registry.corp:5000', ['/tmp/ca-registry.corp_5000.crt', '/tmp/b.crt']]])
      }),
      { registry: { 'registry.corp:5000': { ca: ['/tmp/ca-registry.corp_5000.crt', '/tmp/b.crt'] } } }
    ],
    [
      'a loopback registry with a CA gets http = false',
      options({ caFiles: new Map([['127.0.0.1:5443', ['/tmp/ca.crt']]]) }),
      { registry: { '127.0.0.1:5443': { http: false, ca: ['/tmp/ca.crt'] } } }
    ],
    [
      'a host both insecure (HTTPS) and with a CA',
      options({
        insecureRegistries: [https('localhost:5443'), https('registry.corp')],
        caFiles: new Map([
          ['localhost:5443', ['/tmp/l.crt']],
          ['registry.corp', ['/tmp/r.crt']]
        ])
      }),
      {
        registry: {
          'localhost:5443': { http: false, insecure: true, ca: ['/tmp/l.crt'] },
          'registry.corp': { insecure: true, ca: ['/tmp/r.crt'] }
        }
      }
    ],
    [
      'mirrors, with an http:// mirror getting its own entry',
      options({
        mirrors: new Map([['docker.io', [https('mirror.example:5000'), http('cache.corp:8080')]]])
      }),
      {
        registry: {
          'cache.corp:8080': { http: true },
          'docker.io': { mirrors: ['mirror.example:5000', 'cache.corp:8080'] }
        }
      }
    ],
    [
      'a loopback mirror without a scheme keeps BuildKit default',
      options({ mirrors: new Map([['docker.io', [https('localhost:5001')]]]) }),
      { registry: { 'docker.io': { mirrors: ['localhost:5001'] } } }
    ],
    [
      'duplicates are listed once and empty lists ignored',
      options({
        insecureRegistries: [http('a.corp'), http('a.corp')],
        caFiles: new Map([
          ['b.corp', ['/b.crt', '/b.crt']],
          ['c.corp', []]
        ]),
        mirrors: new Map([
          ['docker.io', [https('m.corp'), https('m.corp')]],
          ['ghcr.io', []]
        ])
      }),
      {
        registry: {
          'a.corp': { http: true },
          'b.corp': { ca: ['/b.crt'] },
          'docker.io': { mirrors: ['m.corp'] }
        }
      }
    ],
    [
      'everything together, one table per host',
      options({
        insecureRegistries: [http('127.0.0.1:5000'), https('registry.corp:5443')],
        caFiles: new Map([['registry.corp:5443', ['/ca/r.crt']]]),
        mirrors: new Map([['registry.corp:5443', [http('127.0.0.1:5000')]]])
      }),
      {
        registry: {
          '127.0.0.1:5000': { http: true },
          'registry.corp:5443': { mirrors: ['127.0.0.1:5000'], insecure: true, ca: ['/ca/r.crt'] }
        }
      }
    ]
  ])('%s', (_name, input, expected) => {
    const table = generateBuildkitdConfig(input)
    expect(table).toEqual(expected)
    expect(roundTrip(table)).toEqual(expected)
    expect(parse(stringify(table))).toEqual(expected)
  })

  it('renders registry keys with their ports as quoted TOML keys', () => {
    const text = renderBuildkitdConfig(
      generateBuildkitdConfig(options({ insecureRegistries: [https('127.0.0.1:5443')] }))
    )
    expect(text).toContain('[registry."127.0.0.1:5443"]')
    expect(parse(text)).toEqual({ registry: { '127.0.0.1:5443': { http: false, insecure: true } } })
  })

  it('keeps hostile file paths inert', () => {
    const path = '/tmp/x"]\n[worker.oci]\nenabled = false\n#.crt'
    const table = generateBuildkitdConfig(options({ caFiles: new Map([['registry.corp', [path]]]) }))
    expect(roundTrip(table)).toEqual({ registry: { 'registry.corp': { ca: [path] } } })
  })

  it.each<[string, GeneratedConfigOptions, RegExp]>([
    [
      'http:// in insecure-registries and a CA',
      options({
        insecureRegistries: [http('registry.corp')],
        caFiles: new Map([['registry.corp', ['/c.crt']]])
      }),
      /^insecure-registries, ca-certs: "registry\.corp" is given as http:\/\/ \(plain HTTP\) in insecure-registries but ca-certs requires HTTPS/
    ],
    [
      'http:// in insecure-registries and a CA on a loopback host',
      options({
        insecureRegistries: [http('localhost:5000')],
        caFiles: new Map([['localhost:5000', ['/c.crt']]])
      }),
      /^insecure-registries, ca-certs: "localhost:5000"/
    ],
    [
      'an http:// mirror with a CA',
      options({
        mirrors: new Map([['docker.io', [http('m.corp')]]]),
        caFiles: new Map([['m.corp', ['/c.crt']]])
      }),
      /^registry-mirrors, ca-certs: "m\.corp" is given as http:\/\/ \(plain HTTP\) in registry-mirrors/
    ],
    [
      'one host listed with and without http://',
      options({ insecureRegistries: [http('r.corp'), https('r.corp')] }),
      /^insecure-registries: "r\.corp" is given as http:\/\/ \(plain HTTP\) in insecure-registries but insecure-registries lists it without http:\/\//
    ]
  ])('rejects %s', (_name, input, message) => {
    expect(() => generateBuildkitdConfig(input)).toThrow(message)
  })
})

describe('hostile registry names never reach the TOML', () => {
  it.each([
    'evil"]\n[x',
    'evil"]',
    'a b',
    'host:99999',
    'ftp://x',
    'http://',
    'user@host',
    'host/path',
    '',
    'x\n[worker.oci]',
    'x\\"'
  ])('parseRegistryHost rejects %j', value => {
    expect(() => parseRegistryHost(value, { input: 'insecure-registries', allowHttpScheme: false })).toThrow(
      /^insecure-registries: /
    )
  })
})

describe('parseBuildkitdToml', () => {
  it('parses a document', () => {
    expect(
      parseBuildkitdToml(
        'debug = true\n[registry."docker.io"]\nmirrors = ["m.corp"]\n',
        'buildkitd-config-inline'
      )
    ).toEqual({ debug: true, registry: { 'docker.io': { mirrors: ['m.corp'] } } })
  })

  it('parses an empty document', () => {
    expect(parseBuildkitdToml('', 'buildkitd-config-inline')).toEqual({})
  })

  it.each([
    [
      'debug = true\nworker = \n',
      'buildkitd-config-inline',
      /^buildkitd-config-inline: invalid TOML at line 2, column \d+: /
    ],
    [
      '[a]\nx = 1\n[a]\n',
      'buildkitd-config (./ci/buildkitd.toml)',
      /^buildkitd-config \(\.\/ci\/buildkitd\.toml\): invalid TOML at line 3/
    ],
    ['x = "unterminated', 'buildkitd-config-inline', /^buildkitd-config-inline: invalid TOML at line 1/],
    ['[a]\n__proto__ = 1\n', 'buildkitd-config-inline', /^buildkitd-config-inline: invalid TOML at line 2/]
  ])('reports a syntax error in %j with the source and line', (text, source, message) => {
    expect(() => parseBuildkitdToml(text, source)).toThrow(message)
  })
})

describe('renderBuildkitdConfig', () => {
  it('renders an empty table as an empty string', () => {
    expect(renderBuildkitdConfig({})).toBe('')
  })

  it('renders a table that parses back', () => {
    const table: TomlTable = { debug: true, registry: { 'docker.io': { mirrors: ['m.corp:5000'] } } }
    const text = renderBuildkitdConfig(table)
    expect(text).not.toBe('')
    expect(parse(text)).toEqual(table)
  })
})

describe('registrySettings', () => {
  const table: TomlTable = {
    registry: {
      'localhost:5000': {},
      'localhost:5443': { http: false, insecure: true, ca: ['/l.crt'] },
      '127.0.0.1:5000': { http: true },
      'registry.corp': { http: true },
      'secure.corp:443': { http: false, ca: ['/a.crt', '/b.crt'] },
      'unverified.corp': { insecure: true },
      'docker.io': { mirrors: ['m.corp'] }
    }
  }

  it.each<[string, ReturnType<typeof registrySettings>]>([
    ['localhost:5000', { plainHttp: true, insecure: false, ca: [] }],
    ['localhost:5443', { plainHttp: false, insecure: true, ca: ['/l.crt'] }],
    ['127.0.0.1:5000', { plainHttp: true, insecure: false, ca: [] }],
    ['127.0.0.1:6000', { plainHttp: true, insecure: false, ca: [] }],
    ['[::1]:5000', { plainHttp: true, insecure: false, ca: [] }],
    ['registry.corp', { plainHttp: true, insecure: false, ca: [] }],
    ['registry.corp:5000', { plainHttp: false, insecure: false, ca: [] }],
    ['secure.corp:443', { plainHttp: false, insecure: false, ca: ['/a.crt', '/b.crt'] }],
    ['unverified.corp', { plainHttp: false, insecure: true, ca: [] }],
    ['docker.io', { plainHttp: false, insecure: false, ca: [] }],
    ['other.corp', { plainHttp: false, insecure: false, ca: [] }]
  ])('%s', (host, expected) => {
    expect(registrySettings(table, host)).toEqual(expected)
  })

  it('works on an empty table and on a table without registries', () => {
    expect(registrySettings({}, 'localhost:5000')).toEqual({ plainHttp: true, insecure: false, ca: [] })
    expect(registrySettings({ debug: true }, 'r.corp')).toEqual({ plainHttp: false, insecure: false, ca: [] })
  })

  it('agrees with the generated config', () => {
    const generated = generateBuildkitdConfig(
      options({
        insecureRegistries: [https('127.0.0.1:5443'), http('r.corp:5000')],
        caFiles: new Map([['localhost:5443', ['/l.crt']]])
      })
    )
    const final = roundTrip(generated)
    expect(registrySettings(final, '127.0.0.1:5443')).toEqual({ plainHttp: false, insecure: true, ca: [] })
    expect(registrySettings(final, 'r.corp:5000')).toEqual({ plainHttp: true, insecure: false, ca: [] })
    expect(registrySettings(final, 'localhost:5443')).toEqual({
      plainHttp: false,
      insecure: false,
      ca: ['/l.crt']
    })
  })

  it.each<[string, TomlTable, RegExp]>([
    [
      'a non-boolean http',
      { registry: { a: { http: 'yes' } } },
      /^buildkitd\.toml: registry\.a\.http is "yes"; expected true or false$/
    ],
    [
      'a non-boolean insecure',
      { registry: { a: { insecure: 1 } } },
      /registry\.a\.insecure is 1; expected true or false/
    ],
    [
      'a ca string',
      { registry: { a: { ca: '/a.crt' } } },
      /registry\.a\.ca is "\/a\.crt"; expected a list of file paths/
    ],
    ['a registry value', { registry: { a: true } }, /^buildkitd\.toml: registry\.a must be a table/]
  ])('rejects %s', (_name, input, message) => {
    expect(() => registrySettings(input, 'a')).toThrow(message)
  })
})
