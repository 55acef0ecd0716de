#!/usr/bin/env bash
# Full load of an idle pgbench database, three ways, on one machine:
#   ./walferry replicate --jobs $JOBS --exit-when-caught-up (schema copy, data, keys, ANALYZE, then exits)
#   pgcopydb clone --table-jobs $JOBS --index-jobs $JOBS    (Debian package pgcopydb)
#   a raw pipe: pre-data schema via pg_dump | psql, then psql "COPY ... TO STDOUT (FORMAT binary)" |
#               psql "COPY ... FROM STDIN (FORMAT binary)" per table, $JOBS at a time, then the
#               post-data section (keys and indexes) via pg_dump | psql
# Each run loads into a fresh database of one target cluster; each target is checked against the
# source (row counts and balance sums). Prints the times, the ratios walferry/pgcopydb and
# walferry/raw, and the CPU seconds of each run: the tool's own processes (walferry's JVM with the
# pg_dump it runs; pgcopydb with its children; psql and pg_dump for the raw pipe) and the source's
# and the target's backends (see cpu-accounting.sh). Needs PostgreSQL server binaries (PGBIN), pgbench and pgcopydb; run as root (servers
# run as the postgres user) or as a user that can run initdb.
#
#   PGBIN=/usr/lib/postgresql/15/bin SCALE=20 JOBS=2 FSYNC=on [WALFERRY_ARGS=...] benchmarks/scripts/full-load.sh
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SCALE=${SCALE:-20}
JOBS=${JOBS:-2}
FSYNC=${FSYNC:-on}
BASE=${BASE:-/tmp/walferry-load-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/cli/target/walferry.jar"
SRC=55442 DST=55443
TABLES="pgbench_accounts pgbench_branches pgbench_history pgbench_tellers"
source "$(dirname "$0")/cpu-accounting.sh"

source "$(dirname "$0")/local-clusters.sh"
sql() { "$PGBIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }
now() { date +%s.%N; }

[[ -f "$JAR" ]] || { echo "build first: ./mvnw -B -DskipTests package" >&2; exit 1; }
command -v pgcopydb >/dev/null || { echo "pgcopydb is missing: apt-get install -y pgcopydb" >&2; exit 1; }
start_clusters "-c shared_buffers=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min" $SRC $DST
"$PGBIN/createdb" -h 127.0.0.1 -p $SRC -U postgres bench
"$PGBIN/pgbench" -q -i -s "$SCALE" -h 127.0.0.1 -p $SRC -U postgres bench >/dev/null 2>&1
# pgbench_history has no key: walferry (like any logical replication of UPDATEs and DELETEs) needs a
# replica identity; it only takes INSERTs, so FULL costs nothing.
sql $SRC bench "ALTER TABLE pgbench_history REPLICA IDENTITY FULL"
sql $SRC bench "VACUUM ANALYZE"
size=$(sql $SRC bench "SELECT pg_size_pretty(pg_database_size('bench'))")
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), pgbench scale $SCALE ($size), $JOBS jobs, fsync=$FSYNC"
src_url="postgresql://postgres@127.0.0.1:$SRC/bench"

check() { sql $DST "$1" "SELECT (SELECT count(*) FROM pgbench_accounts), (SELECT sum(abalance) FROM pgbench_accounts),
          (SELECT count(*) FROM pgbench_tellers), (SELECT count(*) FROM pgbench_branches),
          (SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'pgbench%')"; }
want=$(sql $SRC bench "SELECT (SELECT count(*) FROM pgbench_accounts), (SELECT sum(abalance) FROM pgbench_accounts),
          (SELECT count(*) FROM pgbench_tellers), (SELECT count(*) FROM pgbench_branches),
          (SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'pgbench%')")

# walferry
"$PGBIN/createdb" -h 127.0.0.1 -p $DST -U postgres wf
cpu_mark wf "$BASE/$SRC" "$BASE/$DST"
start=$(now)
timed_cpu "$BASE/cpu" "$ROOT/walferry" replicate --source "$src_url" --target "postgresql://postgres@127.0.0.1:$DST/wf" \
    --pipeline bench --jobs "$JOBS" ${WALFERRY_ARGS:-} --exit-when-caught-up 2>"$BASE/walferry.log"
wf=$(echo "$(now) - $start" | bc)
wf_cpu="$(cat "$BASE/cpu") $(cpu_since wf "$BASE/$SRC" "$BASE/$DST")"
sql $SRC bench "SELECT pg_drop_replication_slot('walferry_bench')" >/dev/null
sql $SRC bench "DROP PUBLICATION walferry_bench"

# pgcopydb
"$PGBIN/createdb" -h 127.0.0.1 -p $DST -U postgres pgcopydb
cpu_mark pgcopydb "$BASE/$SRC" "$BASE/$DST"
start=$(now)
PATH="$PGBIN:$PATH" timed_cpu "$BASE/cpu" pgcopydb clone --source "$src_url" --target "postgresql://postgres@127.0.0.1:$DST/pgcopydb" \
    --table-jobs "$JOBS" --index-jobs "$JOBS" --dir "$BASE/pgcopydb" >"$BASE/pgcopydb.log" 2>&1
pgcopydb=$(echo "$(now) - $start" | bc)
pgcopydb_cpu="$(cat "$BASE/cpu") $(cpu_since pgcopydb "$BASE/$SRC" "$BASE/$DST")"

# raw pipe
raw_pipe() {
  "$PGBIN/pg_dump" -h 127.0.0.1 -p $SRC -U postgres --schema-only --section=pre-data bench \
      | "$PGBIN/psql" -X -q -h 127.0.0.1 -p $DST -U postgres -d raw >/dev/null
  printf '%s\n' $TABLES | xargs -P "$JOBS" -I{} bash -c '"$PGBIN/psql" -X -q -h 127.0.0.1 -p $SRC -U postgres -d bench \
      -c "COPY {} TO STDOUT (FORMAT binary)" | "$PGBIN/psql" -X -q -h 127.0.0.1 -p $DST -U postgres -d raw \
      -c "COPY {} FROM STDIN (FORMAT binary)"'
  "$PGBIN/pg_dump" -h 127.0.0.1 -p $SRC -U postgres --schema-only --section=post-data bench \
      | "$PGBIN/psql" -X -q -h 127.0.0.1 -p $DST -U postgres -d raw >/dev/null
}
"$PGBIN/createdb" -h 127.0.0.1 -p $DST -U postgres raw
export PGBIN SRC DST
cpu_mark raw "$BASE/$SRC" "$BASE/$DST"
start=$(now)
timed_cpu "$BASE/cpu" raw_pipe
raw=$(echo "$(now) - $start" | bc)
raw_cpu="$(cat "$BASE/cpu") $(cpu_since raw "$BASE/$SRC" "$BASE/$DST")"

for db in wf pgcopydb raw; do
  [[ $(check $db) == "$want" ]] || { echo "target database $db differs from the source: $(check $db) vs $want" >&2; exit 1; }
done
printf 'walferry replicate (full load): %.2f s\n' "$wf"
printf 'pgcopydb clone:                 %.2f s\n' "$pgcopydb"
printf 'raw COPY | COPY + indexes:      %.2f s\n' "$raw"
printf 'ratio walferry / pgcopydb: %.2f (goal <= 0.8)\n' "$(echo "$wf / $pgcopydb" | bc -l)"
printf 'ratio walferry / raw pipe: %.2f (goal <= 1.2)\n' "$(echo "$wf / $raw" | bc -l)"
echo "CPU seconds (the tool's processes, source backends, target backends):"
for who in "walferry:$wf_cpu" "pgcopydb:$pgcopydb_cpu" "raw pipe:$raw_cpu"; do
  cpu=${who#*:}
  printf '  %-10s %6s %6s %6s   total %6.2f\n' "${who%%:*}" $cpu "$(echo "${cpu// /+}" | bc)"
done
echo "every target equals the source (row counts, balance sum, index count)"
