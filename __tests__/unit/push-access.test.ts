/**
 * Push access before the build, against registries on loopback: Basic auth that refuses the password, a
 * token service that grants pull but not push, a registry that says yes (the upload session is
 * cancelled), and registries that give no verdict (the push is left to tell).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import * as os from 'node:os'
import { readInputs } from '../../src/inputs/inputs.js'
import { checkPushAccess, pushRepositories } from '../../src/run/push-access.js'
import type { RegistriesOptions } from '../../src/step/registries.js'
import { TestHttpServer, send } from '../http-server.js'
import { FakeReporter } from './fake-reporter.js'
import { FakeRunner } from './fake-runner.js'
import { WORKSPACE } from './defaults.js'

const servers: TestHttpServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})

async function registry(handler: Parameters<typeof TestHttpServer.start>[0]): Promise<TestHttpServer> {
  const server = await TestHttpServer.start(handler)
  servers.push(server)
  return server
}

const GOOD = `Basic ${Buffer.from('ci:right').toString('base64')}`

function access(
  reporter: FakeReporter,
  password: string,
  registryHost: string
): RegistriesOptions & { reporter: FakeReporter } {
  return {
    config: {},
    dockerConfigDir: os.tmpdir(),
    login: { registry: registryHost, username: 'ci', password },
    runner: new FakeRunner(),
    reporter,
    proxyFor: () => undefined
  }
}

/** A registry:2 with Basic auth: a POST upload opens a session, DELETE cancels it. */
function basicRegistry(): Promise<TestHttpServer> {
  return registry({
    fallback: (request, response, server) => {
      if (request.headers.authorization !== GOOD) {
        send(response, { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } })
      } else if (request.method === 'POST') {
        send(response, {
          status: 202,
          headers: { location: server.url('/v2/team/app/blobs/uploads/u-1?_state=s') }
        })
      } else send(response, { status: 204 })
    }
  })
}

describe('checkPushAccess', () => {
  it('allowed: one upload session opened and cancelled; logged with its time', async () => {
    const server = await basicRegistry()
    const reporter = new FakeReporter()
    await checkPushAccess(access(reporter, 'right', server.host), [
      { registry: server.host, repository: 'team/app' }
    ])
    expect(server.log()).toEqual([
      'POST /v2/team/app/blobs/uploads/',
      'POST /v2/team/app/blobs/uploads/',
      'DELETE /v2/team/app/blobs/uploads/u-1?_state=s'
    ])
    expect(reporter.lines.join('\n')).toMatch(
      new RegExp(`${server.host}/team/app: push allowed \\(\\d+ ms\\)`)
    )
  })

  it('a wrong password: refused before building, naming the registry, the repository and what to check', async () => {
    const server = await basicRegistry()
    const reporter = new FakeReporter()
    const started = Date.now()
    const check = checkPushAccess(access(reporter, 'wrong', server.host), [
      { registry: server.host, repository: 'team/app' }
    ])
    await expect(check).rejects.toThrow(
      new RegExp(
        `^Push access refused before building \\(nothing was built\\): check the username and password inputs .*:\\n  - ${server.host}/team/app refused the credentials \\(HTTP 401 .*\\): they are wrong, or they do not grant push access to team/app$`
      )
    )
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('a token service that grants pull but not push (a read-only robot account): refused', async () => {
    const server = await registry({
      fallback: (request, response, server) => {
        if (request.path.startsWith('/token')) {
          const scope = new URL(request.path, server.origin).searchParams.get('scope') ?? ''
          send(response, {
            status: 200,
            body: JSON.stringify({ token: scope.includes('push') ? 'pull-only' : 'x' })
          })
        } else if (request.headers.authorization === 'Bearer pull-only' && request.method === 'POST') {
          send(response, {
            status: 403,
            body: JSON.stringify({
              errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }]
            })
          })
        } else {
          send(response, {
            status: 401,
            headers: { 'www-authenticate': `Bearer realm="${server.url('/token')}",service="registry"` }
          })
        }
      }
    })
    const reporter = new FakeReporter()
    await expect(
      checkPushAccess(access(reporter, 'right', server.host), [
        { registry: server.host, repository: 'team/app' }
      ])
    ).rejects.toThrow(
      /team\/app refused to let these credentials push \(HTTP 403 .*DENIED: requested access to the resource is denied/
    )
  })

  it('no verdict (a registry that takes no upload here, one that does not answer): logged, left to the push', async () => {
    const odd = await registry({
      fallback: (_request, response) => {
        send(response, { status: 405 })
      }
    })
    const reporter = new FakeReporter()
    await checkPushAccess(access(reporter, 'right', odd.host), [
      { registry: odd.host, repository: 'team/app' },
      { registry: '127.0.0.1:1', repository: 'team/app' }
    ])
    const log = reporter.lines.join('\n')
    expect(log).toMatch(new RegExp(`${odd.host}/team/app: no verdict \\(HTTP 405 .*\\); the push will tell`))
    expect(log).toMatch(
      /127\.0\.0\.1:1\/team\/app: no verdict \(Connection refused by 127\.0\.0\.1:1 .*\); the push will tell/
    )
  })
})

describe('pushRepositories', () => {
  const read = (values: Record<string, string>): ReturnType<typeof readInputs> =>
    readInputs(name => values[name] ?? '', WORKSPACE, {})
  it.each<[string, Record<string, string>, string[]]>([
    [
      'each repository once',
      { tags: 'r.corp/a:1\nr.corp/a:latest\nother.corp/b:1' },
      ['r.corp/a', 'other.corp/b']
    ],
    ['push false: none', { tags: 'r.corp/a:1', push: 'false' }, []],
    ['call: check pushes nothing', { tags: 'r.corp/a:1', call: 'check' }, []],
    ['push-by-digest: the repository', { tags: 'r.corp/a', 'push-by-digest': 'true' }, ['r.corp/a']]
  ])('%s', (_name, values, expected) => {
    expect(pushRepositories(read(values)).map(r => `${r.registry}/${r.repository}`)).toEqual(expected)
  })
})
