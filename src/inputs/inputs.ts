/**
 * The action's inputs, read once into a typed object: the input table (fields.ts) read with action.yml's
 * defaults (the generated spec), the cross-input rules (rules.ts), then the shape the run uses. Each value's
 * key is its input's name in camelCase (table.ts derives it: `push-by-digest` -> `pushByDigest`); only what
 * the run needs in another shape is reshaped here. Every problem names its input and says what is
 * accepted; all of them are reported together, before any command runs.
 */
import type { BuildOptionSettings } from '../buildx/build-options.js'
import { INPUTS } from './action-spec.js'
import { BUILD_OPTION_FIELDS, buildOptionSettings } from './build-option-inputs.js'
import { BUILD_FIELDS } from './fields.js'
import { RULES } from './rules.js'
import { omit, pick, readTable, type InputSource, type Typed } from './table.js'

type BuildOptionName = keyof Typed<typeof BUILD_OPTION_FIELDS>

export type Inputs = Omit<Typed<typeof BUILD_FIELDS>, 'tags' | BuildOptionName> & {
  /** The tags (or, with push-by-digest, the repository) as written. */
  tags: string[]
  /** The build-push-action options (secrets, ssh, annotations, outputs, ...): see build-options.ts. */
  buildOptions: BuildOptionSettings
  /** What the run goes on without (an empty secret), one line each, under the input's name. */
  warnings: string[]
}

/**
 * Reads and checks every input; relative paths start at `cwd` (the job's working directory). `env` is the
 * step's environment (for secret-envs, ssh, and the GitHub server that github-token belongs to).
 */
export function readInputs(source: InputSource, cwd: string, env: NodeJS.ProcessEnv = {}): Inputs {
  const { values, warnings } = readTable(BUILD_FIELDS, RULES, { source, specs: INPUTS, cwd, env })
  const options = pick(BUILD_OPTION_FIELDS, values)
  return {
    ...omit(BUILD_OPTION_FIELDS, values),
    tags: values.tags.map(t => t.text),
    buildOptions: buildOptionSettings(options, {
      context: values.context,
      serverUrl: env.GITHUB_SERVER_URL ?? ''
    }),
    warnings
  }
}
