#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e, node --test) against a built app:
#   * a throw-away Prosody on free loopback ports with a fresh data dir,
#   * the app from $CONFAB_DIST (default dist/; built with `trunk build --release`
#     if it has no index.html) served on a free port,
#   * node --test over tests/e2e, one file at a time (a test stops/restarts Prosody);
# everything started here is stopped on exit. Extra arguments go to node, e.g.
#   bash scripts/e2e.sh --test-name-pattern=harness
#   bash scripts/e2e.sh tests/e2e/00-harness.test.mjs
# Environment: CONFAB_DIST, CONFAB_E2E_KEEP=1 (keep the Prosody data dir + log).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CONFAB_ROOT"

DIST="${CONFAB_DIST:-$CONFAB_ROOT/dist}"
if [ ! -f "$DIST/index.html" ]; then
  confab_step "no app in $DIST: trunk build --release --dist $DIST"
  cargo fetch -q
  trunk build --release --dist "$DIST"
fi
[ -d tests/e2e/node_modules ] || bash scripts/install.sh

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/confab-e2e.XXXXXX")"
export PROSODY_DATA="$RUN_DIR/prosody"
export PROSODY_C2S_PORT="$(confab_free_port)"
export PROSODY_HTTP_PORT="$(confab_free_port)"
while [ "$PROSODY_HTTP_PORT" = "$PROSODY_C2S_PORT" ]; do PROSODY_HTTP_PORT="$(confab_free_port)"; done
mkdir -p "$PROSODY_DATA" tests/e2e/artifacts

SERVE_PID=""
cleanup() {
  local rc=$?
  set +e
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  bash scripts/prosody.sh stop >/dev/null
  cp "$PROSODY_DATA/prosody.log" tests/e2e/artifacts/prosody.log 2>/dev/null
  if [ "${CONFAB_E2E_KEEP:-}" = 1 ]; then echo "e2e: kept $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

confab_step "e2e: start a throw-away Prosody (c2s 127.0.0.1:$PROSODY_C2S_PORT, http 127.0.0.1:$PROSODY_HTTP_PORT)"
bash scripts/prosody.sh start

confab_step "e2e: serve $DIST"
node scripts/serve.mjs --root "$DIST" --port 0 --host 127.0.0.1 >"$RUN_DIR/serve.out" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do grep -q '^serving ' "$RUN_DIR/serve.out" 2>/dev/null && break; sleep 0.1; done
CONFAB_E2E_APP_URL="$(sed -n 's/^serving .* at \(http:[^ ]*\)$/\1/p' "$RUN_DIR/serve.out")"
[ -n "$CONFAB_E2E_APP_URL" ] || { echo "e2e: static server did not start:"; cat "$RUN_DIR/serve.out"; exit 1; }
export CONFAB_E2E_APP_URL CONFAB_ROOT
echo "app: $CONFAB_E2E_APP_URL?server=ws://127.0.0.1:$PROSODY_HTTP_PORT/xmpp-websocket"

confab_step "e2e: node --test tests/e2e"
args=("$@")
has_path=0
for a in "${args[@]}"; do case "$a" in -*) ;; *) has_path=1 ;; esac; done
[ "$has_path" = 1 ] || args+=(tests/e2e)
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout "${args[@]}"
