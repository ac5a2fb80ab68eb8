#!/usr/bin/env bash
# Runs Confab locally: installs what is missing, starts a local Prosody
# (c2s 127.0.0.1:5222, HTTP/WebSocket 127.0.0.1:5280) with the demo accounts
# alice/alicepass and bob/bobpass (contacts of each other), builds the app
# (trunk build --release), and serves it on http://127.0.0.1:8080.
# Ctrl-C stops the web server and Prosody.
#
# Environment: PROSODY_C2S_PORT [5222], PROSODY_HTTP_PORT [5280], CONFAB_PORT [8080],
#              PROSODY_DATA [target/prosody] (accounts and history are kept there).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CONFAB_ROOT"

export PROSODY_DATA="${PROSODY_DATA:-$CONFAB_ROOT/target/prosody}"
export PROSODY_C2S_PORT="${PROSODY_C2S_PORT:-5222}"
export PROSODY_HTTP_PORT="${PROSODY_HTTP_PORT:-5280}"
PORT="${CONFAB_PORT:-8080}"
WS="ws://127.0.0.1:$PROSODY_HTTP_PORT/xmpp-websocket"

confab_step "install missing tools"
bash scripts/install.sh

confab_step "build: cargo fetch + trunk build --release"
cargo fetch
trunk build --release
printf '{"server":"%s"}\n' "$WS" > dist/config.json
echo "wrote dist/config.json: $(cat dist/config.json)"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port 127.0.0.1:$PORT is in use; set CONFAB_PORT" >&2; exit 1
fi

confab_step "start Prosody"
bash scripts/prosody.sh start
trap 'echo; bash scripts/prosody.sh stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

confab_step "demo accounts"
bash scripts/prosody.sh register alice alicepass
bash scripts/prosody.sh register bob bobpass
if [ ! -f "$PROSODY_DATA/.demo-contacts" ]; then
  # alice and bob become mutual contacts once (through @xmpp/client).
  if node --input-type=module -e "
      const { makeContacts } = await import('$CONFAB_ROOT/tests/e2e/lib/xmpp.js');
      await makeContacts({ user: 'alice', password: 'alicepass' }, { user: 'bob', password: 'bobpass' });
      process.exit(0);" 2>&1; then
    touch "$PROSODY_DATA/.demo-contacts"; echo "alice and bob are contacts"
  else
    echo "(could not make alice and bob contacts; add each other in the app)"
  fi
fi

confab_step "serving Confab"
cat <<MSG
  open   http://127.0.0.1:$PORT/
  server $WS (prefilled from dist/config.json)
  sign in as alice@localhost / alicepass or bob@localhost / bobpass,
  or "Create account" for a new one. Ctrl-C stops everything.
MSG
node scripts/serve.mjs --root dist --port "$PORT" --host 127.0.0.1
