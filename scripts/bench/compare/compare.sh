#!/usr/bin/env bash
# Confab beside the raw floor client and Converse.js in one run (used by
# `bash scripts/bench.sh --only compare`). Installs what is missing (npm:
# converse.js + playwright-core into converse/node_modules; pip: slixmpp into
# .venv, through peer/peer.sh), starts the harness Prosody on free loopback
# ports, creates the fixtures (kept in data/ between runs: fixtures.sh is
# idempotent; COMPARE_RESET=1 wipes them), runs compare.mjs and stops Prosody.
# Arguments go to compare.mjs (e.g. --runs 1 --scenarios cold,latency).
# CONFAB_DIST (set by scripts/bench.sh) is the Confab build that is measured.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
if [[ ! -d converse/node_modules/converse.js || ! -d converse/node_modules/playwright-core ]]; then
  (cd converse && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
# a Prosody left behind by an interrupted run listens on other ports: stop it
bash prosody/stop-prosody.sh >/dev/null 2>&1 || true
export HARNESS_C2S_PORT="${HARNESS_C2S_PORT:-$(free_port)}" HARNESS_HTTP_PORT="${HARNESS_HTTP_PORT:-$(free_port)}"
trap 'bash "$HERE/prosody/stop-prosody.sh" >/dev/null 2>&1 || true' EXIT
mkdir -p data
bash fixtures.sh ${COMPARE_RESET:+--reset} >data/fixtures.log 2>&1 || { cat data/fixtures.log >&2; exit 1; }
node compare.mjs "$@"
