/**
 * src/inputs/action-spec.ts, generated from the three action.yml files: up to date, every input in order
 * with its default, `required` and list-ness, and list-ness read from the descriptions (table cases).
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ROOT, SPEC_FILE, expectedSpec, isList } from '../../scripts/action-spec.js'
import {
  INPUTS,
  MERGE_INPUTS,
  MERGE_OUTPUTS,
  OUTPUTS,
  PLAN_INPUTS,
  VERSION,
  type InputSpec
} from '../../src/inputs/action-spec.js'

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs?: Record<string, unknown>
}
const read = (file: string): ActionYaml =>
  parseYaml(fs.readFileSync(path.join(ROOT, file), 'utf8')) as ActionYaml

describe('the generated action spec', () => {
  it('matches the action.yml files (run `npm run docs` after changing one)', async () => {
    expect(fs.readFileSync(SPEC_FILE, 'utf8')).toBe(await expectedSpec())
  })

  it.each<[string, readonly InputSpec[], readonly { name: string }[] | undefined]>([
    ['action.yml', INPUTS, OUTPUTS],
    ['merge/action.yml', MERGE_INPUTS, MERGE_OUTPUTS],
    ['plan/action.yml', PLAN_INPUTS, undefined]
  ])('%s: every input in order, with its default and required flag', (file, inputs, outputs) => {
    const action = read(file)
    expect(inputs.map(i => i.name)).toEqual(Object.keys(action.inputs))
    if (outputs) expect(outputs.map(o => o.name)).toEqual(Object.keys(action.outputs ?? {}))
    for (const input of inputs) {
      const declared = action.inputs[input.name]
      const value = declared?.default ?? ''
      // An expression default (`${{ github.token }}`) is GitHub's to evaluate: none anywhere else.
      expect([input.name, input.default]).toEqual([input.name, value.includes('${{') ? '' : value])
      expect([input.name, input.required]).toEqual([input.name, declared?.required === true])
    }
  })

  it('carries the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })

  it('an input shared by the build and the merge is a list in both or in neither', () => {
    for (const input of MERGE_INPUTS) {
      const build = INPUTS.find(i => i.name === input.name)
      if (build && input.name !== 'tags' && input.name !== 'annotations')
        expect([input.name, input.list]).toEqual([input.name, build.list])
    }
  })
})

describe('isList: list-ness from the description', () => {
  it.each<[string, boolean]>([
    ['Build arguments, one KEY=VALUE per line.', true],
    ['External cache sources, one per line (as docker buildx build --cache-from).', true],
    ['Target platforms, comma or newline separated (os/arch[/variant]).', true],
    ['Comma or Newline Separated tags', true],
    ['Dockerfile stage to build.', false],
    ['Runner label(s) for platforms that runners does not list (comma separated).', false],
    ['One line of text. Per line nothing.', false]
  ])('%j -> %s', (description, expected) => {
    expect(isList(description)).toBe(expected)
  })
})
