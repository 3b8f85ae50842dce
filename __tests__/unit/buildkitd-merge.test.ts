/** Merging the generated buildkitd.toml with the user's: registries joined, user settings kept. */
import { describe, expect, it } from '@jest/globals'
import { parse } from 'smol-toml'
import {
  generateBuildkitdConfig,
  mergeBuildkitdConfigs,
  parseBuildkitdToml,
  renderBuildkitdConfig,
  type TomlTable
} from '../../src/buildkitd/toml.js'
import { https, options, roundTrip } from './buildkitd-helpers.js'

describe('mergeBuildkitdConfigs', () => {
  const generated = (table: TomlTable) => ({ name: 'generated from inputs', table })
  const inline = (table: TomlTable) => ({ name: 'buildkitd-config-inline', table })
  const file = (table: TomlTable) => ({ name: 'buildkitd-config (./ci/buildkitd.toml)', table })

  it.each<[string, Parameters<typeof mergeBuildkitdConfigs>[0], TomlTable]>([
    ['no sources', [], {}],
    ['one source', [generated({ registry: { a: { http: true } } })], { registry: { a: { http: true } } }],
    [
      'disjoint sources',
      [file({ debug: true }), generated({ registry: { a: { http: true } } })],
      { debug: true, registry: { a: { http: true } } }
    ],
    [
      'nested tables merge',
      [
        file({
          registry: { 'docker.io': { mirrors: ['m.corp'] } },
          worker: { oci: { 'max-parallelism': 4 } }
        }),
        inline({ registry: { 'docker.io': { http: false }, 'b.corp': { insecure: true } } }),
        generated({ registry: { 'a.corp:5000': { ca: ['/a.crt'] } } })
      ],
      {
        worker: { oci: { 'max-parallelism': 4 } },
        registry: {
          'docker.io': { mirrors: ['m.corp'], http: false },
          'b.corp': { insecure: true },
          'a.corp:5000': { ca: ['/a.crt'] }
        }
      }
    ],
    [
      'equal values',
      [
        inline({ registry: { a: { insecure: true, ca: ['/x.crt'] } }, gc: [{ keep: 1 }] }),
        generated({ registry: { a: { insecure: true, ca: ['/x.crt'] } }, gc: [{ keep: 1 }] })
      ],
      { registry: { a: { insecure: true, ca: ['/x.crt'] } }, gc: [{ keep: 1 }] }
    ]
  ])('%s', (_name, sources, expected) => {
    const merged = mergeBuildkitdConfigs(sources)
    expect(merged).toEqual(expected)
    expect(roundTrip(merged)).toEqual(expected)
  })

  it('passes non-registry settings from user TOML through', () => {
    const user = parseBuildkitdToml(
      'debug = true\n\n[worker.oci]\nmax-parallelism = 4\n',
      'buildkitd-config-inline'
    )
    const merged = mergeBuildkitdConfigs([
      { name: 'buildkitd-config-inline', table: user },
      generated(generateBuildkitdConfig(options({ insecureRegistries: [https('127.0.0.1:5443')] })))
    ])
    expect(parse(renderBuildkitdConfig(merged))).toEqual({
      debug: true,
      worker: { oci: { 'max-parallelism': 4 } },
      registry: { '127.0.0.1:5443': { http: false, insecure: true } }
    })
  })

  it('does not modify its inputs', () => {
    const first: TomlTable = { registry: { a: { http: true } } }
    const second: TomlTable = { registry: { a: { ca: ['/a.crt'] } } }
    mergeBuildkitdConfigs([inline(first), generated(second)])
    expect(first).toEqual({ registry: { a: { http: true } } })
    expect(second).toEqual({ registry: { a: { ca: ['/a.crt'] } } })
  })

  it.each<[string, Parameters<typeof mergeBuildkitdConfigs>[0], string]>([
    [
      'a registry flag',
      [
        inline({ registry: { '127.0.0.1:5443': { insecure: true } } }),
        generated({ registry: { '127.0.0.1:5443': { insecure: false } } })
      ],
      'buildkitd.toml conflict: registry."127.0.0.1:5443".insecure is true in buildkitd-config-inline but false in ' +
        'generated from inputs; set it in one place only'
    ],
    [
      'a list',
      [
        file({ registry: { 'docker.io': { mirrors: ['a.corp'] } } }),
        generated({ registry: { 'docker.io': { mirrors: ['b.corp'] } } })
      ],
      'buildkitd.toml conflict: registry."docker.io".mirrors is ["a.corp"] in buildkitd-config (./ci/buildkitd.toml) ' +
        'but ["b.corp"] in generated from inputs; set it in one place only'
    ],
    [
      'a table against a value',
      [inline({ worker: { oci: { enabled: true } } }), generated({ worker: 'x' })],
      'buildkitd.toml conflict: worker is a table in buildkitd-config-inline but "x" in generated from inputs; ' +
        'set it in one place only'
    ],
    [
      'a value set by the first of three sources',
      [
        file({ registry: { a: { http: true } } }),
        inline({ registry: { b: { http: true } } }),
        generated({ registry: { a: { http: false } } })
      ],
      'buildkitd.toml conflict: registry.a.http is true in buildkitd-config (./ci/buildkitd.toml) but false in ' +
        'generated from inputs; set it in one place only'
    ],
    [
      'a value added by the second source',
      [
        file({ registry: { a: { http: true } } }),
        inline({ registry: { a: { insecure: true } } }),
        generated({ registry: { a: { insecure: false } } })
      ],
      'buildkitd.toml conflict: registry.a.insecure is true in buildkitd-config-inline but false in generated from ' +
        'inputs; set it in one place only'
    ]
  ])('reports a conflicting %s with both sources and the key path', (_name, sources, message) => {
    expect(() => mergeBuildkitdConfigs(sources)).toThrow(message)
  })
})
