/**
 * Push access, checked before any builder exists: for each repository the tags push to (a registry cache
 * lives next to the first tag), these credentials open and cancel an upload session, the first step of a
 * push. A wrong password or an account without push rights then fails the step in well under a second,
 * naming the registry and the repository, instead of after the whole build. A registry that gives no
 * verdict (no answer from here, an unusual status) is logged and left to the push itself.
 */
import { evaluates } from '../buildx/build-options.js'
import { messageOf } from '../core/errors.js'
import type { Inputs } from '../inputs/inputs.js'
import { parseImageReference } from '../oci/reference.js'
import { RegistryError } from '../registry/registry-errors.js'
import type { Reporter } from '../core/reporter.js'
import { openRegistries, type RegistriesOptions } from '../step/registries.js'

/** How long the check waits for each registry request. */
const CHECK_TIMEOUT_MS = 5000

/** The repositories a push writes to, `registry/repository`, each once. */
export function pushRepositories(
  inputs: Pick<Inputs, 'tags' | 'push' | 'buildOptions'>
): { registry: string; repository: string }[] {
  if (!inputs.push || evaluates(inputs.buildOptions.call)) return []
  const seen = new Map<string, { registry: string; repository: string }>()
  for (const tag of inputs.tags) {
    const { registry, repository } = parseImageReference(tag)
    seen.set(`${registry}/${repository}`, { registry, repository })
  }
  return [...seen.values()]
}

/** Checks each repository; throws one error listing every refusal, with what to change. */
export async function checkPushAccess(
  access: RegistriesOptions & { reporter: Reporter },
  repositories: readonly { registry: string; repository: string }[]
): Promise<void> {
  const { reporter } = access
  const refused: string[] = []
  // A registry that does not answer quickly gets no verdict here: the push has its own time limits.
  const registries = openRegistries({ ...access, timeoutMs: CHECK_TIMEOUT_MS })
  for (const { registry, repository } of repositories) {
    const where = `${registry}/${repository}`
    const started = Date.now()
    try {
      const answer = await (await registries.client(registry)).checkPush(repository)
      const ms = Date.now() - started
      if (answer === 'allowed') reporter.info(`${where}: push allowed (${ms} ms)`)
      else reporter.info(`${where}: no verdict (${answer.inconclusive}); the push will tell`)
    } catch (error) {
      if (error instanceof RegistryError && (error.status === 401 || error.status === 403)) {
        refused.push(error.message)
      } else {
        reporter.info(`${where}: no verdict (${messageOf(error)}); the push will tell`)
      }
    }
  }
  registries.close()
  if (refused.length === 0) return
  throw new Error(
    'Push access refused before building (nothing was built): check the username and password inputs (the ' +
      'registry input names the registry they are for; a token needs write or push scope), or the ' +
      `account’s permissions on the repository:\n${refused.map(r => `  - ${r}`).join('\n')}`
  )
}
