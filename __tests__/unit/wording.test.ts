/** Messages written in the action's words, worded for the command line (the flag to type). */
import { describe, expect, it } from '@jest/globals'
import { inFlagWords } from '../../src/cli/wording.js'
import { INPUTS } from '../../src/inputs/action-spec.js'

const inputs = new Set(INPUTS.map(i => i.name))

describe('inFlagWords', () => {
  it.each([
    [
      'cache: registry keeps the cache next to the first tag',
      '--cache: registry keeps the cache next to the first tag'
    ],
    ['outside GitHub Actions use cache: registry', 'outside GitHub Actions use --cache registry'],
    ['(e.g. retries: 2) the build is tried again', '(e.g. --retries 2) the build is tried again'],
    ['Set host-network: true so the builder uses', 'Set --host-network so the builder uses'],
    ['set reuse-builder: false, or leave nodes empty', 'set --reuse-builder=false, or leave nodes empty'],
    [
      'Give its CA with the ca-certs input (h:1=PEM or a path)',
      'Give its CA with --ca-certs (h:1=PEM or a path)'
    ],
    [
      'list h:1 in insecure-registries to skip verification.',
      'list h:1 in --insecure-registries to skip verification.'
    ],
    [
      'set the registry, username and password inputs (or log in',
      'set --registry, --username and --password (or log in'
    ],
    [
      'name it in cache-to and cache-from (type=registry)',
      'name it in --cache-to and --cache-from (type=registry)'
    ],
    // not inputs, or not ours to rewrite
    ['the file: /x was not found', 'the file: /x was not found'],
    ['a platform: linux/arm64 failed', 'a platform: linux/arm64 failed'],
    ['docker buildx build --cache-from x', 'docker buildx build --cache-from x'],
    ['the smoke test and the checks inputs', 'the smoke test and the checks inputs'],
    ['failed:\ncache: gha in the output of a command', 'failed:\ncache: gha in the output of a command']
  ])('%j -> %j', (message, worded) => {
    expect(inFlagWords(message, inputs)).toBe(worded)
  })
})
