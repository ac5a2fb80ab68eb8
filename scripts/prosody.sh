#!/usr/bin/env bash
# Control a local Prosody that uses Confab's config (scripts/prosody/confab.cfg.lua).
#
#   scripts/prosody.sh start              start in the background, wait until c2s + HTTP answer
#   scripts/prosody.sh stop               stop the instance started from this data dir
#   scripts/prosody.sh status             exit 0 if it runs
#   scripts/prosody.sh register USER PASS [HOST]   create (or reset the password of) USER@HOST
#
# Environment (defaults in brackets):
#   PROSODY_DATA       data directory [target/prosody]; created if missing
#   PROSODY_C2S_PORT   [5222]   PROSODY_HTTP_PORT [5280]   PROSODY_INTERFACE [127.0.0.1]
# The log is $PROSODY_DATA/prosody.log, the pid $PROSODY_DATA/prosody.pid.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

PROSODY_DATA="${PROSODY_DATA:-$CONFAB_ROOT/target/prosody}"
mkdir -p "$PROSODY_DATA"
PROSODY_DATA="$(cd "$PROSODY_DATA" && pwd)"
export PROSODY_DATA
export PROSODY_C2S_PORT="${PROSODY_C2S_PORT:-5222}"
export PROSODY_HTTP_PORT="${PROSODY_HTTP_PORT:-5280}"
export PROSODY_INTERFACE="${PROSODY_INTERFACE:-127.0.0.1}"
PIDFILE="$PROSODY_DATA/prosody.pid"
LOG="$PROSODY_DATA/prosody.log"
CFG="$CONFAB_PROSODY_CFG"

port_open() { (exec 3<>"/dev/tcp/$PROSODY_INTERFACE/$1") 2>/dev/null; }
running_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    if pid=$(running_pid); then
      echo "prosody: already running (pid $pid, data $PROSODY_DATA)"; exit 0
    fi
    for p in "$PROSODY_C2S_PORT" "$PROSODY_HTTP_PORT"; do
      if port_open "$p"; then
        echo "prosody: port $PROSODY_INTERFACE:$p is already in use by another process;" \
             "set PROSODY_C2S_PORT / PROSODY_HTTP_PORT" >&2
        exit 1
      fi
    done
    : >"$LOG"
    setsid prosody -F --config "$CFG" >>"$LOG" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDFILE"
    for _ in $(seq 150); do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "prosody: exited during start-up; log $LOG:" >&2; tail -n 30 "$LOG" >&2; exit 1
      fi
      if port_open "$PROSODY_C2S_PORT" && port_open "$PROSODY_HTTP_PORT"; then
        if grep -q 'Failed to open server port' "$LOG"; then
          echo "prosody: could not bind a port:" >&2; grep 'Failed to open' "$LOG" >&2
          kill "$pid"; exit 1
        fi
        echo "prosody: running (pid $pid) c2s $PROSODY_INTERFACE:$PROSODY_C2S_PORT," \
             "websocket ws://$PROSODY_INTERFACE:$PROSODY_HTTP_PORT/xmpp-websocket, data $PROSODY_DATA"
        exit 0
      fi
      sleep 0.1
    done
    echo "prosody: ports did not open within 15 s; log $LOG:" >&2; tail -n 30 "$LOG" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
    ;;
  stop)
    if pid=$(running_pid); then
      kill -TERM "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
      echo "prosody: stopped (pid $pid)"
    else
      echo "prosody: not running (data $PROSODY_DATA)"
    fi
    rm -f "$PIDFILE"
    ;;
  status)
    if pid=$(running_pid); then echo "prosody: running (pid $pid)"; else echo "prosody: not running"; exit 1; fi
    ;;
  register)
    [ $# -ge 2 ] || { echo "usage: $0 register USER PASS [HOST]" >&2; exit 2; }
    user="$1" pass="$2" host="${3:-localhost}"
    # prosodyctl register also resets the password of an existing account,
    # so this is idempotent. It works whether or not the server runs.
    prosodyctl --config "$CFG" register "$user" "$host" "$pass" >/dev/null
    echo "prosody: account $user@$host ready"
    ;;
  *)
    sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
