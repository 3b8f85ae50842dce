#!/usr/bin/env bash
# Bundles src/ into OUTDIR (default dist/): the action's entries as index.js and post/index.js, the sub-actions' as
# plan/index.js and merge/index.js, the command line as cli/index.js (the package's bin). Each is self-contained: nothing is installed at run time.
# Not minified: dist/ is committed, and a change to it reads as a diff in review (cold start: docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
npx tsc -p tsconfig.build.json
rm -rf "$out"
# An entry's bundle, and its licence file. What an entry loads only when it is used (@actions/core for an
# OIDC token, @actions/tool-cache for a download) ncc puts in chunk files beside it, and its licence file
# then lists one chunk's packages only: the file comes from a second bundle of the entry with those
# modules imported up front, of which nothing else is kept.
bundle() {
  local entry=$1 dir=$2 with_lazy
  npx ncc build "$entry" -o "$dir" --quiet
  with_lazy="$(dirname "$entry")/licenses-$(basename "$entry")"
  printf "import './%s'\nimport '@actions/core'\nimport '@actions/tool-cache'\n" "$(basename "$entry")" >"$with_lazy"
  npx ncc build "$with_lazy" -o "$dir.licenses" --license licenses.txt --quiet
  mv "$dir.licenses/licenses.txt" "$dir/licenses.txt"
  rm -rf "$dir.licenses" "$with_lazy"
}
bundle lib/index.js "$out"
# The post step loads nothing lazily: one bundle, its own licence file.
npx ncc build lib/post.js -o "$out/post" --license licenses.txt --quiet
bundle lib/plan.js "$out/plan"
bundle lib/merge.js "$out/merge"
bundle lib/cli/index.js "$out/cli"
chmod +x "$out/cli/index.js"
