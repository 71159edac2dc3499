#!/usr/bin/env bash
# Zone load benchmark: time until the server answers a query for the zone's last record,
# and its memory afterwards, for a 1,000,000-record zone: gitnsd vs Knot DNS vs NSD.
#
#   bench/run_load_bench.sh [--gitnsd PATH] [--servers "gitnsd knot nsd"]
#                           [--records 1000000] [--runs 3] [--threads N] [--out FILE.md]
#
# Each run starts the server (tests/integration/gitns_testlib.py serve, which copies the
# zone into a temp dir first) and polls `zz-last.bench.test. A` on a connected UDP socket
# every 10 ms (a refused port fails at once, so the poll is fine-grained). Load time is
# measured from exec to the first NOERROR answer with data; the table shows the median
# of --runs and the range. Memory is read 1 s after that: RSS and PSS summed over the
# server's processes (PSS is the fair figure for NSD, whose forked workers share pages),
# and the largest peak RSS (VmHWM) of any one of them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
LIB="$ROOT/tests/integration/gitns_testlib.py"

GITNSD="$ROOT/build/controller/daemon/gitnsd"
SERVERS="gitnsd knot nsd"
RECORDS=1000000
RUNS=3
THREADS=$(nproc)
OUT=""

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --gitnsd) GITNSD=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --records) RECORDS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ " $SERVERS " == *" gitnsd "* ]] && [ ! -x "$GITNSD" ]; then
  echo "gitnsd not found at $GITNSD (build with ci/build.sh, or --gitnsd PATH," \
       "or --servers \"knot nsd\")" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/gitns-loadbench.XXXXXX)
SERVE_PID=""
cleanup() {
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# generating a $RECORDS-record zone in $WORK" >&2
$PY "$ROOT/bench/gen_zone.py" --records "$RECORDS" --queries 1 --out-dir "$WORK"
ZONE="$WORK/bench.test.zone"
read -r LAST_NAME LAST_TYPE < "$WORK/last.txt"

mem_mib() {  # mem_mib PGID FILE FIELD: sum over the group's processes, MiB
  local total=0 p v
  for p in $(pgrep -g "$1"); do
    v=$(awk -v f="$3:" '$1 == f {print $2}' "/proc/$p/$2" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  awk -v t="$total" 'BEGIN {printf "%.1f", t / 1024}'
}

declare -A TIMES RSS PSS HWM
for kind in $SERVERS; do
  TIMES[$kind]=""
  for run in $(seq 1 "$RUNS"); do
    port=$($PY "$LIB" free-port)
    log="$WORK/$kind.$run.log"
    args=(serve "$kind" --zone "bench.test.=$ZONE" --port "$port" --threads "$THREADS"
          --probe-name "$LAST_NAME" --probe-type "$LAST_TYPE" --timeout 900)
    [ "$kind" = gitnsd ] && args+=(--gitnsd "$GITNSD")
    $PY "$LIB" "${args[@]}" >"$log" 2>&1 &
    SERVE_PID=$!
    while ! grep -qs '^ready ' "$log"; do
      if ! kill -0 "$SERVE_PID" 2>/dev/null; then
        echo "$kind failed to load the zone:" >&2
        cat "$log" >&2
        exit 1
      fi
      sleep 0.2
    done
    secs=$(sed -n 's/^ready .*seconds=\([0-9.]*\).*/\1/p' "$log")
    pid=$(sed -n 's/^ready .*pid=\([0-9]*\).*/\1/p' "$log")
    sleep 1  # let a background loader (Knot) settle before reading memory
    RSS[$kind]=$(mem_mib "$pid" status VmRSS)
    PSS[$kind]=$(mem_mib "$pid" smaps_rollup Pss)
    HWM[$kind]=$(for p in $(pgrep -g "$pid"); do awk '$1 == "VmHWM:" {print $2}' "/proc/$p/status"; done |
                 sort -n | tail -1 | awk '{printf "%.1f", $1 / 1024}')
    kill "$SERVE_PID"
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=""
    TIMES[$kind]="${TIMES[$kind]} $secs"
    echo "# $kind run $run: answered the last record after $secs s, RSS ${RSS[$kind]} MiB" >&2
  done
done

{
  echo "Zone: $(grep -vc '^\$' "$ZONE") records ($(du -m "$ZONE" | cut -f1) MiB of text)," \
       "$THREADS threads, $(nproc) cores, $(uname -r); $RUNS runs each."
  echo
  echo "| server | load time s (median) | min - max | RSS MiB | PSS MiB | largest peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|"
  for kind in $SERVERS; do
    # shellcheck disable=SC2086  # TIMES holds a space-separated list on purpose
    read -r med lo hi < <(printf '%s\n' ${TIMES[$kind]} | sort -g | awk '
      { v[NR] = $1 } END { printf "%.2f %.2f %.2f\n", v[int((NR + 1) / 2)], v[1], v[NR] }')
    echo "| $kind | $med | $lo - $hi | ${RSS[$kind]} | ${PSS[$kind]} | ${HWM[$kind]} |"
  done
} | tee "${OUT:-/dev/null}"
