#!/usr/bin/env bash
# Moves draft end-to-end tests from tests/e2e/pending/ into the suite
# (tests/e2e/), once the feature they test has landed:
#   bash scripts/promote-pending.sh 91-socket-cut [92-server-down-reload ...]
#   bash scripts/promote-pending.sh --all
# `git mv`s each file and rewrites its imports ('../lib/' -> './lib/'). The
# pendingSkip() guard in a moved file is a no-op outside pending/, so it may
# stay. Run a draft in place first with:
#   CONFAB_E2E_PENDING=1 bash scripts/e2e.sh tests/e2e/pending/91-socket-cut.test.mjs
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -gt 0 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
names=("$@")
if [ "$1" = --all ]; then
  names=()
  for f in tests/e2e/pending/*.test.mjs; do [ -e "$f" ] && names+=("$(basename "$f" .test.mjs)"); done
fi
for n in "${names[@]}"; do
  n="${n%.test.mjs}"
  src="tests/e2e/pending/$n.test.mjs" dst="tests/e2e/$n.test.mjs"
  [ -f "$src" ] || { echo "promote-pending: no $src" >&2; exit 1; }
  [ -e "$dst" ] && { echo "promote-pending: $dst exists" >&2; exit 1; }
  git mv "$src" "$dst"
  sed -i "s#from '\.\./lib/#from './lib/#g" "$dst"
  echo "promoted $dst"
done
