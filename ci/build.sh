#!/usr/bin/env bash
# Configures and builds gitns. Usage: ci/build.sh [BUILD_DIR] [extra cmake args...]
# Uses Ninja, ccache and lld when present (they keep rebuilds cheap on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
shift || true
args=(-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo})
command -v ninja >/dev/null && args+=(-G Ninja)
command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
command -v ld.lld >/dev/null && args+=(-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld)
cmake -S . -B "$BUILD_DIR" "${args[@]}" "$@"
cmake --build "$BUILD_DIR" -j "$(nproc)"
