#!/usr/bin/env bash
# Builds gitns (ci/build.sh) and runs gitnsd in the foreground, watching a git repository
# made from examples/repo, with DNS on 127.0.0.1:1053 (Ctrl-C stops it).
#
#   ci/run-example.sh [--zones] [LISTEN_ADDR:PORT]
#
# The repository is a copy of examples/repo in a fresh folder (printed below), committed
# on branch main with an explicit identity, so that you can commit changes to it and
# watch gitnsd apply them. --zones serves the plain zone files in examples/zones instead.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=repo
if [ "${1:-}" = "--zones" ]; then MODE=zones; shift; fi
LISTEN=${1:-127.0.0.1:1053}
ci/build.sh build
GITNSD=$PWD/build/controller/daemon/gitnsd
HOST=${LISTEN%:*}
PORT=${LISTEN##*:}

if [ "$MODE" = zones ]; then
  echo "gitnsd: serving examples/zones/*.zone on $LISTEN (Ctrl-C stops it)"
  exec "$GITNSD" --zone-dir examples/zones --listen "$LISTEN"
fi

WORK=$(mktemp -d /tmp/gitns-example.XXXXXX)
REPO=$WORK/repo
cp -r examples/repo "$REPO"
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name="gitns example" -c user.email=example@gitns.invalid \
  commit -qm "Initial zones from examples/repo"
# The example TsigKey reads its secret from this variable (never from git).
export GITNS_XFR_SECRET=${GITNS_XFR_SECRET:-$(head -c 32 /dev/urandom | base64)}
cat <<MSG

gitnsd is starting on $LISTEN, watching the git repository
  $REPO
(state in $WORK/state; status in $WORK/state/status.json).

Query it from another terminal:
  dig @$HOST -p $PORT mail.example.com A
  dig @$HOST -p $PORT www.example.com A
  dig @$HOST -p $PORT www.example.net AAAA +norec

Change a record and commit; gitnsd applies it on the next poll (5 s) or at once on SIGHUP:
  cd $REPO
  sed -i 's/value: 192.0.2.25/value: 192.0.2.99/' zones/example.com.yaml
  git -c user.name=you -c user.email=you@example.com commit -qam "Move mail"
  pkill -HUP -x gitnsd
  dig @$HOST -p $PORT mail.example.com A +short

Ctrl-C stops it.
MSG
exec "$GITNSD" --repo "$REPO" --state-dir "$WORK/state" --poll 5s --listen "$LISTEN"
