import { describe, expect, it } from '@jest/globals'
import { parse } from 'smol-toml'
import { cacheBudgetConfig, formatBytes } from '../../src/buildkitd/gc.js'
import { mergeBuildkitdConfigs, parseBuildkitdToml, renderBuildkitdConfig } from '../../src/buildkitd/toml.js'
import { parseDiskUse } from '../../src/buildx/du.js'

describe('formatBytes', () => {
  it.each([
    [999, '999 B'],
    [2e9, '2.00 GB'],
    [12.5e9, '12.5 GB'],
    [512e6, '512 MB']
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('cacheBudgetConfig', () => {
  it('writes the old and the new key with the same budget, as TOML integers', () => {
    const text = renderBuildkitdConfig(cacheBudgetConfig(10e9))
    expect(parse(text)).toEqual({ worker: { oci: { gc: true, gckeepstorage: 10e9, maxUsedSpace: 10e9 } } })
    expect(text).toBe('[worker.oci]\ngc = true\ngckeepstorage = 10000000000\nmaxUsedSpace = 10000000000\n')
  })

  it('writes nothing without a budget', () => {
    expect(cacheBudgetConfig(undefined)).toEqual({})
  })

  it('merges with a user file that configures other worker keys, and names both places on a conflict', () => {
    const user = parseBuildkitdToml('[worker.oci]\nmax-parallelism = 4\n', 'buildkitd-config (b.toml)')
    expect(
      mergeBuildkitdConfigs([
        { name: 'buildkitd-config (b.toml)', table: user },
        { name: 'cache-max-size', table: cacheBudgetConfig(5e9) }
      ])
    ).toEqual({ worker: { oci: { 'max-parallelism': 4, gc: true, gckeepstorage: 5e9, maxUsedSpace: 5e9 } } })
    const other = parseBuildkitdToml('[worker.oci]\ngckeepstorage = 1000\n', 'buildkitd-config-inline')
    expect(() =>
      mergeBuildkitdConfigs([
        { name: 'buildkitd-config-inline', table: other },
        { name: 'cache-max-size', table: cacheBudgetConfig(5e9) }
      ])
    ).toThrow(
      /worker\.oci\.gckeepstorage is 1000 in buildkitd-config-inline but 5000000000 in cache-max-size/
    )
  })
})

describe('parseDiskUse', () => {
  it.each<[string, string, ReturnType<typeof parseDiskUse>]>([
    [
      'buildx 0.13',
      'ID\t\t\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED\nabc\ttrue\t4.1MB\nReclaimable:\t4.148MB\nTotal:\t\t4.148MB\n',
      { total: '4.148MB', reclaimable: '4.148MB' }
    ],
    ['empty cache', 'Reclaimable:\t0B\nTotal:\t\t0B\n', { total: '0B', reclaimable: '0B' }],
    ['not du output', 'error: no builder', undefined]
  ])('%s', (_name, output, expected) => {
    expect(parseDiskUse(output)).toEqual(expected)
  })
})
