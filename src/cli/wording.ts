/**
 * Messages are written once, in the action's words: `cache: gha`, `the ca-certs input`, `list it in
 * insecure-registries`. On the command line the same message names the flag the user types: `--cache gha`,
 * `--ca-certs`, `--insecure-registries`. Only the first line of a message is ours; what follows it is a
 * command's own output (buildx's closing error) and is left as it is.
 */

/** The first line of `message` worded for the command line, for the inputs named in `inputs`. */
export function inFlagWords(message: string, inputs: ReadonlySet<string>): string {
  const newline = message.indexOf('\n')
  const first = newline === -1 ? message : message.slice(0, newline)
  const rest = newline === -1 ? '' : message.slice(newline)
  return flagWords(first, inputs) + rest
}

const NAME = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*'
/** Where an input's name may start: the line's start, a space or an opening parenthesis. */
const BEFORE = '(^|[\\s(])'

function flagWords(line: string, inputs: ReadonlySet<string>): string {
  const known = (name: string): boolean => inputs.has(name)
  // A message about one input starts with its name: `cache: ...` -> `--cache: ...`.
  const label = new RegExp(`^(${NAME}):(?= )`).exec(line)
  let head = ''
  let text = line
  if (label?.[1] && known(label[1])) {
    head = `--${label[1]}:`
    text = line.slice(label[0].length)
  }
  // `the registry, username and password inputs` -> `--registry, --username and --password`.
  text = text.replace(
    new RegExp(`\\bthe ((?:${NAME})(?:(?:, | and | or )(?:${NAME}))*) inputs?\\b`, 'g'),
    (whole, names: string) => {
      const words = names.split(/(, | and | or )/)
      const all = words.every((w, i) => i % 2 === 1 || known(w))
      return all ? words.map((w, i) => (i % 2 === 1 ? w : `--${w}`)).join('') : whole
    }
  )
  // `cache: gha` -> `--cache gha`; `host-network: true` -> `--host-network`; `x: false` -> `--x=false`.
  text = text.replace(
    new RegExp(`${BEFORE}(${NAME}): ([A-Za-z0-9][^\\s,;)]*?)(?=[.]?(?:[\\s,;)]|$))`, 'g'),
    (whole, before: string, name: string, value: string) => {
      if (!known(name)) return whole
      if (value === 'true') return `${before}--${name}`
      return value === 'false' ? `${before}--${name}=false` : `${before}--${name} ${value}`
    }
  )
  // A hyphenated input's name on its own: `list it in insecure-registries` -> `... in --insecure-registries`.
  text = text.replace(
    new RegExp(`${BEFORE}(${NAME})(?=[.]?(?:[\\s,;)]|$))`, 'g'),
    (whole, before: string, name: string) =>
      name.includes('-') && known(name) ? `${before}--${name}` : whole
  )
  return head + text
}
