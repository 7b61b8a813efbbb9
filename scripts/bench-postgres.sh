#!/usr/bin/env bash
# bench-postgres.sh — meetd on PostgreSQL against PostgreSQL's own limit (pgbench), back to back.
#
#   scripts/bench-postgres.sh
#
# Starts a throw-away PostgreSQL cluster (scripts/start-postgres.sh, in its own folder, removed
# at the end) and makes it durable: fsync, synchronous_commit and full_page_writes on (the
# stock settings; start-postgres.sh turns them off for tests). Then, for each round, one after
# the other at the same concurrency and duration:
#   pgbench-insert   pgbench, one transaction per create: the INSERT … ON CONFLICT DO NOTHING of
#                    internal/postgres (meetings + meeting_ids in one statement) into meetd's own
#                    schema (migrations/001_init.sql), a real meeting's data column, ids and
#                    externalIds that begin with the time as meetd's do; -M prepared
#   pgbench-select   pgbench, a by-key SELECT of the whole row (meetd's first read of a key:
#                    its columns and data::text) of one of 1,000 stored keys, after ANALYZE;
#                    hit-P's ratio is to this
#   pgbench-nodata   pgbench, meetd's by-key SELECT for a meeting its read cache holds whose
#                    slot's change counter moved: the row's columns, and NULL for data because
#                    the row is the one cached (internal/postgres/readcache.go); for reference,
#                    no ratio. (A hit whose counter did not move reads only the counters.)
#   create-P, hit-P  `meetd bench --workload create|get` against `meetd serve --db DSN` with
#                    pool_max_conns=P (for each P in MEETD_BENCH_PG_POOLS; "default": none set,
#                    internal/postgres.DefaultMaxConns), each on a fresh database; hit's after
#                    its keys are stored and ANALYZE
# and prints a table: rps, the ratio to pgbench's (target ≥ 0.70), latencies (pgbench's from its
# per-transaction log), meetd's CPU time per request ("cpu µs"), PostgreSQL's ("db µs": the
# postmaster and its children, exited ones included), meetd's peak RSS and errors.
#
# Environment (and those of scripts/bench.sh: CONCURRENCY, DURATION, KEYS, ROUNDS, OUT):
#   MEETD_BENCH_PG_POOLS="default 16 64"   meetd pool sizes to try ("default" is 32)
#   MEETD_BENCH_PG_DURABLE=1     0: keep start-postgres.sh's non-durable settings
#   MEETD_BENCH_PG_DSN=…         use this server instead (its settings as they are; its
#                                databases bench_* are created and dropped; no "db µs")
#   MEETD_BENCH_PG_DIR=DIR       the throw-away cluster's folder (default /tmp/meetd-bench-pg)
set -euo pipefail

NAME=bench-postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
POOLS=${MEETD_BENCH_PG_POOLS:-default 16 64}
DURABLE=${MEETD_BENCH_PG_DURABLE:-1}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
export MEETD_PG_DIR=${MEETD_BENCH_PG_DIR:-${TMPDIR:-/tmp}/meetd-bench-pg}
SECS=$(( ${D%s} ))   # pgbench takes whole seconds
[[ "$D" == *s && "$SECS" -gt 0 ]] || { say "MEETD_BENCH_DURATION must be whole seconds (10s)"; exit 1; }

STARTED_PG=
stop_pg() { [[ -n "$STARTED_PG" ]] && "$ROOT/scripts/start-postgres.sh" destroy >&2 || true; }
CLEANUP_HOOK=stop_pg

if [[ -n "${MEETD_BENCH_PG_DSN:-}" ]]; then
  DSN=$MEETD_BENCH_PG_DSN
else
  DSN=$("$ROOT/scripts/start-postgres.sh")
  STARTED_PG=1
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
[[ -x "$PGBIN/pgbench" ]] || { say "no pgbench under /usr/lib/postgresql/*/bin"; exit 1; }
psql_() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# dsn_for DB: DSN with its database replaced.
dsn_for() { sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\1/$1#" <<<"$DSN"; }
ADMIN=$(dsn_for postgres)

if [[ -n "$STARTED_PG" && "$DURABLE" == 1 ]]; then
  psql_ "$ADMIN" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
fi
SETTINGS=$(psql_ "$ADMIN" -tA -F= -c "SELECT name, setting FROM pg_settings WHERE name IN
  ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers',
   'max_connections', 'commit_delay', 'max_wal_size', 'server_version') ORDER BY name" | tr '\n' ' ')
say "PostgreSQL: $SETTINGS"

# pg_ticks: CPU ticks of the postmaster and its children, exited children included (cutime).
pg_ticks() {
  local pm c t
  pm=$(head -n 1 "$MEETD_PG_DIR/data/postmaster.pid")
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for c in $(ps -o pid= --ppid "$pm"); do
    t=$(( t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0) ))
  done
  echo "$t"
}
[[ -n "$STARTED_PG" ]] && DB_TICKS_FN=pg_ticks

# fresh_db NAME: (re)creates database NAME; prints its DSN.
fresh_db() {
  psql_ "$ADMIN" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
  dsn_for "$1"
}
DBS=()
drop_dbs() { local db; for db in "${DBS[@]}"; do psql_ "$ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true; done; }
stop_all() { stop_server; drop_dbs; stop_pg; }
CLEANUP_HOOK=stop_all

# 1. A real meeting row, the template of pgbench's inserts: one create through meetd.
say "preparing pgbench's scripts from a meeting meetd stored"
PREP=$(fresh_db bench_prep); DBS+=(bench_prep)
start_meetd --db "$PREP"
"$MEETD" bench --url "$URL" --db "$PREP" --workload create --requests 1 --quiet >/dev/null
stop_server
IFS=$'\t' read -r TENANT ORG CREATED_BY DATA < <(psql_ "$PREP" -tA -F $'\t' -c \
  "SELECT tenant_id, organizer_id, created_by, data::text FROM meetings LIMIT 1")
# The values go in as pgbench variables (-D), so each is a parameter of the prepared statement
# as in meetd; ids begin with the time as meetd's do now (ids.go), then random characters.
PGB_VARS=(-D "tenant=$TENANT" -D "org=$ORG" -D "app=$CREATED_BY" -D "data=$DATA" -D "keys=$KEYS")
cat >"$TMP/insert.sql" <<'SQL'
\set r random(1, 1000000000000)
WITH m AS (
  INSERT INTO meetings (tenant_id, id, organizer_id, external_id, created_by, thread_id,
    join_meeting_id, vtc_id, version, created, data)
  VALUES (:tenant,
    'MSo' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1e6)::bigint), 14, '0') || CAST(:r AS text) || 'KjE5Om1lZXRpbmdfTmpRM1pHWTFNV0V0WlRZNE1TMDBOelUx',
    :org,
    'pgb-' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1e6)::bigint), 14, '0') || '-' || CAST(:client_id AS text),
    :app,
    '19:' || 'meeting_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1e6)::bigint), 14, '0') || CAST(:r AS text) || 'ZTY4MS00NzU1@thread.v2',
    lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1e6)::bigint), 14, '0') || CAST(:r AS text),
    lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1e6)::bigint), 14, '0') || CAST(:r AS text),
    1, now(), CAST(:data AS jsonb))
  ON CONFLICT (tenant_id, organizer_id, external_id)
    WHERE deleted_at IS NULL AND external_id <> '' DO NOTHING
  RETURNING tenant_id, id, thread_id, join_meeting_id, vtc_id
), ids AS (
  INSERT INTO meeting_ids (kind, value, tenant_id, meeting_id)
  SELECT x.kind, x.value, m.tenant_id, m.id
  FROM m CROSS JOIN LATERAL (VALUES
    ('id', m.id), ('thread', m.thread_id), ('join', m.join_meeting_id), ('vtc', m.vtc_id)
  ) AS x (kind, value)
  WHERE x.value <> ''
)
SELECT count(*) FROM m;
SQL
# A by-key SELECT of the whole row. "external_id <> ''" states the partial unique index's
# predicate: without it a prepared statement's generic plan cannot use meetings_key.
cat >"$TMP/select.sql" <<'SQL'
\set k random(0, :keys - 1)
SELECT m.id, m.created_by, m.thread_id, m.join_meeting_id, m.vtc_id, m.version,
  m.xmin::text::bigint, m.data::text
FROM meetings m
WHERE m.tenant_id = :tenant AND m.organizer_id = :org AND m.external_id = 'hot-k-' || CAST(:k AS text)
  AND m.deleted_at IS NULL AND m.external_id <> '';
SQL
# internal/postgres's meetingByKeySQL (without its change counter) for a row the read cache
# holds: the CASE compares what meetd compares (id, version, xmin) and so yields NULL.
cat >"$TMP/select-nodata.sql" <<'SQL'
\set k random(0, :keys - 1)
SELECT m.id, m.created_by, m.thread_id, m.join_meeting_id, m.vtc_id, m.version,
  m.xmin::text::bigint,
  CASE WHEN m.id = m.id AND m.version = 1 AND m.xmin::text::bigint = m.xmin::text::bigint
    THEN NULL ELSE m.data::text END
FROM meetings m
WHERE m.tenant_id = :tenant AND m.organizer_id = :org AND m.external_id = 'hot-k-' || CAST(:k AS text)
  AND m.deleted_at IS NULL AND m.external_id <> '';
SQL
SCHEMA=$(psql_ "$PREP" -tA -c "SELECT 1 FROM information_schema.tables WHERE table_name = 'meetings'")
[[ "$SCHEMA" == 1 ]] || { say "meetd made no meetings table"; exit 1; }

# pgbench_db NAME: sets PGB_DSN to a fresh database with meetd's schema (made by `meetd
# serve`'s own migration).
pgbench_db() {
  PGB_DSN=$(fresh_db "$1"); DBS+=("$1")
  start_meetd --db "$PGB_DSN"; stop_server
}

# pgbench_run NAME SCRIPT DSN: runs pgbench and adds its row (compared with nothing).
pgbench_run() {
  local name=$1 script=$2 dsn=$3 out=$TMP/pgbench-$1.out db0 db tps lat errs n
  rm -f "$TMP"/pgblog.*
  say "round $ROUND: $name"
  db0=$(pg_ticks 2>/dev/null || echo 0)
  (cd "$TMP" && "$PGBIN/pgbench" -n -M prepared -c "$C" -j 2 -T "$SECS" -f "$script" \
    -l --log-prefix=pgblog "${PGB_VARS[@]}" "$dsn") >"$out" 2>&1 || { grep -m3 -i error "$out" >&2; exit 1; }
  tps=$(awk -F'[ =]+' '/^tps/ {print $2; exit}' "$out")
  n=$(awk -F': *' '/^number of transactions actually processed/ {split($2, a, "/"); print a[1]}' "$out")
  errs=$(awk -F': *' '/^number of failed transactions/ {split($2, a, " "); print a[1]}' "$out")
  db=-
  sleep 0.3   # let the postmaster reap pgbench's backends, whose time then moves to its cutime
  [[ -n "$STARTED_PG" ]] && db=$(per_request $(( $(pg_ticks) - db0 )) "$n")
  # Latencies (µs, column 3 of the per-transaction log) → p50, p99, p99.9 in ms.
  lat=$(cat "$TMP"/pgblog.* | awk '{print $3}' | sort -n | awk '{ v[NR] = $1 }
    END { printf "%.3f %.3f %.3f", v[int(NR * .50)] / 1000, v[int(NR * .99)] / 1000, v[int(NR * .999)] / 1000 }')
  cp "$out" "$OUT/$ROUND-$name.txt"
  row "$name $tps $lat ${errs:-0} 0 - $db - -"
}

for ROUND in $(seq "$ROUNDS"); do
  LOAD=$(uptime | sed 's/.*load average: //')
  say "round $ROUND of $ROUNDS; machine load: $LOAD"
  : >"$TMP/rows-$ROUND"

  pgbench_db bench_pgbench_insert
  pgbench_run pgbench-insert "$TMP/insert.sql" "$PGB_DSN"

  pgbench_db bench_pgbench_select
  psql_ "$PGB_DSN" -v tenant="$TENANT" -v org="$ORG" -v app="$CREATED_BY" -v data="$DATA" >/dev/null <<SQL
INSERT INTO meetings (tenant_id, id, organizer_id, external_id, created_by, thread_id,
  join_meeting_id, vtc_id, version, created, data)
SELECT :'tenant', 'MSo-hot-' || i, :'org', 'hot-k-' || i, :'app', '19:hot-' || i, 'j' || i,
  'v' || i, 1, now(), :'data'::jsonb FROM generate_series(0, $(( KEYS - 1 ))) i;
ANALYZE meetings;
SQL
  pgbench_run pgbench-select "$TMP/select.sql" "$PGB_DSN"
  pgbench_run pgbench-nodata "$TMP/select-nodata.sql" "$PGB_DSN"

  for pool in $POOLS; do
    q=; [[ "$pool" == default ]] || q="&pool_max_conns=$pool"
    [[ "$DSN" == *\?* ]] || q="?${q#&}"

    db=bench_create_$pool; dsn=$(fresh_db "$db")$q; DBS+=("$db")
    start_meetd --db "$dsn"
    run "create-$pool" pgbench-insert 0.70 0 --db "$dsn" --workload create --quiet
    stop_server

    db=bench_hit_$pool; dsn=$(fresh_db "$db")$q; DBS+=("$db")
    start_meetd --db "$dsn"
    "$MEETD" bench --url "$URL" --db "$dsn" --workload get --keys "$KEYS" --key-prefix hot \
      --requests 1 --quiet >/dev/null
    # As for pgbench-select: the planner sees the stored keys, not an empty table.
    psql_ "$(dsn_for "$db")" -c "ANALYZE meetings" >/dev/null
    run "hit-$pool" pgbench-select 0.70 "$KEYS" --db "$dsn" --workload get --keys "$KEYS" \
      --key-prefix hot --quiet
    stop_server
  done

  echo
  echo "round $ROUND ($(date -u +%FT%TZ); load average before it: $LOAD)"
  table "$TMP/rows-$ROUND"
  echo
done

if (( ROUNDS > 1 )); then
  echo "medians of $ROUNDS rounds"
  medians
  echo
fi
echo "PostgreSQL: $SETTINGS"
echo "c=$C, $D per run; ratio = rps / pgbench's tps for the same statement; p99 × = p99 / its p99;"
echo "cpu µs = meetd's CPU time per request, db µs = PostgreSQL's (warm-up included); RSS = meetd's peak"
