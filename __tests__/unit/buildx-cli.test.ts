import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runBuild } from '../../src/buildx/build.js'
import { createBuilder, removeBuilder } from '../../src/buildx/builder.js'
import {
  DOCKER_BUILDX,
  buildxCommand,
  parseBuildxCli,
  serializeBuildxCli,
  standaloneBuildx,
  withBuildx
} from '../../src/buildx/buildx-cli.js'
import { BUILDER_OPTIONS, BUILD_SETTINGS } from './defaults.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner } from './fake-runner.js'

describe('BuildxCli', () => {
  it('runs buildx argv through the docker plugin or a standalone binary', () => {
    expect(buildxCommand(DOCKER_BUILDX, ['buildx', 'version'])).toEqual(['docker', ['buildx', 'version']])
    expect(buildxCommand(standaloneBuildx('/tc/docker-buildx'), ['buildx', 'rm', '--force', 'b'])).toEqual([
      '/tc/docker-buildx',
      ['rm', '--force', 'b']
    ])
    expect(() => buildxCommand(DOCKER_BUILDX, ['version'])).toThrow(/not a buildx command/)
  })

  it('withBuildx sends builder.ts and build.ts commands to the binary, other commands to docker', async () => {
    const fake = new FakeRunner()
    const runner = withBuildx(fake, standaloneBuildx('/tc/docker-buildx'))
    await createBuilder(runner, BUILDER_OPTIONS)
    await runBuild(runner, {
      builder: 'b1',
      metadataFile: '/tmp/m.json',
      settings: { ...BUILD_SETTINGS, platforms: ['linux/amd64'], tags: [], push: false },
      progress: 'plain',
      log: new FakeReporter()
    })
    await removeBuilder(runner, 'b1')
    await runner.run('docker', ['version'])
    expect(fake.lines().map(l => l.split(' ').slice(0, 2).join(' '))).toEqual([
      '/tc/docker-buildx create',
      '/tc/docker-buildx build',
      '/tc/docker-buildx rm',
      'docker version'
    ])
  })

  it('withBuildx with the docker plugin is the runner itself', () => {
    const fake = new FakeRunner()
    expect(withBuildx(fake, DOCKER_BUILDX)).toBe(fake)
  })

  it('survives the trip through the saved state', () => {
    const binary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bx-')), 'docker-buildx')
    fs.writeFileSync(binary, '')
    const cli = standaloneBuildx(binary)
    expect(parseBuildxCli(serializeBuildxCli(cli))).toEqual(cli)
    expect(serializeBuildxCli(DOCKER_BUILDX)).toBe('')
  })

  it.each([
    ['', 'nothing saved'],
    ['{not json', 'unreadable'],
    ['{"command":""}', 'no command'],
    ['{"command":"/gone/docker-buildx","prefix":[]}', 'a binary that is gone']
  ])('falls back to docker buildx for %j (%s)', value => {
    expect(parseBuildxCli(value)).toBe(DOCKER_BUILDX)
  })
})
