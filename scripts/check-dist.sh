#!/usr/bin/env bash
# Fails when dist/ differs from a fresh bundle of src/ (dist/ is committed: the runner executes it).
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
npx tsc -p tsconfig.build.json
npx ncc build lib/index.js -o "$fresh" --minify --license licenses.txt --quiet
if ! diff -r -q dist "$fresh"; then
  echo "dist/ is out of date: run 'npm run bundle' and commit dist/." >&2
  exit 1
fi
echo "dist/ matches a fresh bundle ($(du -sh dist | cut -f1), index.js $(wc -c < dist/index.js) bytes)"
