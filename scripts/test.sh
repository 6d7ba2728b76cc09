#!/usr/bin/env bash
# Runs every test file under test/ with Node's test runner (TypeScript via tsx).
# Usage: scripts/test.sh [pattern]   e.g. scripts/test.sh policy
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find test -name '*.test.ts' | sort | grep -- "${1:-}")
if [ "${#files[@]}" -eq 0 ]; then echo "no test files match '${1:-}'" >&2; exit 1; fi
# --test-force-exit: a test file whose tests are done exits even if a stray child
# process still holds a handle; --test-timeout turns a hang into a failure.
# test/helpers/blocking-stdout.mjs keeps force-exit from losing results (see there).
exec node --import tsx --import ./test/helpers/blocking-stdout.mjs --test --test-force-exit --test-timeout=300000 --test-reporter=spec "${files[@]}"
