/** A loopback HTTP server for tests: serves the files it is given and records every request path. */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Served {
  status: number
  body: string | Buffer
}

export class FileServer {
  /** path (without query) -> what to answer; anything else is a 404. */
  readonly files = new Map<string, Served>()
  readonly requests: string[] = []
  port = 0
  private readonly server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    this.requests.push(url)
    const file = this.files.get(url.replace(/\?.*$/, ''))
    res.writeHead(file?.status ?? 404, { 'content-type': 'application/octet-stream' })
    res.end(file?.body ?? 'not found')
  })

  async start(): Promise<void> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => {
      this.server.close(() => {
        resolve()
      })
    })
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`
  }
}
