/** Checks of what goes to a registry and of what comes back, shared by the client's operations. */
import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import { isDigest, isTag } from '../oci/oci.js'
import { displayUrl, registryErrors, RegistryError } from './registry-errors.js'
import { firstHeader, type HttpResponse } from './transport.js'

/** The ref, when it is a tag or a digest; else an Error saying it is neither. */
export function checkedRef(ref: string, verb: string): string {
  if (!isTag(ref) && !isDigest(ref)) {
    throw new Error(`Cannot ${verb} manifest "${ref}": it is neither a tag nor a sha256 digest`)
  }
  return ref
}

/** The digest, when it is a sha256 digest. */
export function checkedDigest(digest: string): string {
  if (!isDigest(digest)) throw new Error(`"${digest}" is not a sha256 digest (sha256:<64 lowercase hex>)`)
  return digest
}

/** An unexpected answer: the action, status, URL and the registry's own error codes. */
export function failed(action: string, response: HttpResponse): RegistryError {
  const shown = displayUrl(response.url)
  return new RegistryError(
    `${action} failed: HTTP ${response.status} from ${shown}${registryErrors(response.body)}`,
    { url: shown, status: response.status }
  )
}

/** Content-Length, when the answer has a usable one. */
export function sizeOf(response: HttpResponse<unknown>): number | undefined {
  const length = Number(firstHeader(response.headers['content-length']) ?? NaN)
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined
}

/** Where an upload session continues (its Location, relative to the answer's URL). */
export function uploadLocation(response: HttpResponse): URL {
  const location = firstHeader(response.headers['location'])
  if (location === undefined) {
    throw new RegistryError(`${displayUrl(response.url)} opened an upload without a Location`, {
      url: displayUrl(response.url),
      status: response.status
    })
  }
  return new URL(location, response.url)
}

/** Passes the bytes on, and fails at the end unless they hash to `digest`. */
export function verified(digest: string, shown: string): Transform {
  const hash = createHash('sha256')
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      done(null, chunk)
    },
    flush(done) {
      const actual = `sha256:${hash.digest('hex')}`
      done(
        actual === digest
          ? null
          : new RegistryError(
              `${shown} served a blob whose sha256 is ${actual}, not the requested ${digest}`,
              {
                url: shown,
                status: 200
              }
            )
      )
    }
  })
  return check
}
