#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan, then every ctest test
# there (unit, layering, integration and the Knot differential test, whose gitnsd is then
# the sanitized binary; the test harness fails a test when gitnsd's output holds a
# sanitizer report). Nothing is excluded.
# Usage: ci/sanitize.sh [BUILD_DIR] [ctest args...]      (default BUILD_DIR: build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build-asan}
shift || true
ci/build.sh "$BUILD_DIR" -DGITNS_SANITIZE=ON
# Leaks are errors; a UBSan finding stops the process (the build also sets
# -fno-sanitize-recover). Callers may add options through the same variables.
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" "$@"
