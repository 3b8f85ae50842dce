/**
 * The command line's output: the terminal reporter (lines, masks, groups or GitLab sections, outputs and
 * state in memory), and what libraries write to stdout themselves, relayed into it.
 */
import { describe, expect, it } from '@jest/globals'
import { LineBuffer, relayLine, unescapeCommand } from '../../src/cli/console.js'
import { TerminalReporter, type TerminalOptions } from '../../src/cli/terminal.js'

/** A terminal reporter whose lines are collected. */
function terminal(options: Partial<TerminalOptions> = {}): { reporter: TerminalReporter; lines: string[] } {
  const lines: string[] = []
  const reporter = new TerminalReporter({
    debug: false,
    gitlab: false,
    ...options,
    write: line => {
      lines.push(line)
    }
  })
  return { reporter, lines }
}

describe('TerminalReporter', () => {
  it.each<[string, (r: TerminalReporter) => void | Promise<void>, string[]]>([
    [
      'a line',
      r => {
        r.info('hello\nworld')
      },
      ['hello', 'world']
    ],
    [
      'a command',
      r => {
        r.command('/usr/bin/docker buildx rm b')
      },
      ['$ /usr/bin/docker buildx rm b']
    ],
    [
      'an error with a title',
      r => {
        r.error('x509: unknown\nsecond line', { title: 'Registry: TLS' })
      },
      ['error: Registry: TLS: x509: unknown', '  second line']
    ],
    [
      'a warning',
      r => {
        r.warning('careful')
      },
      ['warning: careful']
    ],
    [
      'a notice with a title',
      r => {
        r.notice('slow', { title: 'Emulated' })
      },
      ['notice: Emulated: slow']
    ],
    [
      'a failure',
      r => {
        r.fail('build failed')
      },
      ['error: build failed']
    ],
    [
      'a debug line (hidden)',
      r => {
        r.debug('spawn: docker')
      },
      []
    ],
    [
      'a group',
      r =>
        r.group('Build', () => {
          r.info('in')
          return Promise.resolve()
        }),
      ['==> Build', 'in']
    ],
    [
      'outputs, state and summary (not shown)',
      r => {
        r.setOutput('digest', 'sha256:1')
        r.save('k', 'v')
      },
      []
    ]
  ])('%s', async (_name, act, expected) => {
    const { reporter, lines } = terminal()
    await act(reporter)
    expect(lines).toEqual(expected)
  })

  it('shows debug lines when asked', () => {
    const { reporter, lines } = terminal({ debug: true })
    reporter.debug('spawn: docker')
    expect(lines).toEqual(['debug: spawn: docker'])
  })

  it('keeps outputs and state in memory', () => {
    const { reporter } = terminal()
    reporter.setOutput('digest', 'sha256:1')
    reporter.save('builder', 'b1')
    expect([...reporter.outputs]).toEqual([['digest', 'sha256:1']])
    expect([reporter.get('builder'), reporter.get('never')]).toEqual(['b1', ''])
  })

  it('masks registered secrets everywhere after, longest first', async () => {
    const { reporter, lines } = terminal()
    reporter.mask('pass')
    reporter.mask('password1')
    reporter.info('login with password1 (pass)')
    reporter.error('bad password1')
    await reporter.group('as pass', () => Promise.resolve())
    expect(lines).toEqual(['login with *** (***)', 'error: bad ***', '==> as ***'])
  })

  it('renders groups as collapsible GitLab sections in GitLab CI, closing one a failure left open', async () => {
    const { reporter, lines } = terminal({ gitlab: true, now: () => 1700000000 })
    await reporter.group('Inputs', () => Promise.resolve())
    await expect(reporter.group('Build', () => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(lines).toEqual([
      '\x1b[0Ksection_start:1700000000:multiarch_1[collapsed=true]\r\x1b[0KInputs',
      '\x1b[0Ksection_end:1700000000:multiarch_1\r\x1b[0K',
      '\x1b[0Ksection_start:1700000000:multiarch_2[collapsed=true]\r\x1b[0KBuild',
      '\x1b[0Ksection_end:1700000000:multiarch_2\r\x1b[0K'
    ])
  })
})

describe('relayLine: what a library writes to stdout itself', () => {
  it.each<[string, string, string[]]>([
    ['a plain line', 'hello', ['hello']],
    ['a debug command (hidden)', '::debug::Downloading https://x', []],
    [
      'an error with a title',
      '::error title=Registry%3A TLS::100%25%0Anext',
      ['error: Registry: TLS: 100%', '  next']
    ],
    ['a warning', '::warning::careful', ['warning: careful']],
    ['an echoed command', '[command]/usr/bin/tar xz', ['$ /usr/bin/tar xz']],
    ['a runner-only command', '::set-output name=x::1', []],
    ['a mask, then a line', '::add-mask::s3cret', []]
  ])('%s', (_name, line, expected) => {
    const { reporter, lines } = terminal()
    relayLine(line, reporter)
    expect(lines).toEqual(expected)
  })

  it('registers a mask for later lines', () => {
    const { reporter, lines } = terminal()
    relayLine('::add-mask::s3cret', reporter)
    relayLine('the s3cret', reporter)
    expect(lines).toEqual(['the ***'])
  })

  it('unescapes workflow command data', () => {
    expect(unescapeCommand('100%25 a%3Ab%2Cc%0D%0Ad', true)).toBe('100% a:b,c\r\nd')
    expect(unescapeCommand('100%253A%0A')).toBe('100%3A\n')
  })
})

describe('LineBuffer', () => {
  it('splits chunks into lines, keeping a partial line until it ends', () => {
    const buffer = new LineBuffer()
    expect(buffer.push('a\nb')).toEqual(['a'])
    expect(buffer.push('c\r\nd\n')).toEqual(['bc', 'd'])
    expect(buffer.push('tail')).toEqual([])
    expect(buffer.flush()).toEqual(['tail'])
    expect(buffer.flush()).toEqual([])
  })
})
