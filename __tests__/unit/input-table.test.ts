/**
 * The input tables: every action.yml input has a field, the two passes (fields, then cross-input rules
 * that run only on cleanly read inputs), and cache-from / cache-to against buildx's cache syntax.
 */
import { describe, expect, it } from '@jest/globals'
import { INPUTS } from '../../src/inputs/action-spec.js'
import { parseCacheEntries, parseCacheEntry } from '../../src/inputs/cache-inputs.js'
import { BUILD_FIELDS } from '../../src/inputs/fields.js'
import { readInputs } from '../../src/inputs/inputs.js'
import { MERGE_INPUTS, PLAN_INPUTS } from '../../src/inputs/action-spec.js'
import { MERGE_FIELDS } from '../../src/inputs/merge-inputs.js'
import { PLAN_FIELDS } from '../../src/plan/matrix.js'
import {
  InputError,
  bool,
  camelCase,
  field,
  omit,
  pick,
  readTable,
  secret,
  secretsOf,
  text
} from '../../src/inputs/table.js'
import { WORKSPACE } from './defaults.js'

const spec = (name: string, defaultValue = '') => ({
  name,
  description: '',
  default: defaultValue,
  required: false,
  list: false
})

function problemsOf(read: () => unknown): readonly string[] {
  try {
    read()
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  return []
}

describe('the build table', () => {
  it.each([
    ['action.yml', BUILD_FIELDS, INPUTS],
    ['merge/action.yml', MERGE_FIELDS, MERGE_INPUTS],
    ['plan/action.yml', PLAN_FIELDS, PLAN_INPUTS]
  ])('has a field for every input of %s, and no other', (_file, fields, specs) => {
    expect(Object.keys(fields).sort()).toEqual(specs.map(i => i.name).sort())
  })

  it('reports problems in action.yml order, rules after fields', () => {
    const values: Record<string, string> = {
      'check-binaries': 'maybe',
      platforms: 'linux/amd64,,',
      'push-by-digest': 'true',
      push: 'false',
      tags: 'r.example.com/a'
    }
    const problems = problemsOf(() => readInputs(name => values[name] ?? '', WORKSPACE))
    expect(problems.map(p => p.slice(0, p.indexOf(':')))).toEqual([
      'platforms',
      'check-binaries',
      'push-by-digest'
    ])
  })
})

describe('readTable', () => {
  const fields = {
    count: field(0, value => {
      if (!/^\d+$/.test(value)) throw new Error(`"${value}" is not a count`)
      return Number(value)
    }),
    on: bool(false),
    name: text
  }
  const rules = [
    {
      input: 'name',
      reads: ['count' as const],
      check: (v: { count: number; name: string }) =>
        v.count > 0 && v.name === '' ? 'needed when count is set' : undefined
    }
  ]
  const specs = [spec('count', '0'), spec('on', 'false'), spec('name')]
  const read = (values: Record<string, string>) =>
    readTable(fields, rules, { source: name => values[name] ?? '', specs })

  it.each<[string, Record<string, string>, unknown]>([
    ['defaults', {}, { count: 0, on: false, name: '' }],
    ['values', { count: '3', on: 'TRUE', name: 'x' }, { count: 3, on: true, name: 'x' }]
  ])('%s', (_name, values, expected) => {
    expect(read(values)).toEqual({ values: expected, warnings: [] })
  })

  it("keys each value by its input's name in camelCase, and collects the parsers' warnings", () => {
    const table = {
      'push-by-digest': bool(false),
      'check-binaries-budget': field(0, (value, { warn }) => {
        if (value === '0') warn('0 reads nothing')
        return Number(value)
      })
    }
    const { values, warnings } = readTable(table, [], {
      source: name => ({ 'push-by-digest': 'true', 'check-binaries-budget': '0' })[name] ?? '',
      specs: [spec('push-by-digest'), spec('check-binaries-budget')]
    })
    expect(values).toEqual({ pushByDigest: true, checkBinariesBudget: 0 })
    expect(warnings).toEqual(['check-binaries-budget: 0 reads nothing'])
  })

  it.each([
    ['push-by-digest', 'pushByDigest'],
    ['platforms', 'platforms'],
    ['remote-tls-server-name', 'remoteTlsServerName'],
    ['sign-key', 'signKey']
  ])('camelCase(%s) = %s', (name, key) => {
    expect(camelCase(name)).toBe(key)
  })

  it('pick and omit split the values of one table out of a larger one', () => {
    const part = { 'a-b': text, c: bool(false) }
    const values = { aB: 'x', c: true, d: 1 }
    expect(pick(part, values)).toEqual({ aB: 'x', c: true })
    expect(omit(part, values)).toEqual({ d: 1 })
  })

  it('secretsOf: what the secret fields find in their text, nothing of the others or of empty ones', () => {
    const table = {
      password: secret(text),
      'sign-key': secret(text, value => value.split('\n')),
      name: text
    }
    const given: Record<string, string> = { password: 'hunter2', 'sign-key': 'line 1\n\nline 2', name: 'me' }
    expect(secretsOf(table, name => given[name] ?? '')).toEqual(['hunter2', 'line 1', 'line 2'])
    expect(secretsOf(table, () => '')).toEqual([])
  })

  it.each<[string, Record<string, string>, string[]]>([
    ['a bad field', { count: 'x', name: 'n' }, ['count: "x" is not a count']],
    [
      'every bad field at once',
      { count: 'x', on: 'yes', name: 'n' },
      ['count: "x" is not a count', 'on: "yes" is not a boolean; use true or false']
    ],
    ['a rule', { count: '2' }, ['name: needed when count is set']],
    ['no rule on an input that was refused', { count: 'x' }, ['count: "x" is not a count']]
  ])('%s', (_name, values, expected) => {
    expect(problemsOf(() => read(values))).toEqual(expected)
  })
})

describe('cache-from / cache-to', () => {
  it.each<[string, 'cache-from' | 'cache-to', Record<string, string>]>([
    ['r.example.com/app:cache', 'cache-from', { type: 'registry', ref: 'r.example.com/app:cache' }],
    [
      'type=registry,ref=r.example.com/app:cache,mode=max',
      'cache-to',
      { type: 'registry', ref: 'r.example.com/app:cache', mode: 'max' }
    ],
    ['type=local,src=/tmp/cache', 'cache-from', { type: 'local', src: '/tmp/cache' }],
    ['type=local,dest=/tmp/cache,mode=min', 'cache-to', { type: 'local', dest: '/tmp/cache', mode: 'min' }],
    ['type=inline', 'cache-to', { type: 'inline' }],
    ['type=gha,scope=build', 'cache-from', { type: 'gha', scope: 'build' }],
    ['type=gha,mode=max,ignore-error=true', 'cache-to', { type: 'gha', mode: 'max', 'ignore-error': 'true' }],
    ['type=s3,region=eu-west-1,bucket=c', 'cache-to', { type: 's3', region: 'eu-west-1', bucket: 'c' }],
    ['type=azblob,name=c', 'cache-from', { type: 'azblob', name: 'c' }],
    [
      'type=registry,ref=r.example.com/a:c,compression=zstd',
      'cache-to',
      { type: 'registry', ref: 'r.example.com/a:c', compression: 'zstd' }
    ],
    ['type=gha,"scope=a,b"', 'cache-from', { type: 'gha', scope: 'a,b' }],
    [
      'type=registry,ref=r.example.com/a:c,future-key=1',
      'cache-from',
      { type: 'registry', ref: 'r.example.com/a:c', 'future-key': '1' }
    ]
  ])('accepts %s in %s', (entry, direction, expected) => {
    expect(Object.fromEntries(parseCacheEntry(entry, direction))).toEqual(expected)
  })

  it.each<[string, 'cache-from' | 'cache-to', RegExp]>([
    ['type=registry', 'cache-from', /type=registry needs ref=/],
    ['type=local,dest=/x', 'cache-from', /type=local needs src=/],
    ['type=local,src=/x', 'cache-to', /type=local needs dest=/],
    ['type=s3,region=eu', 'cache-to', /type=s3 needs bucket=/],
    ['type=inline', 'cache-from', /type=inline only works in cache-to/],
    [
      'type=redis,ref=x',
      'cache-to',
      /type=redis is not a cache type; use registry, local, inline, gha, s3, azblob/
    ],
    ['type=redis', 'cache-from', /use registry, local, gha, s3, azblob$/],
    ['type=registry,ref=r.example.com/a:c,mode=max', 'cache-from', /mode= applies to cache-to only/],
    ['type=gha,mode=all', 'cache-to', /mode=all is not a cache mode; use min or max/],
    ['type=gha,ignore-error=yes', 'cache-to', /ignore-error=yes is not a boolean/],
    [
      'type=registry,ref=r.example.com/a:c,compression=lz4',
      'cache-to',
      /compression=lz4 is not one of gzip, estargz, zstd, uncompressed/
    ],
    ['ref=r.example.com/a:c', 'cache-from', /has no type=/],
    ['type=gha,scope', 'cache-from', /"scope" is not KEY=VALUE/],
    ['type=gha,scope=a,scope=b', 'cache-from', /gives scope twice/],
    ['type=gha,"scope=a', 'cache-from', /double quote that is not closed/],
    ['type=registry,ref=UPPER/Case', 'cache-from', /ref=UPPER\/Case is not an image reference/],
    ['not a ref!', 'cache-from', /not an image reference/]
  ])('refuses %s in %s', (entry, direction, message) => {
    expect(() => parseCacheEntry(entry, direction)).toThrow(message)
  })

  it('reads one entry per line, as written', () => {
    expect(parseCacheEntries('type=gha\n\n r.example.com/a:c \n', 'cache-from')).toEqual([
      'type=gha',
      'r.example.com/a:c'
    ])
  })

  it('the build names the input of a bad entry', () => {
    const values: Record<string, string> = {
      push: 'false',
      'cache-from': 'type=inline',
      'cache-to': 'type=local'
    }
    expect(problemsOf(() => readInputs(name => values[name] ?? '', WORKSPACE))).toEqual([
      expect.stringMatching(/^cache-from: "type=inline": type=inline only works in cache-to/),
      expect.stringMatching(/^cache-to: "type=local": type=local needs dest=/)
    ])
  })
})
