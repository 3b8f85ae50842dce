/**
 * The smoke test: one command run in the pushed image of every platform, by digest, with `docker run
 * --platform` (natively, or under QEMU for the others), all platforms at once, each with a time limit.
 *
 * The command is given as the arguments of `docker run IMAGE ARGS...`: the image's entrypoint runs with
 * them (an image without an entrypoint runs them as its command). It is split into words the way a shell
 * would split a simple command (quotes group, backslash escapes), or given exactly as a JSON array; it is
 * never handed to a shell on the runner.
 */
import { performance } from 'node:perf_hooks'
import type { CommandRunner, RunResult } from '../core/runner.js'

/** `--version`, `sh -c 'test -x /app'`, or `["/app", "--self-test"]` -> the argv after the image. */
export function parseSmokeCommand(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  if (trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      throw new Error('starts with [ but is not a JSON array of strings, e.g. ["sh", "-c", "uname -m"]')
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(a => typeof a === 'string'))
      throw new Error('a JSON array must hold at least one string, e.g. ["sh", "-c", "uname -m"]')
    return parsed
  }
  return splitWords(trimmed)
}

/** Splits like a shell's simple command, without expansions: 'a "b c"' -> ['a', 'b c']. */
function splitWords(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | '' = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i)
    if (quote === "'") {
      if (c === "'") quote = ''
      else word += c
    } else if (quote === '"') {
      if (c === '"') quote = ''
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text.charAt(i + 1)))
        word += text.charAt(++i)
      else word += c
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      inWord = true
      if (c === '"' || c === "'") quote = c
      else if (c === '\\' && i + 1 < text.length) word += text.charAt(++i)
      else word += c
    }
  }
  if (quote) throw new Error(`has an unterminated ${quote} quote`)
  if (inWord) words.push(word)
  return words
}

export interface SmokeOptions {
  runner: CommandRunner
  /** registry/repository the platform digests live in, e.g. '127.0.0.1:5000/team/app'. */
  repository: string
  /** platform -> digest of its image manifest. */
  platforms: Readonly<Record<string, string>>
  args: readonly string[]
  timeoutSeconds: number
  /** Makes container names unique per run, e.g. the builder name. */
  runId: string
}

export interface SmokeResult {
  platform: string
  /** repository@digest that ran. */
  image: string
  passed: boolean
  /** The command's exit code; null when the time limit stopped it. */
  exitCode: number | null
  timedOut: boolean
  seconds: number
  /** What the command wrote (stdout, then stderr), trimmed to its last OUTPUT_LIMIT characters. */
  output: string
}

export const OUTPUT_LIMIT = 4000

/** `docker run` for one platform: by digest, host network, removed afterwards. */
export function smokeRunArgs(options: {
  name: string
  platform: string
  image: string
  args: readonly string[]
}): string[] {
  return [
    'run',
    '--rm',
    '--name',
    options.name,
    '--platform',
    options.platform,
    '--network',
    'host',
    options.image,
    ...options.args
  ]
}

/** Runs the smoke test on every platform at once; never throws for a failing command (see the results). */
export async function runSmokeTests(options: SmokeOptions): Promise<SmokeResult[]> {
  return Promise.all(
    Object.entries(options.platforms).map(([platform, digest]) => runOne(options, platform, digest))
  )
}

async function runOne(options: SmokeOptions, platform: string, digest: string): Promise<SmokeResult> {
  const image = `${options.repository}@${digest}`
  const name = `${options.runId}-smoke-${platform.replace(/[^a-zA-Z0-9]+/g, '-')}`
  const started = performance.now()
  const finish = (result: RunResult, timedOut: boolean, prefix: string): SmokeResult => {
    const output =
      prefix + [result.stdout.trimEnd(), result.stderr.trimEnd()].filter(s => s !== '').join('\n')
    return {
      platform,
      image,
      passed: !timedOut && result.exitCode === 0,
      exitCode: timedOut ? null : result.exitCode,
      timedOut,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      output: output.length > OUTPUT_LIMIT ? `…${output.slice(-OUTPUT_LIMIT)}` : output
    }
  }
  // Pulled first and quietly, so that the output is the command's own (and the time limit its own too).
  const pulled = await options.runner.run('docker', ['pull', '--quiet', '--platform', platform, image], {
    silent: true
  })
  if (pulled.exitCode !== 0) return finish(pulled, false, `docker pull ${image} failed:\n`)
  const limit = { reached: false }
  const timer = setTimeout(() => {
    limit.reached = true
    // Removing the container ends the `docker run` waiting on it.
    void options.runner.run('docker', ['rm', '--force', name], { silent: true })
  }, options.timeoutSeconds * 1000)
  try {
    const result = await options.runner.run(
      'docker',
      smokeRunArgs({ name, platform, image, args: options.args }),
      { silent: true }
    )
    return finish(result, limit.reached, '')
  } finally {
    clearTimeout(timer)
  }
}

/** The error for failed platforms: each named, with what its command wrote. */
export function smokeFailure(results: readonly SmokeResult[], args: readonly string[]): Error | undefined {
  const failed = results.filter(r => !r.passed)
  if (failed.length === 0) return undefined
  const parts = failed.map(r => {
    const why = r.timedOut ? `did not finish within the time limit` : `exited with code ${r.exitCode}`
    return `${r.platform}: \`${args.join(' ')}\` ${why} in ${r.image}\n${indent(r.output || '(no output)')}`
  })
  return new Error(`smoke-test failed on ${failed.map(r => r.platform).join(', ')}:\n${parts.join('\n')}`)
}

function indent(text: string): string {
  return text
    .split('\n')
    .map(line => `    ${line}`)
    .join('\n')
}
