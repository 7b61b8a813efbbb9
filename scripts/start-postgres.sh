#!/usr/bin/env bash
# start-postgres.sh — start (or reuse) a throw-away PostgreSQL cluster for meetd's tests.
#
#   DSN=$(scripts/start-postgres.sh)        # install if missing, start, print the DSN
#   eval "$(scripts/start-postgres.sh env)"  # same, but print export lines for the test env
#   scripts/start-postgres.sh stop          # stop the cluster, keep its files
#   scripts/start-postgres.sh destroy       # stop it and delete its folder
#   scripts/start-postgres.sh status        # exit 0 if it is running
#
# Only the DSN (or the export lines) goes to stdout; progress and errors go to stderr.
#
# The cluster lives in one folder, $MEETD_PG_DIR (default ${TMPDIR:-/tmp}/meetd-postgres):
# data/ (PGDATA), the Unix socket, the log and the chosen port. It listens on 127.0.0.1 only,
# at a free port chosen when the cluster is made (or $MEETD_PG_PORT), with trust auth, and
# has a database "meetd". No systemd: initdb and pg_ctl run as the "postgres" OS user (via
# runuser) when started as root, because the server refuses to run as root.
#
# Idempotent: a second run reuses the running cluster, restarts a stopped one, and cleans up
# after a killed one (stale postmaster.pid and socket lock), then prints the same DSN.
# Durability is off (fsync, synchronous_commit): the data is thrown away anyway.
set -euo pipefail

PG_DIR="${MEETD_PG_DIR:-${TMPDIR:-/tmp}/meetd-postgres}"
PG_DB=meetd
CMD="${1:-start}"

DATA="$PG_DIR/data"
LOG="$PG_DIR/postgres.log"
PORT_FILE="$PG_DIR/port"

log() { echo "start-postgres: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$PG_DIR" == /?*/?* ]] || die "MEETD_PG_DIR must be an absolute path at least two levels deep (destroy deletes it)"
# The socket path must fit in sun_path (107 bytes) with its ".s.PGSQL.NNNNN" name.
(( ${#PG_DIR} <= 80 )) || die "MEETD_PG_DIR is too long for a Unix socket path: $PG_DIR"

find_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]] && echo "$d"
}

BINDIR=$(find_bindir || true)
if [[ -z "$BINDIR" ]]; then
  [[ "$CMD" == start || "$CMD" == env ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and we are not root: apt-get install postgresql"
  log "installing postgresql from Debian"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  BINDIR=$(find_bindir) || die "postgresql installed but no initdb found"
fi

if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (the postgresql package creates it)"
  OWNER=postgres
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  OWNER=$(id -un)
  as_owner() { (cd / && "$@"); }
fi

pg_ctl_() { as_owner "$BINDIR/pg_ctl" -D "$DATA" "$@"; }
pm_pid() { local p; p=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null) && [[ "$p" =~ ^[0-9]+$ ]] && echo "$p"; }
# Alive means it exists and is not a zombie: a killed postmaster is reparented to PID 1 and
# stays a zombie for a moment, and pg_ctl and the server's own lock check take it for alive.
pid_alive() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [[ -n "$st" && "$st" != Z ]]; }
is_running() { local p; p=$(pm_pid) && pid_alive "$p"; }
port() { cat "$PORT_FILE" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# set_port records the port where both this script and a plain "pg_ctl start" find it.
set_port() {
  echo "port = $1" >"$DATA/port.conf"
  chown "$OWNER" "$DATA/port.conf"
  echo "$1" >"$PORT_FILE"
}

# free_port prints a port nobody listens on. The kernel's ephemeral range is avoided so
# that a client's outgoing connection cannot take it between now and the server's start.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

case "$CMD" in
  status) is_running; exit $? ;;
  stop)
    if is_running; then pg_ctl_ stop -m fast -w -t 60 >/dev/null; log "stopped"; else log "not running"; fi
    exit 0 ;;
  destroy)
    if is_running; then pg_ctl_ stop -m immediate -w -t 60 >/dev/null || true; fi
    rm -rf "$PG_DIR"; log "removed $PG_DIR"; exit 0 ;;
  start|env) ;;
  *) die "usage: $0 [start|env|stop|status|destroy]" ;;
esac

# 1. Make the cluster once.
if [[ ! -f "$DATA/PG_VERSION" || ! -f "$PORT_FILE" ]]; then
  rm -rf "$DATA" "$PORT_FILE"   # leftovers of a half-finished earlier run
  mkdir -p "$DATA"
  chmod 0755 "$PG_DIR"
  chmod 0700 "$DATA"
  chown -R "$OWNER" "$PG_DIR"
  log "initdb in $DATA ($("$BINDIR/postgres" --version))"
  as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale --auth=trust -N \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  cat >>"$DATA/postgresql.conf" <<CONF
# added by scripts/start-postgres.sh: a throw-away test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
include_if_exists = 'port.conf'
CONF
  set_port "${MEETD_PG_PORT:-$(free_port)}"
fi
PORT=$(port)
[[ "$PORT" =~ ^[0-9]+$ ]] || die "bad port in $PORT_FILE"

# 2. Start it unless it runs already.
if is_running; then
  log "already running on 127.0.0.1:$PORT"
else
  # A killed server leaves postmaster.pid and the socket lock naming its PID; wait (bounded)
  # for PID 1 to reap the zombie, then remove what is stale.
  for lock in "$DATA/postmaster.pid" "$PG_DIR"/.s.PGSQL.*.lock; do
    [[ -f "$lock" ]] || continue
    old=$(head -n 1 "$lock" 2>/dev/null || true)
    if [[ "$old" =~ ^[0-9]+$ ]]; then
      for _ in $(seq 1 100); do pid_alive "$old" || break; sleep 0.1; done
      pid_alive "$old" && die "$lock names PID $old, which is still alive"
    fi
    log "removing stale $(basename "$lock") (PID ${old:-?} is gone)"
    rm -f "$lock"
  done
  rm -f "$PG_DIR"/.s.PGSQL.*   # a socket file left by a killed server
  for attempt in 1 2 3 4 5; do
    if port_busy "$PORT"; then
      [[ -z "${MEETD_PG_PORT:-}" ]] || die "port $PORT on 127.0.0.1 is taken (MEETD_PG_PORT)"
      PORT=$(free_port); set_port "$PORT"
    fi
    log "starting on 127.0.0.1:$PORT"
    if pg_ctl_ start -w -t 60 -l "$LOG" >/dev/null 2>&1; then
      break
    fi
    tail -n 5 "$LOG" >&2 || true
    # Someone took the port between the check and the start: try another.
    if [[ $attempt -lt 5 && -z "${MEETD_PG_PORT:-}" ]] && tail -n 20 "$LOG" | grep -q "could not bind"; then
      PORT=$(free_port); set_port "$PORT"; continue
    fi
    die "pg_ctl start failed (log: $LOG)"
  done
fi

# 3. The database, idempotently.
psql_() { as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PORT" -U postgres -d postgres "$@"; }
if [[ -z "$(psql_ -tA -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]]; then
  psql_ -c "CREATE DATABASE $PG_DB" >/dev/null
fi

# 4. Prove the DSN works over TCP, then print it.
DSN="postgres://postgres@127.0.0.1:$PORT/$PG_DB?sslmode=disable"
as_owner env PGCONNECT_TIMEOUT=10 "$BINDIR/psql" -X -q -tA "$DSN" -c "SELECT 1" >/dev/null \
  || die "could not connect with $DSN"
if [[ "$CMD" == env ]]; then
  printf 'export MEETD_TEST_POSTGRES=%q\n' "$DSN"
  printf 'export MEETD_TEST_PGDATA=%q\n' "$DATA"
  printf 'export MEETD_TEST_PGBIN=%q\n' "$BINDIR"
else
  echo "$DSN"
fi
