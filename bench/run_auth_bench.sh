#!/usr/bin/env bash
# Authoritative query benchmark: gitnsd, Knot DNS and NSD one after another on loopback,
# same zone (bench/gen_zone.py, 100,000 names), same dnsperf settings.
#
#   bench/run_auth_bench.sh [--gitnsd PATH] [--servers "gitnsd knot nsd"] [--duration 20]
#                           [--names 100000] [--threads N] [--clients 4] [--outstanding 200]
#                           [--latency-qps 20000] [--out FILE.md]
#
# Per server: start it (tests/integration/gitns_testlib.py serve: temp config, free port,
# NSD with rrl-ratelimit 0), a 3 s warm-up, then dnsperf for --duration seconds while
# pidstat samples the server's processes; then a fixed-rate dnsperf run (--latency-qps,
# 5 s, -v) for the latency percentiles, which dnsperf 2.10 does not report itself.
# Prints a markdown table: QPS, average latency, p50/p99 at the fixed rate, server CPU
# share, QPS per server core (QPS / (CPU% / 100)), RSS and PSS after the run, and the
# gitnsd/knot and gitnsd/nsd ratios. On 2 cores dnsperf needs about one core itself, so
# raw QPS is partly client-bound: compare QPS per server core.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
LIB="$ROOT/tests/integration/gitns_testlib.py"

GITNSD="$ROOT/build/controller/daemon/gitnsd"
SERVERS="gitnsd knot nsd"
DURATION=20
NAMES=100000
THREADS=$(nproc)
CLIENTS=4
OUTSTANDING=200
LATENCY_QPS=20000
OUT=""

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --gitnsd) GITNSD=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --names) NAMES=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --outstanding) OUTSTANDING=$2; shift 2 ;;
    --latency-qps) LATENCY_QPS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in dnsperf pidstat knotd nsd; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run ci/install-deps.sh" >&2; exit 1; }
done
if [[ " $SERVERS " == *" gitnsd "* ]] && [ ! -x "$GITNSD" ]; then
  echo "gitnsd not found at $GITNSD (build with ci/build.sh, or --gitnsd PATH," \
       "or --servers \"knot nsd\")" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/gitns-bench.XXXXXX)
SERVE_PID=""
cleanup() {
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# generating the zone ($NAMES names) in $WORK" >&2
$PY "$ROOT/bench/gen_zone.py" --names "$NAMES" --out-dir "$WORK"
ZONE="$WORK/bench.test.zone"
QUERIES="$WORK/queries.txt"

# Starts one server in the background; sets SERVE_PID (the helper) and SERVER_PID.
start_server() {
  local kind=$1 port=$2 log=$3
  local args=(serve "$kind" --zone "bench.test.=$ZONE" --port "$port" --threads "$THREADS"
              --probe-name n0.bench.test. --probe-type A)
  [ "$kind" = gitnsd ] && args+=(--gitnsd "$GITNSD")
  $PY "$LIB" "${args[@]}" >"$log" 2>&1 &
  SERVE_PID=$!
  local _
  for _ in $(seq 1 6000); do
    if grep -qs '^ready ' "$log"; then
      SERVER_PID=$(sed -n 's/^ready .*pid=\([0-9]*\).*/\1/p' "$log")
      return 0
    fi
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$kind did not start:" >&2
  cat "$log" >&2
  return 1
}

stop_server() {
  kill "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
  SERVE_PID=""
}

# The server's processes: its process group (NSD forks workers into it).
server_pids() { pgrep -g "$SERVER_PID" | paste -sd, -; }

# Sum of a /proc/PID/status or smaps_rollup field (kB) over the server's processes, in MiB.
mem_mib() {
  local file=$1 field=$2 total=0 p v
  for p in $(pgrep -g "$SERVER_PID"); do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$p/$file" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  awk -v t="$total" 'BEGIN {printf "%.1f", t / 1024}'
}

# Sum of pidstat's %CPU over the server's processes (one sample over the whole run).
pidstat_cpu() {
  awk '/^#/ { for (i = 1; i <= NF; i++) if ($i == "%CPU") col = i - 1; next }
       col && NF > col && $1 ~ /^[0-9:]+$/ { cpu[$3] = $col }
       END { s = 0; for (p in cpu) s += cpu[p]; printf "%.1f", s }' "$1"
}

dnsperf_field() {  # dnsperf_field FILE REGEX -> the number after it
  sed -n "s/.*$2[^0-9]*\([0-9.]*\).*/\1/p" "$1" | head -1
}

percentiles() {  # percentiles FILE (dnsperf -v output) -> "p50 p99" in ms
  awk '$1 == ">" {print $NF}' "$1" | sort -g | awk '
    { v[NR] = $1 }
    END { if (NR == 0) { print "n/a n/a"; exit }
          printf "%.3f %.3f\n", v[int(NR * 0.50) + 1] * 1000, v[int(NR * 0.99) + 1] * 1000 }'
}

PERF_ARGS=(-s 127.0.0.1 -d "$QUERIES" -c "$CLIENTS" -q "$OUTSTANDING" -t 2)
declare -A QPS LAT P50 P99 CPU QPC RSS PSS LOST LOAD

for kind in $SERVERS; do
  port=$($PY "$LIB" free-port)
  log="$WORK/$kind.serve.log"
  echo "# $kind: starting on 127.0.0.1:$port ($THREADS threads)" >&2
  start_server "$kind" "$port" "$log"
  LOAD[$kind]=$(cut -d' ' -f1 /proc/loadavg)
  dnsperf "${PERF_ARGS[@]}" -p "$port" -l 3 >/dev/null 2>&1  # warm-up
  pids=$(server_pids)
  LC_ALL=C pidstat -h -u -p "$pids" "$DURATION" 1 >"$WORK/$kind.pidstat" 2>&1 &
  pidstat_pid=$!
  dnsperf "${PERF_ARGS[@]}" -p "$port" -l "$DURATION" >"$WORK/$kind.dnsperf" 2>&1
  wait "$pidstat_pid" || true
  dnsperf "${PERF_ARGS[@]}" -p "$port" -l 5 -Q "$LATENCY_QPS" -v >"$WORK/$kind.latency" 2>&1
  QPS[$kind]=$(dnsperf_field "$WORK/$kind.dnsperf" "Queries per second:")
  LAT[$kind]=$(awk -v s="$(dnsperf_field "$WORK/$kind.dnsperf" "Average Latency (s):")" \
               'BEGIN {printf "%.3f", s * 1000}')
  read -r "P50[$kind]" "P99[$kind]" < <(percentiles "$WORK/$kind.latency")
  LOST[$kind]=$(sed -n 's/.*Queries lost: *\([0-9]* ([0-9.]*%)\).*/\1/p' "$WORK/$kind.dnsperf")
  CPU[$kind]=$(pidstat_cpu "$WORK/$kind.pidstat")
  QPC[$kind]=$(awk -v q="${QPS[$kind]}" -v c="${CPU[$kind]}" \
               'BEGIN {if (c > 0) printf "%.0f", q / (c / 100); else print "n/a"}')
  RSS[$kind]=$(mem_mib status VmRSS)
  PSS[$kind]=$(mem_mib smaps_rollup Pss)
  stop_server
  echo "# $kind: ${QPS[$kind]} QPS, server CPU ${CPU[$kind]}%" >&2
done

ratio() {  # ratio KIND_A KIND_B ARRAY-NAME
  local -n arr=$3
  if [ -n "${arr[$1]:-}" ] && [ -n "${arr[$2]:-}" ]; then
    awk -v a="${arr[$1]}" -v b="${arr[$2]}" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'
  else
    echo "n/a"
  fi
}

{
  echo "Zone: $NAMES names ($(grep -vc '^\$' "$ZONE") records), $THREADS server threads/processes," \
       "$(nproc) cores, $(uname -r)."
  echo "dnsperf ${PERF_ARGS[*]} -p PORT -l $DURATION (after a 3 s warm-up);" \
       "latency: same with -l 5 -Q $LATENCY_QPS -v."
  echo
  echo "| server | QPS | avg latency ms | p50 / p99 ms @ $LATENCY_QPS QPS | server CPU % | QPS per server core | RSS MiB | PSS MiB | lost | load avg before |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for kind in $SERVERS; do
    printf '| %s | %.0f | %s | %s / %s | %s | %s | %s | %s | %s | %s |\n' "$kind" \
      "${QPS[$kind]}" "${LAT[$kind]}" "${P50[$kind]}" "${P99[$kind]}" "${CPU[$kind]}" \
      "${QPC[$kind]}" "${RSS[$kind]}" "${PSS[$kind]}" "${LOST[$kind]}" "${LOAD[$kind]}"
  done
  if [[ " $SERVERS " == *" gitnsd "* ]]; then
    echo
    echo "| ratio | QPS | QPS per server core | RSS |"
    echo "|---|---:|---:|---:|"
    for peer in knot nsd; do
      [[ " $SERVERS " == *" $peer "* ]] || continue
      echo "| gitnsd/$peer | $(ratio gitnsd "$peer" QPS) | $(ratio gitnsd "$peer" QPC) | $(ratio gitnsd "$peer" RSS) |"
    done
  fi
} | tee "${OUT:-/dev/null}"
