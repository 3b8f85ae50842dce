/**
 * A small evaluator for the expressions the workflow uses: context paths (inputs.x, secrets.x, and the
 * matrix, needs and steps the test provides), string, number and boolean literals, ( ), !, ==, !=, && and
 * || (which, as on GitHub, return an operand), and format(). Anything else is an error, so a workflow
 * change this test cannot follow fails loudly.
 */
export type Value = string | number | boolean | null

export interface Tree {
  [key: string]: Value | Tree
}

export interface Context {
  inputs: Record<string, Value>
  secrets: Record<string, string>
  /** Other contexts (matrix, needs, steps): a path into them must exist. */
  more?: Tree
}

type Token = { kind: 'op' | 'ident' | 'string' | 'number'; text: string }

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  const pattern =
    /\s*(?:(\|\||&&|==|!=|[!().,])|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*))/y
  let at = 0
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break
    pattern.lastIndex = at
    const m = pattern.exec(source)
    if (!m) throw new Error(`cannot read expression at "${source.slice(at)}"`)
    at = pattern.lastIndex
    if (m[1]) tokens.push({ kind: 'op', text: m[1] })
    else if (m[2]) tokens.push({ kind: 'string', text: m[2].slice(1, -1).replace(/''/g, "'") })
    else if (m[3]) tokens.push({ kind: 'number', text: m[3] })
    else if (m[4]) tokens.push({ kind: 'ident', text: m[4] })
  }
  return tokens
}

function truthy(value: Value): boolean {
  return value !== false && value !== 0 && value !== '' && value !== null && !Number.isNaN(value)
}

function toText(value: Value): string {
  return value === null ? '' : String(value)
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
  return a === b
}

export interface WorkflowExpressions {
  evaluate: (expression: string, context: Context) => Value
  /** A `with:` (or `outputs:`) map evaluated in a context. */
  evaluateMap: (map: Record<string, string | number | boolean>, context: Context) => Record<string, string>
}

/** The evaluator for a workflow whose workflow_call declares `declaredSecrets`. */
export function workflowExpressions(declaredSecrets: readonly string[]): WorkflowExpressions {
  function evaluate(expression: string, context: Context): Value {
    const tokens = tokenize(expression)
    let i = 0
    const peek = (): Token | undefined => tokens[i]
    const take = (text?: string): Token => {
      const token = tokens[i++]
      if (!token || (text !== undefined && token.text !== text))
        throw new Error(`expected ${text ?? 'more'} in "${expression}"`)
      return token
    }
    const lookup = (name: string): Value => {
      const [scope, key, ...rest] = name.split('.')
      if (scope !== undefined && context.more && scope in context.more) {
        let node: Value | Tree | undefined = context.more
        for (const part of name.split('.')) {
          if (node === null || typeof node !== 'object' || !(part in node))
            throw new Error(`${name} is not in the test's contexts`)
          node = node[part]
        }
        if (node === undefined || (node !== null && typeof node === 'object'))
          throw new Error(`${name} is not a value`)
        return node
      }
      if (key === undefined || rest.length > 0) throw new Error(`unsupported context path ${name}`)
      if (scope === 'inputs') {
        if (!(key in context.inputs)) throw new Error(`inputs.${key} is not declared`)
        return context.inputs[key] ?? null
      }
      if (scope === 'secrets') {
        if (!declaredSecrets.includes(key)) throw new Error(`secrets.${key} is not declared`)
        return context.secrets[key] ?? '' // an unset secret reads as ''
      }
      // The job's token (github-token): there is none outside GitHub, as an unset secret reads.
      if (scope === 'github' && key === 'token') return ''
      throw new Error(`unsupported context ${scope ?? ''}`)
    }
    const primary = (): Value => {
      const token = take()
      if (token.kind === 'string') return token.text
      if (token.kind === 'number') return Number(token.text)
      if (token.kind === 'op' && token.text === '(') {
        const value = or()
        take(')')
        return value
      }
      if (token.kind === 'op' && token.text === '!') return !truthy(primary())
      if (token.kind === 'ident') {
        if (token.text === 'true') return true
        if (token.text === 'false') return false
        if (token.text === 'null') return null
        if (peek()?.text === '(') {
          take('(')
          const args: Value[] = []
          while (peek()?.text !== ')') {
            args.push(or())
            if (peek()?.text === ',') take(',')
          }
          take(')')
          if (token.text.toLowerCase() !== 'format') throw new Error(`unsupported function ${token.text}`)
          const [format, ...rest] = args
          return toText(format ?? '').replace(/\{(\d+)\}/g, (_, n: string) => toText(rest[Number(n)] ?? ''))
        }
        return lookup(token.text)
      }
      throw new Error(`unexpected ${token.text} in "${expression}"`)
    }
    const comparison = (): Value => {
      const left = primary()
      const op = peek()?.text
      if (op === '==' || op === '!=') {
        take()
        const right = primary()
        return op === '==' ? equal(left, right) : !equal(left, right)
      }
      return left
    }
    const and = (): Value => {
      let value = comparison()
      while (peek()?.text === '&&') {
        take()
        const right = comparison()
        value = truthy(value) ? right : value
      }
      return value
    }
    const or = (): Value => {
      let value = and()
      while (peek()?.text === '||') {
        take()
        const right = and()
        value = truthy(value) ? value : right
      }
      return value
    }
    const value = or()
    if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]?.text ?? ''} in "${expression}"`)
    return value
  }

  /** A `with:` value as the runner hands it to the action: `${{ }}` parts evaluated, the rest literal. */
  function substitute(value: string | number | boolean, context: Context): string {
    return String(value).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
      toText(evaluate(expression, context))
    )
  }

  /** A `with:` (or `outputs:`) map evaluated in a context. */
  function evaluateMap(
    map: Record<string, string | number | boolean>,
    context: Context
  ): Record<string, string> {
    return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, substitute(value, context)]))
  }
  return { evaluate, evaluateMap }
}
