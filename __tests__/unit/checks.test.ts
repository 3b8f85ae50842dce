/** The checks of target, provenance, buildkitd-flags and the Dockerfile: what passes, and what is refused. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  checkDockerfile,
  parseBuildkitdFlags,
  parseProvenance,
  parseTarget
} from '../../src/inputs/checks.js'

describe('parseTarget', () => {
  it.each(['', 'build', 'Release-1.2_x'])('accepts %j', value => {
    expect(parseTarget(value)).toBe(value)
  })
  it.each(['release\nRUN id', '1st', 'a b', 'stage;id', '-x'])('refuses %j', value => {
    expect(() => parseTarget(value)).toThrow(/is not a build stage name/)
  })
})

describe('parseProvenance', () => {
  it.each([
    '',
    'true',
    'false',
    '1',
    '0',
    'TRUE',
    'mode=min',
    'mode=max,builder-id=https://ci.example/run/1'
  ])('accepts %j', value => {
    expect(parseProvenance(value)).toBe(value)
  })
  it.each(['maybe', 'mode=everything', 'mode', 'builder-id=', 'mode=max,evil=1', 'mode=max\nx'])(
    'refuses %j',
    value => {
      expect(() => parseProvenance(value)).toThrow(/is not a provenance setting/)
    }
  )
})

describe('parseBuildkitdFlags', () => {
  it.each<[string, string]>([
    ['', ''],
    ['--debug', '--debug'],
    [
      ' --debug\n--allow-insecure-entitlement network.host  --oci-worker-gc=false',
      '--debug --allow-insecure-entitlement network.host --oci-worker-gc=false'
    ],
    [
      '--oci-worker-gc-keepstorage 10000 --root=/var/lib/buildkit2',
      '--oci-worker-gc-keepstorage 10000 --root=/var/lib/buildkit2'
    ]
  ])('accepts %j', (value, parsed) => {
    expect(parseBuildkitdFlags(value)).toBe(parsed)
  })
  it.each<[string, RegExp]>([
    ['junk', /is not a --flag/],
    ['--debug junk', /is not a --flag or the value/],
    ['--debug \u001b[31m', /characters that are not allowed/],
    ['--debug $(id)', /characters that are not allowed/],
    ['--config /x.toml', /set by the action; use buildkitd-config/],
    ['--addr tcp://0.0.0.0:1', /not a buildkitd flag this action passes/],
    ['--allow-insecure-entitlement', /needs a value/],
    ['--log-format --debug', /needs a value/]
  ])('refuses %j', (value, message) => {
    expect(() => parseBuildkitdFlags(value)).toThrow(message)
  })
})

describe('checkDockerfile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfiles-'))
  const write = (name: string, text: string | Buffer): string => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, text)
    return file
  }

  it.each<[string, string]>([
    ['FROM first', 'FROM busybox\nRUN true\n'],
    ['ARG first', 'ARG BASE=busybox\nFROM ${BASE}\n'],
    [
      'directives, comments, blank lines',
      '# syntax=docker/dockerfile:1\n# escape=`\n\n  # note\n\r\nfrom busybox\n'
    ],
    ['a continued first line', 'FROM \\\n  busybox\n']
  ])('accepts %s', (name, text) => {
    expect(() => {
      checkDockerfile(name, write(name.replace(/\W/g, '-'), text))
    }).not.toThrow()
  })

  it.each<[string, string | Buffer, RegExp]>([
    ['a password file', 'root:$6$saltsalt$hash:19000:0:99999:7:::\n', /first instruction is not/],
    ['a binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), /NUL bytes/],
    ['only comments', '# syntax=docker/dockerfile:1\n', /has no instruction/],
    ['a word that is no instruction', 'FROMAGE busybox\n', /first instruction is not/],
    ['too large', `FROM x\n${'#'.repeat(1024 * 1024)}`, /more than 1048576/]
  ])('refuses %s without quoting it', (name, text, message) => {
    const file = write(name.replace(/\W/g, '-'), text)
    let error = ''
    try {
      checkDockerfile('the-file', file)
    } catch (e) {
      error = (e as Error).message
    }
    expect(error).toMatch(message)
    expect(error).toMatch(/^"the-file" /)
    expect(error).not.toMatch(/root|salt|ELF|syntax|busybox/)
  })

  it('refuses a directory and a file it cannot read', () => {
    expect(() => {
      checkDockerfile('d', dir)
    }).toThrow(/not a regular file|cannot be read/)
    expect(() => {
      checkDockerfile('missing', path.join(dir, 'missing'))
    }).toThrow(/cannot be read \(ENOENT\)/)
  })
})
