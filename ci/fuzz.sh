#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang in build-fuzz/ and runs
# each for a bounded time; fails if any target crashes, leaks or breaks an invariant.
# Usage: ci/fuzz.sh [TARGET...]     (default: every target; names like "message")
# Env:   FUZZ_SECONDS (per target, default 60), FUZZ_BUILD_DIR (default build-fuzz),
#        FUZZ_JOBS (build parallelism, default 2).
# Seeds come from tests/fuzz/corpus/<name>/ when present; inputs found during the run go
# to $FUZZ_BUILD_DIR/corpus/<name>/ (never into the repository), crashes to
# $FUZZ_BUILD_DIR/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${FUZZ_SECONDS:-60}
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${FUZZ_JOBS:-2}

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in tests/fuzz/fuzz_*.cpp; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .cpp)
    names+=("${n#fuzz_}")
  done
fi
if [ ${#names[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz targets in tests/fuzz" >&2
  exit 1
fi

CXX_BIN=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14 || true)}
if [ -z "$CXX_BIN" ]; then
  echo "fuzz.sh: clang++ not found (apt-get install clang)" >&2
  exit 1
fi
args=(-DCMAKE_CXX_COMPILER="$CXX_BIN" -DGITNS_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
command -v ninja >/dev/null && args+=(-G Ninja)
command -v ccache >/dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
command -v ld.lld >/dev/null && args+=(-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld)
cmake -S . -B "$BUILD_DIR" "${args[@]}" >/dev/null
targets=()
for n in "${names[@]}"; do targets+=("fuzz_$n"); done
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${targets[@]}"

mkdir -p "$BUILD_DIR/artifacts"
failed=()
for n in "${names[@]}"; do
  bin="$BUILD_DIR/tests/fuzz/fuzz_$n"
  work="$BUILD_DIR/corpus/$n"
  mkdir -p "$work"
  dirs=("$work")
  for seed in "tests/fuzz/corpus/$n" "tests/fuzz/corpus/fuzz_$n"; do
    [ -d "$seed" ] && dirs+=("$seed")
  done
  echo "== fuzz_$n for ${SECONDS_PER}s (corpus: ${dirs[*]})"
  if ! "$bin" -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$BUILD_DIR/artifacts/$n-" "${dirs[@]}"; then
    failed+=("$n")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]} (reproducers in $BUILD_DIR/artifacts/)" >&2
  exit 1
fi
echo "fuzz.sh: all ${#names[@]} target(s) ran ${SECONDS_PER}s without a crash"
