#!/usr/bin/env bash
# The test command: system clients, type check, the vitest suite, and one closing count line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh || exit 1
mkdir -p out
npx tsc --noEmit -p tsconfig.json || { echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; }
rm -f out/test-results.json
npx vitest run "$@"
status=$?
node scripts/test-summary.mjs out/test-results.json || status=1
exit $status
