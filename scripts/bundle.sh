#!/usr/bin/env bash
# Bundles src/ into OUTDIR (default dist/): the action's entries as index.js and post/index.js, the sub-actions' as
# plan/index.js and merge/index.js, the command line as cli/index.js (the package's bin). Each is self-contained: nothing is installed at run time.
# Not minified: dist/ is committed, and a change to it reads as a diff in review (cold start: docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
npx tsc -p tsconfig.build.json
rm -rf "$out"
npx ncc build lib/index.js -o "$out" --license licenses.txt --quiet
npx ncc build lib/post.js -o "$out/post" --license licenses.txt --quiet
npx ncc build lib/plan.js -o "$out/plan" --license licenses.txt --quiet
npx ncc build lib/merge.js -o "$out/merge" --license licenses.txt --quiet
npx ncc build lib/cli/index.js -o "$out/cli" --license licenses.txt --quiet
chmod +x "$out/cli/index.js"
