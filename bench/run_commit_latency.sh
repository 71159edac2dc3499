#!/usr/bin/env bash
# Commit -> served latency of a one-record change in a 100,000-record zone, and the
# initial apply of that repository vs Knot loading the same zone file (issue 3).
#
#   bench/run_commit_latency.sh [--gitnsd PATH] [--variant zonefile|manifest|both]
#                               [--records 100000] [--runs 20] [--knot] [--out FILE.md]
#                               [--perf-data FILE]
#
# The work is done by bench/commit_latency.py (see its docstring): a git repository with
# one zone (records in a zoneFile master file, or in the manifest's records map), gitnsd
# --repo DIR --poll 0 on a free 127.0.0.1 port, then per run: change one A record,
# git commit, SIGHUP, poll the name with dnspython every 1 ms until the new address is
# served. Prints a markdown table (median, p99, min, max in ms) and gitnsd's own phase
# times (fetch/load/build/persist, from its "reconcile finished" log line).
set -Eeuo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=""
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
command -v git >/dev/null || { echo "missing git" >&2; exit 1; }
/usr/bin/python3 "$ROOT/bench/commit_latency.py" "${ARGS[@]}" | tee "${OUT:-/dev/null}"
