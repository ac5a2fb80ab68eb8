#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e, node --test) against a built app:
#   * a throw-away XMPP server on free loopback ports with a fresh data dir:
#     Prosody (scripts/prosody.sh) by default, ejabberd (scripts/ejabberd.sh)
#     with CONFAB_E2E_SERVER=ejabberd,
#   * the app from $CONFAB_DIST (default dist/; built with `trunk build --release`
#     if it has no index.html) served on a free port,
#   * node --test over tests/e2e, one file at a time (a test stops/restarts the server);
# everything started here is stopped on exit. Extra arguments go to node, e.g.
#   bash scripts/e2e.sh --test-name-pattern=harness
#   bash scripts/e2e.sh tests/e2e/00-harness.test.mjs
#   CONFAB_E2E_SERVER=ejabberd bash scripts/e2e.sh
# Environment: CONFAB_DIST, CONFAB_E2E_SERVER=prosody|ejabberd, CONFAB_E2E_KEEP=1
# (keep the server's data dir + log), PROSODY_LOGLEVEL / EJABBERD_LOGLEVEL
# (e.g. debug: every stanza in the log). The server log is copied to
# tests/e2e/artifacts/<server>.log.
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
if [ "${CONFAB_E2E_SERVER:-prosody}" = ejabberd ] && ! command -v ejabberdctl >/dev/null; then
  bash scripts/install.sh
fi

SERVER="${CONFAB_E2E_SERVER:-prosody}"
case "$SERVER" in
  prosody|ejabberd) ;;
  *) echo "e2e: CONFAB_E2E_SERVER=$SERVER: expected prosody or ejabberd" >&2; exit 2 ;;
esac
export CONFAB_E2E_SERVER="$SERVER"
SV="${SERVER^^}"   # PROSODY / EJABBERD: prefix of the server script's variables

# Tests that check a Prosody-only feature of the harness or of Prosody's
# config, left out on other servers: "server|test name (start)|reason".
EXCLUDED=(
  "ejabberd|5,000 messages seeded directly|06-seed: lib/seed.js's direct method writes Prosody's archive files (ejabberd's archive is in Mnesia); the live method is tested"
  "ejabberd|seeded bodies survive any characters; offline: true|06-seed: checks the direct method's archive ids and offline files (Prosody only)"
  "ejabberd|Create account renders the server's form|60-account: needs a host whose XEP-0077 form asks for more (Prosody's form.localhost with an e-mail field); ejabberd 23.01 offers only username + password (a data form only with CAPTCHA)"
)

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/confab-e2e.XXXXXX")"
DATA="$RUN_DIR/$SERVER"
C2S_PORT="$(confab_free_port)"
HTTP_PORT="$(confab_free_port)"
while [ "$HTTP_PORT" = "$C2S_PORT" ]; do HTTP_PORT="$(confab_free_port)"; done
export "${SV}_DATA=$DATA" "${SV}_C2S_PORT=$C2S_PORT" "${SV}_HTTP_PORT=$HTTP_PORT"
if [ "$SERVER" = ejabberd ]; then
  DIST_PORT="$(confab_free_port)"
  while [ "$DIST_PORT" = "$C2S_PORT" ] || [ "$DIST_PORT" = "$HTTP_PORT" ]; do DIST_PORT="$(confab_free_port)"; done
  export EJABBERD_DIST_PORT="$DIST_PORT"
  SERVER_LOG="$DATA/log/ejabberd.log"
else
  SERVER_LOG="$DATA/prosody.log"
fi
mkdir -p "$DATA" tests/e2e/artifacts

SERVE_PID=""
cleanup() {
  local rc=$?
  set +e
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  bash "scripts/$SERVER.sh" stop >/dev/null
  cp "$SERVER_LOG" "tests/e2e/artifacts/$SERVER.log" 2>/dev/null
  if [ "${CONFAB_E2E_KEEP:-}" = 1 ]; then echo "e2e: kept $RUN_DIR"; else rm -rf "$RUN_DIR"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

confab_step "e2e: start a throw-away $SERVER (c2s 127.0.0.1:$C2S_PORT, http 127.0.0.1:$HTTP_PORT)"
bash "scripts/$SERVER.sh" start

confab_step "e2e: serve $DIST"
node scripts/serve.mjs --root "$DIST" --port 0 --host 127.0.0.1 >"$RUN_DIR/serve.out" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do grep -q '^serving ' "$RUN_DIR/serve.out" 2>/dev/null && break; sleep 0.1; done
CONFAB_E2E_APP_URL="$(sed -n 's/^serving .* at \(http:[^ ]*\)$/\1/p' "$RUN_DIR/serve.out")"
[ -n "$CONFAB_E2E_APP_URL" ] || { echo "e2e: static server did not start:"; cat "$RUN_DIR/serve.out"; exit 1; }
export CONFAB_E2E_APP_URL CONFAB_ROOT
echo "app: $CONFAB_E2E_APP_URL?server=ws://127.0.0.1:$HTTP_PORT/xmpp-websocket"

confab_step "e2e: node --test tests/e2e"
args=("$@")
has_path=0
for a in "${args[@]}"; do case "$a" in -*) ;; *) has_path=1 ;; esac; done
[ "$has_path" = 1 ] || args+=(tests/e2e)
# Left-out tests: one name pattern that matches every other name (a negative
# look-ahead; node 20 has no --test-skip-pattern). They show as skipped.
# node runs a test if its name OR an ancestor's matches, so the pattern must
# not match the root test's name "<root>" either.
# (A --test-name-pattern of your own is OR-ed with it: it then runs them too.)
skip=()
for e in "${EXCLUDED[@]}"; do
  IFS='|' read -r srv name reason <<<"$e"
  [ "$srv" = "$SERVER" ] || continue
  echo "e2e: left out on $SERVER: \"$name…\" ($reason)"
  skip+=("$name")
done
if [ ${#skip[@]} -gt 0 ]; then
  args=("--test-name-pattern=$(node -e '
    const esc = (s) => s.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
    console.log(`^(?!<root>$)(?![^]*(?:${process.argv.slice(1).map(esc).join("|")}))`);' "${skip[@]}")" "${args[@]}")
fi
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout "${args[@]}"
