#!/usr/bin/env bash
# Runs every Confab test; this is also what CI runs (.ci/run). Steps:
#   1. install missing tools (scripts/install.sh; a no-op when all is there)
#   2. cargo fetch (trunk builds offline)
#   3. dependency rule: src/xmpp, src/chat, src/store (except src/store/indexed_db/)
#      must not mention web_sys, wasm_bindgen, leptos, gloo_net, indexed_db_futures
#   4. native unit tests: cargo test
#   5. browser tests: cargo test --target wasm32-unknown-unknown (headless Chromium)
#   6. trunk build --release (into target/dist-e2e, leaving dist/ to scripts/run.sh)
#   7. end-to-end tests: scripts/e2e.sh (throw-away Prosody + served app + node --test)
# Every step runs even if an earlier one failed (except what depends on it);
# the exit code is non-zero if anything failed. Logs: target/test-logs/.
# Environment: CONFAB_SKIP_E2E=1 skips step 7 (it is then reported as skipped).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CONFAB_ROOT"

LOGS="$CONFAB_ROOT/target/test-logs"
mkdir -p "$LOGS"
T0=$(date +%s)
declare -a SUMMARY=()
TOTAL_PASS=0 TOTAL_FAIL=0 TOTAL_SKIP=0 STEP_FAIL=0

# count_tests LOG: adds the test counts a runner printed to the totals;
# prints "P F S" (or nothing if the log has no runner summary).
count_tests() {
  local log="$1" p=0 f=0 s=0 found=0 line
  # cargo test / wasm-bindgen-test-runner: "test result: ok. 3 passed; 0 failed; 1 ignored; ..."
  while IFS= read -r line; do
    found=1
    p=$((p + $(sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p' <<<"$line")))
    f=$((f + $(sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p' <<<"$line")))
    s=$((s + $(sed -n 's/.* \([0-9][0-9]*\) ignored.*/\1/p' <<<"$line")))
  done < <(grep -aE '^test result: ' "$log" | sed 's/\x1b\[[0-9;]*m//g')
  # node --test (spec reporter): "ℹ pass 3" / "ℹ fail 1" / "ℹ skipped 0" (tap: "# pass 3")
  local np nf ns
  np=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -nE 's/^(ℹ|#) pass ([0-9]+)$/\2/p' | tail -n1)
  nf=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -nE 's/^(ℹ|#) fail ([0-9]+)$/\2/p' | tail -n1)
  ns=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -nE 's/^(ℹ|#) skipped ([0-9]+)$/\2/p' | tail -n1)
  if [ -n "$np" ] || [ -n "$nf" ]; then
    found=1; p=$((p + ${np:-0})); f=$((f + ${nf:-0})); s=$((s + ${ns:-0}))
  fi
  [ "$found" = 1 ] && echo "$p $f $s"
}

# step NAME CMD...: runs CMD with its output shown and logged; records the result.
step() {
  local name="$1"; shift
  local log="$LOGS/$name.log" t=$(date +%s) rc counts
  confab_step "[$name] $*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local dt=$(( $(date +%s) - t ))
  counts=$(count_tests "$log")
  if [ -n "$counts" ]; then
    read -r p f s <<<"$counts"
    TOTAL_PASS=$((TOTAL_PASS + p)); TOTAL_FAIL=$((TOTAL_FAIL + f)); TOTAL_SKIP=$((TOTAL_SKIP + s))
    counts=" ($p passed, $f failed, $s skipped)"
  fi
  if [ "$rc" = 0 ]; then
    SUMMARY+=("ok    $name ${dt}s$counts")
  else
    SUMMARY+=("FAIL  $name ${dt}s$counts (exit $rc, log $log)")
    STEP_FAIL=$((STEP_FAIL + 1))
  fi
  return "$rc"
}
skip() { SUMMARY+=("skip  $1 ($2)"); }

dependency_rule() {
  local bad
  bad=$( { find src/xmpp src/chat src/store src/discovery.rs -path src/store/indexed_db -prune -o -type f -name '*.rs' -print 2>/dev/null || true; } \
    | xargs -r grep -nE '\b(web_sys|wasm_bindgen|js_sys|leptos|gloo_net|indexed_db_futures)' || true)
  if [ -n "$bad" ]; then
    echo "dependency rule broken: platform-independent code (src/xmpp, src/chat, src/store outside"
    echo "src/store/indexed_db/) must not use browser crates:"
    echo "$bad"
    return 1
  fi
  echo "dependency rule ok: src/xmpp, src/chat, src/store (except indexed_db/) use no browser crates"
}

# The browser tests of the WebSocket shell (tests/net_web.rs) talk to a real
# Prosody: start a throw-away one on free ports and compile its URL in.
wasm_tests() {
  local dir rc
  dir="$(mktemp -d "${TMPDIR:-/tmp}/confab-wasm.XXXXXX")"
  export PROSODY_DATA="$dir/prosody" PROSODY_C2S_PORT="$(confab_free_port)" PROSODY_HTTP_PORT="$(confab_free_port)"
  while [ "$PROSODY_HTTP_PORT" = "$PROSODY_C2S_PORT" ]; do PROSODY_HTTP_PORT="$(confab_free_port)"; done
  bash scripts/prosody.sh start || return 1
  CONFAB_TEST_WS="ws://127.0.0.1:$PROSODY_HTTP_PORT/xmpp-websocket" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  CHROMEDRIVER="$CHROMEDRIVER" \
    cargo test --target wasm32-unknown-unknown
  rc=$?
  bash scripts/prosody.sh stop || true
  rm -rf "$dir"
  unset PROSODY_DATA PROSODY_C2S_PORT PROSODY_HTTP_PORT
  return "$rc"
}

step install bash scripts/install.sh || {
  echo "install failed: cannot go on"; printf '%s\n' "${SUMMARY[@]}"; echo "test.sh: 0 passed, 1 failed"; exit 1; }
step fetch cargo fetch
step dependency-rule dependency_rule
step native-tests cargo test
step browser-tests wasm_tests
DIST_E2E="$CONFAB_ROOT/target/dist-e2e"
if step release-build trunk build --release --dist "$DIST_E2E"; then
  if [ "${CONFAB_SKIP_E2E:-}" = 1 ]; then
    skip e2e "CONFAB_SKIP_E2E=1"
  else
    step e2e env CONFAB_DIST="$DIST_E2E" bash scripts/e2e.sh
  fi
else
  skip e2e "no release build"
fi

echo
echo "==> summary ($(( $(date +%s) - T0 ))s total)"
printf '  %s\n' "${SUMMARY[@]}"
# Failed steps that printed no test counts (build errors, rule check) count as one failure each.
FAILED=$TOTAL_FAIL
for l in "${SUMMARY[@]}"; do
  case "$l" in FAIL*) [[ "$l" == *" failed, "* ]] || FAILED=$((FAILED + 1)) ;; esac
done
[ "$STEP_FAIL" -gt 0 ] && [ "$FAILED" = 0 ] && FAILED=$STEP_FAIL
echo "test.sh: $TOTAL_PASS passed, $FAILED failed, $TOTAL_SKIP skipped"
[ "$STEP_FAIL" = 0 ]
