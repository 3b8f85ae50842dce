/**
 * A loopback file server for tests (on the suite's TestHttpServer): serves the files it is given and
 * records every request path.
 */
import { send, TestHttpServer } from './http-server.js'

export interface Served {
  status: number
  body: string | Buffer
}

export class FileServer {
  /** path (without query) -> what to answer; anything else is a 404. */
  readonly files = new Map<string, Served>()
  readonly requests: string[] = []
  port = 0
  private server: TestHttpServer | undefined

  async start(): Promise<void> {
    this.server = await TestHttpServer.start({
      fallback: (request, response) => {
        this.requests.push(request.path)
        const file = this.files.get(request.path.replace(/\?.*$/, ''))
        send(response, {
          status: file?.status ?? 404,
          body: file?.body ?? 'not found',
          headers: { 'content-type': 'application/octet-stream' }
        })
      }
    })
    this.port = this.server.port
  }

  async stop(): Promise<void> {
    await this.server?.stop()
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`
  }
}
