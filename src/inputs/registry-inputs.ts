/**
 * The registry inputs every part of the action shares, with one meaning everywhere: insecure-registries,
 * ca-certs, and the login (registry, username, password).
 */
import { parseCaCertsInput, type CaCertEntry } from '../buildkitd/certificates.js'
import { parseRegistryHost, type RegistryHost } from '../buildkitd/registry-name.js'
import { canonicalRegistry } from '../oci/reference.js'
import { splitList } from './parse.js'

export interface RegistryInputs {
  insecureRegistries: RegistryHost[]
  caCerts: CaCertEntry[]
  registry: string
  username: string
  password: string
}

/** Reads one input ('' when unset). */
export type Get = (name: string) => string
/** Runs a parser; what it throws becomes a problem of that input, and the fallback is used. */
export type Check = <T>(name: string, fallback: T, parse: () => T) => T

/** Reads the registry inputs; problems go to `problems`, one line each, naming the input. */
export function readRegistryInputs(get: Get, check: Check, problems: string[]): RegistryInputs {
  const insecureRegistries = check('insecure-registries', [] as RegistryHost[], () =>
    splitList(get('insecure-registries'), true).map(v =>
      parseRegistryHost(v, { input: 'insecure-registries', allowHttpScheme: true })
    )
  )
  const caCerts = check('ca-certs', [] as CaCertEntry[], () => parseCaCertsInput(get('ca-certs'), 'ca-certs'))
  const registry = check('registry', '', () => {
    const value = get('registry')
    if (value === '') return ''
    const host = parseRegistryHost(value, { input: 'registry', allowHttpScheme: false }).host
    // Docker Hub goes by several names; buildx looks its credentials up under docker.io's key only.
    return canonicalRegistry(host)
  })
  const username = get('username')
  const password = get('password')
  if ((username === '') !== (password === '')) {
    problems.push(
      `${username ? 'password' : 'username'}: username and password go together; set both or neither`
    )
  }
  if (username !== '' && registry === '' && !problems.some(p => p.startsWith('registry:'))) {
    problems.push(
      'registry: set the registry host that username/password log in to (docker.io for Docker Hub)'
    )
  }
  return { insecureRegistries, caCerts, registry, username, password }
}
