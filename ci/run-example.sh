#!/usr/bin/env bash
# Builds gitns (ci/build.sh) and runs gitnsd in the foreground serving the example zones in
# examples/zones on 127.0.0.1:1053 (Ctrl-C stops it).
# Usage: ci/run-example.sh [LISTEN_ADDR:PORT]       (default 127.0.0.1:1053)
set -euo pipefail
cd "$(dirname "$0")/.."
LISTEN=${1:-127.0.0.1:1053}
ci/build.sh build
GITNSD=build/controller/daemon/gitnsd
if [ ! -x "$GITNSD" ]; then
  echo "run-example: $GITNSD was not built (controller/daemon/main.cpp missing?)" >&2
  exit 1
fi
HOST=${LISTEN%:*}
PORT=${LISTEN##*:}
cat <<MSG

gitnsd is starting on $LISTEN with the zones in examples/zones:
$(for f in examples/zones/*.zone; do b=$(basename "$f" .zone); echo "  $b.  ($f)"; done)

Query it from another terminal, for example:
  dig @$HOST -p $PORT www.example.com A
  dig @$HOST -p $PORT example.com MX +norec
  dig @$HOST -p $PORT big.example.com TXT +tcp
  kdig @$HOST -p $PORT anything.wild.example.com A

Ctrl-C stops it.
MSG
exec "$GITNSD" --zone-dir examples/zones --listen "$LISTEN"
