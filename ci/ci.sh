#!/usr/bin/env bash
# The whole CI pipeline after dependencies are installed:
#   1. the README's test command (release build, every test);
#   2. AddressSanitizer + UBSan build running the unit and integration tests;
#   3. the fuzz targets built with clang and run for a bounded time each.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
echo "== tests (release build)"
ci/test.sh build
if [ -x ci/sanitize.sh ]; then echo "== sanitizers"; ci/sanitize.sh; fi
if [ -x ci/fuzz.sh ]; then echo "== fuzz"; ci/fuzz.sh; fi
echo "== CI finished in $(( $(date +%s) - start )) s"
