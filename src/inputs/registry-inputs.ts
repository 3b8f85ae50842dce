/**
 * The registry inputs every part of the action shares, with one meaning everywhere: insecure-registries,
 * ca-certs, and the login (registry, username, password). Fields and rules for the input tables of the
 * build (inputs.ts) and the merge (merge.ts).
 */
import { parseCaCertsInput, readCaCerts, type CaCert } from '../buildkitd/certificates.js'
import { parseRegistryHost, type RegistryHost } from '../buildkitd/registry-name.js'
import { canonicalRegistry } from '../oci/reference.js'
import { splitList } from './parse.js'
import { privateKeyLines } from './masks.js'
import { field, secret, text, type Rule, type Typed } from './table.js'

export const REGISTRY_FIELDS = {
  'insecure-registries': field([] as RegistryHost[], value =>
    splitList(value, true).map(v =>
      parseRegistryHost(v, { input: 'insecure-registries', allowHttpScheme: true })
    )
  ),
  // A private key pasted here by mistake is masked too.
  'ca-certs': secret(
    field([] as CaCert[], (value, { cwd }) => readCaCerts(parseCaCertsInput(value, 'ca-certs'), { cwd })),
    privateKeyLines
  ),
  registry: field('', value => {
    if (value === '') return ''
    const host = parseRegistryHost(value, { input: 'registry', allowHttpScheme: false }).host
    // Docker Hub goes by several names; buildx looks its credentials up under docker.io's key only.
    return canonicalRegistry(host)
  }),
  username: text,
  password: secret(text)
}

/** The registry inputs, typed: insecureRegistries, caCerts, registry, username, password. */
export type RegistryInputs = Typed<typeof REGISTRY_FIELDS>

type Login = Record<'registry' | 'username' | 'password', string>

export const REGISTRY_RULES: readonly Rule<Login>[] = [
  {
    input: 'password',
    reads: ['username'],
    check: v =>
      v.username !== '' && v.password === ''
        ? 'username and password go together; set both or neither'
        : undefined
  },
  {
    input: 'username',
    reads: ['password'],
    check: v =>
      v.username === '' && v.password !== ''
        ? 'username and password go together; set both or neither'
        : undefined
  },
  {
    input: 'registry',
    reads: ['username'],
    check: v =>
      v.username !== '' && v.registry === ''
        ? 'set the registry host that username/password log in to (docker.io for Docker Hub)'
        : undefined
  }
]

/** The login the inputs give (username and password for registry), or undefined without one. */
export function loginOf(
  inputs: Pick<RegistryInputs, 'registry' | 'username' | 'password'>
): { registry: string; username: string; password: string } | undefined {
  return inputs.username
    ? { registry: inputs.registry, username: inputs.username, password: inputs.password }
    : undefined
}
