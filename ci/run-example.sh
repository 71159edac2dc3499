#!/usr/bin/env bash
# Builds gitns (ci/build.sh) and runs gitnsd in the foreground, watching a git repository
# made from examples/repo, with DNS on 127.0.0.1:1053 and the HTTP API on 127.0.0.1:8053
# (Ctrl-C stops it). The admin password is written to a file in the temporary folder.
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
# The first admin's password, and the webhook's shared secret, live in files (never in git).
head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$WORK/admin-password"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$WORK/webhook-secret"
chmod 600 "$WORK/admin-password" "$WORK/webhook-secret"
HTTP=${GITNS_HTTP:-127.0.0.1:8053}
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

The HTTP API is on http://$HTTP (user admin, password in $WORK/admin-password):
  TOKEN=\$(curl -s http://$HTTP/api/v1/login -d "{\"username\":\"admin\",\"password\":\"\$(cat $WORK/admin-password)\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  curl -s -H "Authorization: Bearer \$TOKEN" http://$HTTP/api/v1/status
  curl -s -H "Authorization: Bearer \$TOKEN" http://$HTTP/api/v1/zones
  curl -s -H "Authorization: Bearer \$TOKEN" -X POST "http://$HTTP/api/v1/reconcile?wait=true"

Ctrl-C stops it.
MSG
exec "$GITNSD" --repo "$REPO" --state-dir "$WORK/state" --poll 5s --listen "$LISTEN" \
  --http "$HTTP" --admin-password-file "$WORK/admin-password" \
  --webhook-secret-file "$WORK/webhook-secret"
