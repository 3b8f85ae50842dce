import { describe, expect, it } from '@jest/globals'
import {
  parseSmokeCommand,
  runSmokeTests,
  smokeFailure,
  smokeRunArgs,
  type SmokeResult
} from '../../src/docker/smoke.js'
import { FakeRunner, docker } from './fake-runner.js'

describe('parseSmokeCommand', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['--version', ['--version']],
    ['uname -m', ['uname', '-m']],
    [`sh -c 'test "$(uname -m)" != ""'`, ['sh', '-c', 'test "$(uname -m)" != ""']],
    ['sh -c "echo \\"hi\\" \\$HOME"', ['sh', '-c', 'echo "hi" $HOME']],
    ['a\\ b c', ['a b', 'c']],
    ["''", ['']],
    ['  /app   --self-test\n--quick ', ['/app', '--self-test', '--quick']],
    ['["sh", "-c", "uname -m; exit 0"]', ['sh', '-c', 'uname -m; exit 0']],
    ['$(touch /tmp/pwned); `id`', ['$(touch', '/tmp/pwned);', '`id`']]
  ])('%j', (text, argv) => {
    expect(parseSmokeCommand(text)).toEqual(argv)
  })

  it.each([
    [`sh -c 'unterminated`, /unterminated ' quote/],
    ['echo "open', /unterminated " quote/],
    ['[not json', /JSON array/],
    ['[]', /at least one string/],
    ['["a", 1]', /at least one string/]
  ])('rejects %j', (text, message) => {
    expect(() => parseSmokeCommand(text)).toThrow(message)
  })
})

describe('smokeRunArgs', () => {
  it('runs by digest, for the platform, on the host network, removed afterwards, arguments literal', () => {
    expect(
      smokeRunArgs({
        name: 'b-smoke-linux-arm-v7',
        platform: 'linux/arm/v7',
        image: 'r.example.com/a@sha256:1',
        args: ['sh', '-c', 'echo $(id)']
      })
    ).toEqual([
      'run',
      '--rm',
      '--name',
      'b-smoke-linux-arm-v7',
      '--platform',
      'linux/arm/v7',
      '--network',
      'host',
      'r.example.com/a@sha256:1',
      'sh',
      '-c',
      'echo $(id)'
    ])
  })
})

describe('smokeFailure', () => {
  const result = (platform: string, extra: Partial<SmokeResult>): SmokeResult => ({
    platform,
    image: `r/a@sha256:${platform.length}`,
    passed: true,
    exitCode: 0,
    timedOut: false,
    seconds: 1,
    output: '',
    ...extra
  })
  it('is undefined when every platform passed', () => {
    expect(
      smokeFailure([result('linux/amd64', {}), result('linux/arm64', {})], ['--version'])
    ).toBeUndefined()
  })
  it('names each failed platform with its exit code or time-out and its output', () => {
    const error = smokeFailure(
      [
        result('linux/amd64', {}),
        result('linux/arm64', { passed: false, exitCode: null, timedOut: true, output: '' }),
        result('linux/arm/v7', { passed: false, exitCode: 1, output: 'line 1\nbroken' })
      ],
      ['--version']
    )
    expect(error?.message).toMatch(/^smoke-test failed on linux\/arm64, linux\/arm\/v7:\n/)
    expect(error?.message).toContain('linux/arm64: `--version` did not finish within the time limit')
    expect(error?.message).toContain(
      'linux/arm/v7: `--version` exited with code 1 in r/a@sha256:12\n    line 1\n    broken'
    )
    expect(error?.message).not.toContain('linux/amd64')
  })
})

describe('runSmokeTests', () => {
  it('reports a platform whose image cannot be pulled as failed, without running it', async () => {
    const runner = new FakeRunner().on(docker('pull'), call =>
      call.args.includes('linux/arm64') ? { exitCode: 1, stderr: 'manifest unknown' } : {}
    )
    const results = await runSmokeTests({
      runner,
      repository: 'r.example.com/a',
      platforms: { 'linux/amd64': 'sha256:1', 'linux/arm64': 'sha256:2' },
      args: ['--version'],
      timeoutSeconds: 5,
      runId: 'b1'
    })
    expect(results.map(r => [r.platform, r.passed, r.exitCode, r.output])).toEqual([
      ['linux/amd64', true, 0, ''],
      ['linux/arm64', false, 1, 'docker pull r.example.com/a@sha256:2 failed:\nmanifest unknown']
    ])
    expect(runner.lines().filter(l => l.startsWith('docker run'))).toEqual([
      'docker run --rm --name b1-smoke-linux-amd64 --platform linux/amd64 --network host r.example.com/a@sha256:1 --version'
    ])
  })
})
