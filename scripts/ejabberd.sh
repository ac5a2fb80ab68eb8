#!/usr/bin/env bash
# Control a local ejabberd (23.01, Debian package) that uses Confab's config
# (scripts/ejabberd/confab.yml.in), run as the caller from a private data dir:
# it never touches /etc/ejabberd, /var/lib/ejabberd, the system service or the
# default epmd (port 4369): the node listens for Erlang distribution on its
# own loopback port and no epmd is used at all.
#
#   scripts/ejabberd.sh start              start in the background, wait until c2s + HTTP answer
#   scripts/ejabberd.sh stop               stop the instance started from this data dir
#   scripts/ejabberd.sh status             exit 0 if it runs
#   scripts/ejabberd.sh register USER PASS [HOST]   create (or reset the password of) USER@HOST
#                                          (the server must run: through its HTTP API on loopback)
#   scripts/ejabberd.sh ctl ARGS...        ejabberdctl against this node (e.g. `ctl registered_users localhost`)
#
# Environment (defaults in brackets):
#   EJABBERD_DATA       data directory [target/ejabberd]; created if missing
#   EJABBERD_C2S_PORT   [5222]   EJABBERD_HTTP_PORT [5280]   EJABBERD_INTERFACE [127.0.0.1]
#   EJABBERD_DIST_PORT  Erlang distribution port [a free one, chosen at the first start]
#   EJABBERD_LOGLEVEL   none|emergency|alert|critical|error|warning|notice|info|debug [info]
#   EJABBERD_RESUME_TIMEOUT  XEP-0198 resumption window in seconds [60]
#   EJABBERD_PASSWORD_FORMAT scram|plain [scram] (plain: a fresh SCRAM salt at every
#                       login; see scripts/ejabberd/confab.yml.in; only for a new data dir)
# The log is $EJABBERD_DATA/log/ejabberd.log, the pid $EJABBERD_DATA/ejabberd.pid.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

EJABBERD_DATA="${EJABBERD_DATA:-$CONFAB_ROOT/target/ejabberd}"
mkdir -p "$EJABBERD_DATA"
EJABBERD_DATA="$(cd "$EJABBERD_DATA" && pwd)"
export EJABBERD_DATA
EJABBERD_C2S_PORT="${EJABBERD_C2S_PORT:-5222}"
EJABBERD_HTTP_PORT="${EJABBERD_HTTP_PORT:-5280}"
EJABBERD_INTERFACE="${EJABBERD_INTERFACE:-127.0.0.1}"
EJABBERD_LOGLEVEL="${EJABBERD_LOGLEVEL:-info}"
EJABBERD_RESUME_TIMEOUT="${EJABBERD_RESUME_TIMEOUT:-60}"
EJABBERD_PASSWORD_FORMAT="${EJABBERD_PASSWORD_FORMAT:-scram}"
ETC="$EJABBERD_DATA/etc"
PIDFILE="$EJABBERD_DATA/ejabberd.pid"
LOG="$EJABBERD_DATA/log/ejabberd.log"
TEMPLATE="$CONFAB_ROOT/scripts/ejabberd/confab.yml.in"

ctl() {
  ejabberdctl --config-dir "$ETC" --spool "$EJABBERD_DATA/spool" --logs "$EJABBERD_DATA/log" "$@"
}
port_open() { (exec 3<>"/dev/tcp/$EJABBERD_INTERFACE/$1") 2>/dev/null; }
running_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}
api() {  # api COMMAND JSON -> prints the answer; fails on HTTP errors
  curl -sS --max-time 20 -o /dev/stdout -w '\n%{http_code}' -H 'Content-Type: application/json' \
    -d "$2" "http://$EJABBERD_INTERFACE:$EJABBERD_HTTP_PORT/api/$1"
}
json_str() { node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"; }

# Writes etc/ejabberd.yml from the template and etc/ejabberdctl.cfg (node
# name, private cookie, distribution port; kept across restarts).
write_config() {
  mkdir -p "$ETC" "$EJABBERD_DATA/spool" "$EJABBERD_DATA/log" "$EJABBERD_DATA/upload"
  command -v ejabberdctl >/dev/null || {
    echo "ejabberd: ejabberdctl not found; run scripts/install.sh (apt-get install ejabberd)" >&2; exit 1; }
  sed -e "s|@DATA@|$EJABBERD_DATA|g" -e "s|@INTERFACE@|$EJABBERD_INTERFACE|g" \
      -e "s|@C2S_PORT@|$EJABBERD_C2S_PORT|g" -e "s|@HTTP_PORT@|$EJABBERD_HTTP_PORT|g" \
      -e "s|@LOGLEVEL@|$EJABBERD_LOGLEVEL|g" -e "s|@RESUME_TIMEOUT@|$EJABBERD_RESUME_TIMEOUT|g" \
      -e "s|@PASSWORD_FORMAT@|$EJABBERD_PASSWORD_FORMAT|g" \
      "$TEMPLATE" >"$ETC/ejabberd.yml"
  cp /etc/ejabberd/inetrc "$ETC/inetrc" 2>/dev/null || echo '{lookup, [file, native]}.' >"$ETC/inetrc"
  local dist cookie
  dist=$(sed -n 's/^ERL_DIST_PORT=//p' "$ETC/ejabberdctl.cfg" 2>/dev/null || true)
  dist="${EJABBERD_DIST_PORT:-${dist:-$(confab_free_port)}}"
  cookie=$(sed -n 's/^ERL_OPTIONS="-setcookie \([^ ]*\) .*/\1/p' "$ETC/ejabberdctl.cfg" 2>/dev/null || true)
  cookie="${cookie:-confab-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}"
  # EXEC_CMD=as_current_user: no switch to the ejabberd user (and its cookie).
  # ERL_DIST_PORT: no epmd, and ejabberdctl then never runs `epmd -kill`.
  cat >"$ETC/ejabberdctl.cfg" <<EOF
ERLANG_NODE=confab$dist@localhost
ERL_DIST_PORT=$dist
INET_DIST_INTERFACE=127.0.0.1
ERL_OPTIONS="-setcookie $cookie -env ERL_CRASH_DUMP_BYTES 0"
EJABBERD_PID_PATH=$PIDFILE
EJABBERD_BYPASS_WARNINGS=true
EXEC_CMD=as_current_user
EOF
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)
    if pid=$(running_pid); then
      echo "ejabberd: already running (pid $pid, data $EJABBERD_DATA)"; exit 0
    fi
    for p in "$EJABBERD_C2S_PORT" "$EJABBERD_HTTP_PORT"; do
      if port_open "$p"; then
        echo "ejabberd: port $EJABBERD_INTERFACE:$p is already in use by another process;" \
             "set EJABBERD_C2S_PORT / EJABBERD_HTTP_PORT" >&2
        exit 1
      fi
    done
    write_config
    rm -f "$PIDFILE"
    # Keep the log of earlier runs of this data dir (restarts in the tests).
    [ -f "$LOG" ] && echo "==== start $(date -Is)" >>"$LOG"
    ctl start </dev/null >>"$EJABBERD_DATA/log/start.out" 2>&1 || {
      echo "ejabberd: ejabberdctl start failed:" >&2; cat "$EJABBERD_DATA/log/start.out" >&2; exit 1; }
    for _ in $(seq 300); do
      pid=$(cat "$PIDFILE" 2>/dev/null || true)
      if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
        echo "ejabberd: exited during start-up; log $LOG:" >&2; tail -n 30 "$LOG" >&2; exit 1
      fi
      if [ -n "$pid" ] && port_open "$EJABBERD_C2S_PORT" && port_open "$EJABBERD_HTTP_PORT"; then
        echo "ejabberd: running (pid $pid) c2s $EJABBERD_INTERFACE:$EJABBERD_C2S_PORT," \
             "websocket ws://$EJABBERD_INTERFACE:$EJABBERD_HTTP_PORT/xmpp-websocket, data $EJABBERD_DATA"
        exit 0
      fi
      sleep 0.1
    done
    echo "ejabberd: ports did not open within 30 s; log $LOG:" >&2; tail -n 30 "$LOG" >&2
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
    exit 1
    ;;
  stop)
    if pid=$(running_pid); then
      # SIGTERM = a graceful init:stop() of the VM (about 1 s; `ejabberdctl
      # stop` would first boot a second VM).
      kill -TERM "$pid"
      for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
      # The listening sockets go with the VM; wait until they are closed.
      for _ in $(seq 50); do port_open "$EJABBERD_HTTP_PORT" || port_open "$EJABBERD_C2S_PORT" || break; sleep 0.1; done
      echo "ejabberd: stopped (pid $pid)"
    else
      echo "ejabberd: not running (data $EJABBERD_DATA)"
    fi
    rm -f "$PIDFILE"
    ;;
  status)
    if pid=$(running_pid); then echo "ejabberd: running (pid $pid)"; else echo "ejabberd: not running"; exit 1; fi
    ;;
  register)
    [ $# -ge 2 ] || { echo "usage: $0 register USER PASS [HOST]" >&2; exit 2; }
    user="$1" pass="$2" host="${3:-localhost}"
    running_pid >/dev/null || { echo "ejabberd: not running (data $EJABBERD_DATA): start it first" >&2; exit 1; }
    body="{\"user\":$(json_str "$user"),\"host\":$(json_str "$host"),\"password\":$(json_str "$pass")}"
    out=$(api register "$body")
    code="${out##*$'\n'}"
    if [ "$code" != 200 ]; then
      # Already there (409 conflict): reset the password, like prosodyctl register.
      body="{\"user\":$(json_str "$user"),\"host\":$(json_str "$host"),\"newpass\":$(json_str "$pass")}"
      out2=$(api change_password "$body")
      [ "${out2##*$'\n'}" = 200 ] || {
        echo "ejabberd: cannot register $user@$host: ${out%$'\n'*} / ${out2%$'\n'*}" >&2; exit 1; }
    fi
    echo "ejabberd: account $user@$host ready"
    ;;
  ctl)
    [ -f "$ETC/ejabberdctl.cfg" ] || { echo "ejabberd: no node configured in $EJABBERD_DATA" >&2; exit 1; }
    ctl "$@"
    ;;
  *)
    sed -n '2,23p' "$0" >&2; exit 2 ;;
esac
