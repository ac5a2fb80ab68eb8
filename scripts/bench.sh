#!/usr/bin/env bash
# Confab benchmark: prints figures, never pass/fail.
#   1. release bundle size: the wasm module and the JS glue in dist/, raw and gzip -9
#   2. start-up time in headless Chromium against a throw-away local Prosody
#      (scripts/bench/startup.mjs, median of N runs, a fresh browser profile each):
#        cold  navigation (app URL with ?server=) -> sign-in form shown, then
#              click "Sign in" (form filled by the driver) -> chat list
#              (navigation "Chats") visible; reported from navigation start and
#              from the click
#        warm  with "Remember me" ticked in that run, a reload -> chat list visible
#              (the remembered session, from IndexedDB, no form)
#   3. delivery (issue 3; scripts/bench/delivery.mjs, same Prosody, median of
#      --delivery-runs runs, fresh profile and accounts each):
#        catch-up  5,000 messages archived while the remembered session was away
#                  (written into the archive, tests/e2e/lib/seed.js), then the
#                  app opened again: navigation -> chat-list badge "5000 unread",
#                  -> Connection "Updating…", -> "Online" after the catch-up
#        outbox    through tests/e2e/lib/proxy.js: network held, 20 messages typed
#                  (Pending), network released -> Connection "Online", -> none of
#                  the 20 left Pending
#      Not yet here: catch-up and outbox for the raw floor client and
#      Converse.js (see scripts/bench/README.md).
#   4. big rooms (issue 4; scripts/bench/rooms.mjs, same Prosody): a room on
#      conference.localhost with --rooms-occupants occupants (default 2,000:
#      raw c2s sessions from tests/e2e/lib/crowd.js) and --rooms-messages
#      archived groupchat messages (default 10,000, sent for real, mod_muc_mam):
#        burst  the crowd joins while an app has the room's Members open:
#               main-thread long tasks during it, fill end -> full count shown
#        join   median of --rooms-runs runs (fresh profile and account each):
#               click "Join" -> group open, -> Members "N members" (N = all +
#               us), -> a member row, -> newest archived message; long tasks
#               until then; "Load older messages" -> an older page shown
#      The room is filled once per bench (the server's cost is quadratic in
#      the occupants: every presence goes to every occupant; minutes for 2,000).
#   5. room catch-up (issue 4; scripts/bench/room-catchup.mjs, same Prosody,
#      --room-catchup-runs runs, fresh profile and accounts each): a member's
#      remembered session joined a room of a few occupants once (so it has
#      the room's archive cursor) and was closed; --room-catchup-messages
#      groupchat messages (default 10,000, sent for real) are posted; the app
#      is opened again:
#        (i)  chat list only: reopen -> "Updating…", -> group badge "N unread",
#             -> "Online" after the catch-up, -> all N in IndexedDB; long tasks
#        (ii) the group clicked as soon as the list shows: click -> log shown,
#             reopen -> joined, -> newest message, -> "Online"; typing in the
#             composer while "Updating…"; long tasks; "Load older messages"
#   6. comparison (scripts/bench/compare/, a copy of the shared measurement
#      harness): Confab beside the raw floor client and Converse.js on one
#      Prosody with the same fixtures, --compare-runs runs per scenario and
#      client: cold start, MAM history (1,000 / 5,000), 200-contact roster,
#      round trip to an echo peer, warm start, memory, and the JS + wasm each
#      loads; a table per scenario with the ratios Confab/raw, Confab/Converse
#      (needs npm for converse.js and pip for slixmpp on first use)
#   7. throughput, natively (examples/throughput.rs, release build): messages
#      per second through the chat reducer + MemoryStore, and the store's batch
#      writes, paging and dedup lookups
# Builds dist/ with `trunk build --release` first if it is missing or older than
# the sources. Later issues extend this script (history, roster size, latency,
# memory, comparison with the shared harness); keep its output format stable.
#
#   bash scripts/bench.sh [--runs N] [--delivery-runs N] [--rooms-runs N]   (defaults 5, 3, 2)
#     [--rooms-occupants N] [--rooms-messages N]   (defaults 2000, 10000)
#     [--compare-runs N]   (default 2)
#     [--room-catchup-runs N] [--room-catchup-messages N]   (defaults 1, 10000)
#     [--only size|startup|delivery|rooms|room-catchup|compare|throughput]   (one section; repeatable)
#   CONFAB_DIST=target/dist-e2e bash scripts/bench.sh   (an existing build, no rebuild)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CONFAB_ROOT"
RUNS=5
DELIVERY_RUNS=3
ROOMS_RUNS=2
ROOMS_OCCUPANTS=2000
ROOMS_MESSAGES=10000
COMPARE_RUNS=2
ROOM_CATCHUP_RUNS=1
ROOM_CATCHUP_MESSAGES=10000
ONLY=""
while [ $# -gt 0 ]; do case "$1" in
  --runs) RUNS="$2"; shift 2 ;;
  --delivery-runs) DELIVERY_RUNS="$2"; shift 2 ;;
  --rooms-runs) ROOMS_RUNS="$2"; shift 2 ;;
  --rooms-occupants) ROOMS_OCCUPANTS="$2"; shift 2 ;;
  --rooms-messages) ROOMS_MESSAGES="$2"; shift 2 ;;
  --compare-runs) COMPARE_RUNS="$2"; shift 2 ;;
  --room-catchup-runs) ROOM_CATCHUP_RUNS="$2"; shift 2 ;;
  --room-catchup-messages) ROOM_CATCHUP_MESSAGES="$2"; shift 2 ;;
  --only) ONLY="$ONLY $2"; shift 2 ;;
  *) echo "unknown argument $1" >&2; exit 2 ;;
esac; done

bash scripts/install.sh >/dev/null
# want SECTION: true when SECTION runs (all of them without --only).
want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

DIST="$CONFAB_ROOT/dist"
# CONFAB_DIST=<dir>: measure that existing build instead (no rebuild).
if [ -n "${CONFAB_DIST:-}" ]; then
  DIST="$(cd "$CONFAB_DIST" && pwd)"
elif [ ! -f "$DIST/index.html" ] || [ -n "$(find src Cargo.toml Cargo.lock index.html Trunk.toml style -newer "$DIST/index.html" -print -quit 2>/dev/null)" ]; then
  confab_step "bench: trunk build --release"
  cargo fetch -q
  trunk build --release
fi

if want size; then
confab_step "bench: release bundle size ($(basename "$DIST")/)"
total_raw=0 total_gz=0
printf '  %-44s %12s %12s\n' file raw "gzip -9"
for f in "$DIST"/*.wasm "$DIST"/*.js; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-44s %12d %12d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '  %-44s %12d %12d\n' "total (wasm + js)" "$total_raw" "$total_gz"
fi

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/confab-bench.XXXXXX")"
export PROSODY_DATA="$RUN_DIR/prosody"
export PROSODY_C2S_PORT="$(confab_free_port)" PROSODY_HTTP_PORT="$(confab_free_port)"
SERVE_PID=""
cleanup() { set +e; [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; bash scripts/prosody.sh stop >/dev/null; rm -rf "$RUN_DIR"; }
trap cleanup EXIT
bash scripts/prosody.sh start >/dev/null
bash scripts/prosody.sh register bench benchpass >/dev/null
node scripts/serve.mjs --root "$DIST" --port 0 >"$RUN_DIR/serve.out" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do grep -q '^serving ' "$RUN_DIR/serve.out" 2>/dev/null && break; sleep 0.1; done
APP="$(sed -n 's/^serving .* at \(http:[^ ]*\)$/\1/p' "$RUN_DIR/serve.out")"
if want startup; then
confab_step "bench: start-up time ($RUNS runs, fresh profile each)"
node scripts/bench/startup.mjs --app "$APP" --server "ws://127.0.0.1:$PROSODY_HTTP_PORT/xmpp-websocket" \
  --jid bench@localhost --password benchpass --runs "$RUNS" --profiles "$RUN_DIR/profiles" || true
fi

if want delivery; then
confab_step "bench: delivery ($DELIVERY_RUNS runs, fresh profile and accounts each)"
node scripts/bench/delivery.mjs --app "$APP" --runs "$DELIVERY_RUNS" || true
fi

if want rooms; then
confab_step "bench: big rooms ($ROOMS_OCCUPANTS occupants, $ROOMS_MESSAGES archived messages, $ROOMS_RUNS runs)"
node scripts/bench/rooms.mjs --app "$APP" --runs "$ROOMS_RUNS" \
  --occupants "$ROOMS_OCCUPANTS" --messages "$ROOMS_MESSAGES" || true
fi

if want compare; then
confab_step "bench: Confab beside the raw floor client and Converse.js ($COMPARE_RUNS runs per scenario and client)"
CONFAB_DIST="$DIST" bash scripts/bench/compare/compare.sh --runs "$COMPARE_RUNS" || true
fi

if want room-catchup; then
confab_step "bench: room catch-up ($ROOM_CATCHUP_MESSAGES messages while closed, $ROOM_CATCHUP_RUNS runs)"
node scripts/bench/room-catchup.mjs --app "$APP" --runs "$ROOM_CATCHUP_RUNS" \
  --messages "$ROOM_CATCHUP_MESSAGES" || true
fi

if want throughput; then
confab_step "bench: reducer + store throughput (native, cargo run --release --example throughput)"
cargo run -q --release --example throughput || true
fi
