#!/usr/bin/env bash
# Fails when dist/ differs from a fresh bundle of src/ (dist/ is committed: the runner executes it, and the
# command line runs dist/cli/index.js).
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
bash scripts/bundle.sh "$fresh/dist"
if ! diff -r -q dist "$fresh/dist"; then
  echo "dist/ is out of date: run 'npm run bundle' and commit dist/." >&2
  exit 1
fi
echo "dist/ matches a fresh bundle ($(du -sh dist | cut -f1), index.js $(wc -c < dist/index.js) bytes, cli/index.js $(wc -c < dist/cli/index.js) bytes)"
