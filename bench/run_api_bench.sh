#!/usr/bin/env bash
# Does the HTTP API slow DNS? dnsperf QPS against one gitnsd (with its HTTP listener on)
# alone, then with a concurrent wrk load on GET /api/v1/status (viewer token) and
# GET /metrics, reported as a ratio (issue 4, "Benchmark").
#
#   bench/run_api_bench.sh [--gitnsd PATH] [--duration 15] [--names 100000] [--threads N]
#                          [--clients 4] [--outstanding 200] [--wrk-connections 2]
#                          [--rounds 3] [--out FILE.md]
#
# One gitnsd serves the bench zone (bench/gen_zone.py) with --http on loopback. Each round
# runs, on that same process, a dnsperf run alone and then one while two wrk processes
# (one thread, --wrk-connections connections each) hammer /api/v1/status and /metrics
# for the whole run; pidstat samples gitnsd meanwhile. Rounds alternate the two modes so
# that other jobs on the machine disturb both alike; the table lists every round and the
# median ratio. On 2 cores dnsperf takes about one core and wrk competes for the rest:
# the ratio measures what the API costs DNS on a saturated small machine (CPU share, the
# counters summed at each scrape), not lock contention, which the query path does not have.
set -Eeuo pipefail
trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
LIB="$ROOT/tests/integration/gitns_testlib.py"

GITNSD="$ROOT/build/controller/daemon/gitnsd"
DURATION=15
NAMES=100000
THREADS=$(nproc)
CLIENTS=4
OUTSTANDING=200
WRK_CONNECTIONS=2
ROUNDS=3
OUT=""

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --gitnsd) GITNSD=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --names) NAMES=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --outstanding) OUTSTANDING=$2; shift 2 ;;
    --wrk-connections) WRK_CONNECTIONS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in dnsperf pidstat wrk; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run ci/install-deps.sh" >&2; exit 1; }
done
[ -x "$GITNSD" ] || { echo "gitnsd not found at $GITNSD (ci/build.sh, or --gitnsd PATH)" >&2; exit 1; }
"$GITNSD" --help 2>&1 | grep -q -- '--http ' ||
  { echo "$GITNSD has no --http flag: build a gitnsd with the HTTP API" >&2; exit 1; }

WORK=$(mktemp -d /tmp/gitns-api-bench.XXXXXX)
GITNSD_PID=""
WRK_PIDS=()
cleanup() {
  for p in "${WRK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$GITNSD_PID" ]; then kill "$GITNSD_PID" 2>/dev/null || true; wait "$GITNSD_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# generating the zone ($NAMES names) in $WORK" >&2
$PY "$ROOT/bench/gen_zone.py" --names "$NAMES" --out-dir "$WORK" >&2
ZONE="$WORK/bench.test.zone"
QUERIES="$WORK/queries.txt"

DNS_PORT=$($PY "$LIB" free-port)
HTTP_PORT=$($PY "$LIB" free-port)
PASSWORD="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$PASSWORD" >"$WORK/admin-password"
mkdir -p "$WORK/state"
echo "# gitnsd: DNS 127.0.0.1:$DNS_PORT, HTTP 127.0.0.1:$HTTP_PORT, $THREADS threads" >&2
"$GITNSD" --zone "bench.test.=$ZONE" --listen "127.0.0.1:$DNS_PORT" --threads "$THREADS" \
  --state-dir "$WORK/state" --http "127.0.0.1:$HTTP_PORT" \
  --admin-password-file "$WORK/admin-password" >"$WORK/gitnsd.log" 2>&1 &
GITNSD_PID=$!
$PY "$LIB" wait --port "$DNS_PORT" --qname n0.bench.test. --timeout 600 >/dev/null ||
  { cat "$WORK/gitnsd.log" >&2; exit 1; }

# A viewer-or-better token for /api/v1/status (the admin's session from /api/v1/login).
TOKEN=$($PY - "$HTTP_PORT" "$PASSWORD" <<'EOF'
import json, sys, time, urllib.request
port, password = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 60
while True:
    try:
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/login",
            data=json.dumps({"username": "admin", "password": password}).encode(),
            headers={"Content-Type": "application/json"})
        print(json.load(urllib.request.urlopen(req, timeout=10))["token"])
        break
    except OSError as e:
        if time.monotonic() > deadline:
            sys.exit(f"login to 127.0.0.1:{port} failed: {e}")
        time.sleep(0.2)
EOF
)
for path in /api/v1/status /metrics; do
  code=$($PY - "$HTTP_PORT" "$path" "$TOKEN" <<'EOF'
import sys, urllib.request
port, path, token = sys.argv[1:4]
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                             headers={"Authorization": f"Bearer {token}"})
print(urllib.request.urlopen(req, timeout=10).status)
EOF
)
  [ "$code" = 200 ] || { echo "GET $path answered $code" >&2; exit 1; }
done

PERF_ARGS=(-s 127.0.0.1 -p "$DNS_PORT" -d "$QUERIES" -c "$CLIENTS" -q "$OUTSTANDING" -t 2)
WRK_ARGS=(-t 1 -c "$WRK_CONNECTIONS" -d "$((DURATION + 2))s" --timeout 5s)

dnsperf_qps() { sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' "$1" | head -1; }
wrk_rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1" | head -1; }
# pidstat's %CPU of gitnsd over the run (all its threads: DNS workers and HTTP).
pidstat_cpu() {
  awk '/^#/ { for (i = 1; i <= NF; i++) if ($i == "%CPU") col = i - 1; next }
       col && NF > col && $1 ~ /^[0-9:]+$/ { print $col; exit }' "$1"
}

# measure MODE ROUND: one dnsperf run; MODE "load" adds the two wrk processes.
measure() {
  local mode=$1 round=$2 base="$WORK/$1.$2" pidstat_pid
  WRK_PIDS=()
  if [ "$mode" = load ]; then
    wrk "${WRK_ARGS[@]}" -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$HTTP_PORT/api/v1/status" >"$base.wrk-status" 2>&1 &
    WRK_PIDS+=($!)
    wrk "${WRK_ARGS[@]}" "http://127.0.0.1:$HTTP_PORT/metrics" >"$base.wrk-metrics" 2>&1 &
    WRK_PIDS+=($!)
    sleep 1
  fi
  LC_ALL=C pidstat -h -u -p "$GITNSD_PID" "$DURATION" 1 >"$base.pidstat" 2>&1 &
  pidstat_pid=$!
  dnsperf "${PERF_ARGS[@]}" -l "$DURATION" >"$base.dnsperf" 2>&1
  wait "$pidstat_pid" || true
  for p in "${WRK_PIDS[@]}"; do wait "$p" || true; done
  WRK_PIDS=()
  R_QPS=$(dnsperf_qps "$base.dnsperf")
  R_CPU=$(pidstat_cpu "$base.pidstat")
  R_STATUS_RPS="-" R_METRICS_RPS="-"
  if [ "$mode" = load ]; then
    R_STATUS_RPS=$(wrk_rps "$base.wrk-status")
    R_METRICS_RPS=$(wrk_rps "$base.wrk-metrics")
    if grep -q "Non-2xx" "$base.wrk-status" "$base.wrk-metrics"; then
      echo "wrk saw non-2xx answers:" >&2
      cat "$base.wrk-status" "$base.wrk-metrics" >&2
      exit 1
    fi
  fi
  echo "# round $round $mode: $R_QPS QPS, gitnsd CPU $R_CPU%," \
       "status $R_STATUS_RPS req/s, metrics $R_METRICS_RPS req/s" >&2
}

dnsperf "${PERF_ARGS[@]}" -l 3 >/dev/null 2>&1  # warm-up
ROWS=()
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which mode goes first, so a trend in the machine's load hits both.
  if [ $((round % 2)) = 1 ]; then order="alone load"; else order="load alone"; fi
  for mode in $order; do
    measure "$mode" "$round"
    if [ "$mode" = alone ]; then
      A_QPS=$R_QPS A_CPU=$R_CPU
    else
      L_QPS=$R_QPS L_CPU=$R_CPU L_STATUS=$R_STATUS_RPS L_METRICS=$R_METRICS_RPS
    fi
  done
  ratio=$(awk -v a="$L_QPS" -v b="$A_QPS" 'BEGIN {printf "%.3f", a / b}')
  RATIOS+=("$ratio")
  ROWS+=("$(printf '| %s | %.0f | %s | %.0f | %s | %.0f | %.0f | %s |' "$round" "$A_QPS" "$A_CPU" \
            "$L_QPS" "$L_CPU" "$L_STATUS" "$L_METRICS" "$ratio")")
done
MEDIAN=$(printf '%s\n' "${RATIOS[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')

{
  echo "Zone: $NAMES names, $THREADS gitnsd DNS threads, $(nproc) cores, $(uname -r)."
  echo "dnsperf ${PERF_ARGS[*]/$QUERIES/queries.txt} -l $DURATION; load: two" \
       "\`wrk ${WRK_ARGS[*]}\`, one on /api/v1/status (Bearer token) and one on /metrics."
  echo
  echo "| round | QPS alone | gitnsd CPU % | QPS with API load | gitnsd CPU % | /api/v1/status req/s | /metrics req/s | ratio |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Median ratio (QPS with API load / QPS alone): $MEDIAN"
} | tee "${OUT:-/dev/null}"
