#!/usr/bin/env bash
# Builds gitns and runs every test (unit, integration, differential against Knot).
# Usage: ci/test.sh [BUILD_DIR] [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
shift || true
ci/build.sh "$BUILD_DIR"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" "$@"
