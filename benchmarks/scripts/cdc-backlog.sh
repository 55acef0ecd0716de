#!/usr/bin/env bash
# CDC catch-up on a backlog, the two goals of issue 5, in one run on one pair of servers:
#   (a) a pgbench -N backlog of $TRANSACTIONS transactions at scale $SCALE
#   (b) a single UPDATE of every pgbench_accounts row ($SCALE x 100,000 rows)
# Each backlog is drained three ways, from the same WAL (each consumer's slot is created before the
# workload writes), and timed:
#   walferry   ./walferry replicate --schema existing --no-copy-data --exit-when-caught-up
#              (JVM start included; apply mode from WALFERRY_APPLY_MODE, else replicate's default;
#              --apply-lanes from WALFERRY_APPLY_LANES when set), into target database "wf"
#   native     a subscription (binary = true, streaming = on, copy_data = false) into target database
#              "native": from ALTER SUBSCRIPTION ... ENABLE until its slot's confirmed_flush_lsn
#              reaches the backlog's end
#   decode     pg_recvlogical with pgoutput (proto_version, publication_names, binary true,
#              streaming on) to /dev/null until it reaches the backlog's end (--endpos): what the
#              source's walsender needs just to decode the WAL, the floor for any consumer
# and prints the ratios walferry / native and walferry / pg_recvlogical, and the CPU seconds each
# drain used: the consumer's own process (walferry's JVM, pg_recvlogical), and the source's and the
# target's backends (walsender, apply worker or walferry's sessions; see cpu-accounting.sh). Both target databases are
# checked against the source after each backlog (balances and history). The backlog's end is the
# source's WAL insert position after the workload, as the end of the last record.
#
# Starts two local clusters (source, target) from PGBIN; needs pgbench and pg_recvlogical there and
# a built walferry (./mvnw -B -DskipTests package). Run as root (servers run as the postgres user)
# or as a user that can run initdb.
#
#   PGBIN=/usr/lib/postgresql/15/bin SCALE=20 TRANSACTIONS=100000 CLIENTS=4 FSYNC=on \
#       [WALFERRY_APPLY_MODE=batched] [WALFERRY_APPLY_LANES=4] benchmarks/scripts/cdc-backlog.sh
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SCALE=${SCALE:-20}
TRANSACTIONS=${TRANSACTIONS:-100000}
CLIENTS=${CLIENTS:-4}
FSYNC=${FSYNC:-on}
BASE=${BASE:-/tmp/walferry-backlog-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/cli/target/walferry.jar"
SRC=55452 DST=55453
# Each native drain starts a new apply worker; PostgreSQL's launcher (per server up to 15) starts at
# most one per wal_retrieve_retry_interval, so the script leaves more than that between two ENABLEs.
LAUNCHER_GAP_SECONDS=6
source "$(dirname "$0")/cpu-accounting.sh"

source "$(dirname "$0")/local-clusters.sh"
sql() { PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

[[ -f "$JAR" ]] || { echo "build first: ./mvnw -B -DskipTests package" >&2; exit 1; }
for tool in pgbench pg_recvlogical postgres; do
  [[ -x "$PGBIN/$tool" ]] || { echo "$PGBIN/$tool is missing: apt-get install -y postgresql-15" >&2; exit 1; }
done
start_clusters "-c shared_buffers=256MB -c max_wal_size=8GB -c checkpoint_timeout=30min" $SRC $DST
# pgbench -i is deterministic: the two target databases start equal to the source.
for target in "$SRC bench" "$DST wf" "$DST native"; do
  set -- $target
  "$PGBIN/createdb" -h 127.0.0.1 -p "$1" -U postgres "$2"
  "$PGBIN/pgbench" -q -i -s "$SCALE" -h 127.0.0.1 -p "$1" -U postgres "$2" >/dev/null 2>&1
done
# pgbench_history has no key: walferry refuses to publish a table without a replica identity (its
# UPDATEs would fail on the source); it only takes INSERTs, so FULL costs nothing.
sql $SRC bench "ALTER TABLE pgbench_history REPLICA IDENTITY FULL"
sql $SRC bench "CREATE PUBLICATION native_pub FOR TABLE pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history"
major=$("$PGBIN/postgres" --version | awk '{print $3}' | cut -d. -f1)
proto=$(( major >= 16 ? 4 : major >= 15 ? 3 : 2 ))
mode=${WALFERRY_APPLY_MODE:-}
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') source and target, pgbench scale $SCALE, fsync=$FSYNC;" \
     "walferry apply mode: ${mode:-the default of replicate}${WALFERRY_APPLY_LANES:+, $WALFERRY_APPLY_LANES lanes}"

src_url="postgresql://postgres@127.0.0.1:$SRC/bench"
wf_url="postgresql://postgres@127.0.0.1:$DST/wf"
replicate() {
  "$ROOT/walferry" replicate --source "$src_url" --target "$wf_url" --schema existing --no-copy-data \
      --pipeline "$1" --exit-when-caught-up ${mode:+--apply-mode "$mode"} \
      ${WALFERRY_APPLY_LANES:+--apply-lanes "$WALFERRY_APPLY_LANES"} 2>>"$BASE/walferry-$1.log"
}
# The WAL insert position as the end of the last record (after a page header it is the page start).
end_lsn() {
  sql $SRC bench "SELECT CASE WHEN (l - '0/0') % pg_size_bytes(current_setting('wal_segment_size')) = 40 THEN l - 40
                              WHEN (l - '0/0') % current_setting('wal_block_size')::int = 24 THEN l - 24 ELSE l END
                  FROM (SELECT pg_current_wal_insert_lsn() AS l) s"
}
check() { sql "$1" "$2" "SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers),
                             (SELECT count(*) FROM pgbench_history), (SELECT sum(delta) FROM pgbench_history)"; }
last_enable=0

# One backlog: $1 a name, $2 a description, then the workload's command.
backlog() {
  local name=$1 what=$2; shift 2
  # Every consumer's slot before the workload, so that all three decode the same WAL.
  replicate "$name" >/dev/null
  sql $DST native "CREATE SUBSCRIPTION native_$name CONNECTION 'host=127.0.0.1 port=$SRC user=postgres dbname=bench'
      PUBLICATION native_pub WITH (copy_data = false, binary = true, streaming = on, enabled = false)"
  sql $SRC bench "SELECT 1 FROM pg_create_logical_replication_slot('decode_$name', 'pgoutput')" >/dev/null
  local start_lsn; start_lsn=$(end_lsn)
  "$@"
  local end; end=$(end_lsn)
  local wal; wal=$(sql $SRC bench "SELECT pg_size_pretty('$end'::pg_lsn - '$start_lsn'::pg_lsn)")
  echo "($name) $what: $wal of WAL, up to $end"

  local start; start=$(now)
  cpu_mark wf "$BASE/$SRC" "$BASE/$DST"
  timed_cpu "$BASE/cpu" replicate "$name" >/dev/null
  local wf; wf=$(since "$start")
  local wf_cpu; wf_cpu="$(cat "$BASE/cpu") $(cpu_since wf "$BASE/$SRC" "$BASE/$DST")"

  local wait; wait=$(echo "$LAUNCHER_GAP_SECONDS - ($(now) - $last_enable)" | bc)
  if (( $(echo "$wait > 0" | bc) )); then sleep "$wait"; fi
  cpu_mark native "$BASE/$SRC" "$BASE/$DST"
  start=$(now); last_enable=$start
  sql $DST native "ALTER SUBSCRIPTION native_$name ENABLE"
  until [[ $(sql $SRC bench "SELECT confirmed_flush_lsn >= '$end' FROM pg_replication_slots WHERE slot_name = 'native_$name'") == t ]]; do
    sleep 0.02
  done
  local native; native=$(since "$start")
  sql $DST native "ALTER SUBSCRIPTION native_$name DISABLE"
  sleep 1 # the apply worker and its walsender exit
  local native_cpu; native_cpu="0 $(cpu_since native "$BASE/$SRC" "$BASE/$DST")"

  cpu_mark decode "$BASE/$SRC" "$BASE/$DST"
  start=$(now)
  timed_cpu "$BASE/cpu" "$PGBIN/pg_recvlogical" -h 127.0.0.1 -p $SRC -U postgres -d bench -S "decode_$name" --start -E "$end" -F 0 \
      -f /dev/null -o proto_version=$proto -o publication_names=native_pub -o binary=true -o streaming=on
  local decode; decode=$(since "$start")
  local decode_cpu; decode_cpu="$(cat "$BASE/cpu") $(cpu_since decode "$BASE/$SRC" "$BASE/$DST")"

  local want; want=$(check $SRC bench)
  for db in wf native; do
    [[ $(check $DST $db) == "$want" ]] || { echo "target database $db differs from the source: $(check $DST $db) vs $want" >&2; exit 1; }
  done
  printf '    %-41s %8.2f s\n' "walferry replicate (${mode:-default mode}):" "$wf" \
      "native subscription (binary, streaming):" "$native" "pg_recvlogical to /dev/null (decode):" "$decode"
  printf '    walferry / native: %.2f (goal <= 1.0)   walferry / pg_recvlogical: %.2f (goal <= 1.1)\n' \
      "$(echo "$wf / $native" | bc -l)" "$(echo "$wf / $decode" | bc -l)"
  echo "    CPU seconds (the consumer's process, source backends, target backends):"
  local who cpu
  for who in "walferry:$wf_cpu" "native subscription:$native_cpu" "pg_recvlogical:$decode_cpu"; do
    cpu=${who#*:}
    printf '      %-20s %6s %6s %6s   total %6.2f\n' "${who%%:*}" $cpu "$(echo "${cpu// /+}" | bc)"
  done

  "$ROOT/walferry" cleanup --source "$src_url" --target "$wf_url" --pipeline "$name" --yes >/dev/null 2>&1
  sql $DST native "ALTER SUBSCRIPTION native_$name SET (slot_name = NONE)"
  sql $DST native "DROP SUBSCRIPTION native_$name"
  sql $SRC bench "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                  WHERE slot_name IN ('native_$name', 'decode_$name')" >/dev/null
}

pgbench_backlog() {
  "$PGBIN/pgbench" -N -c "$CLIENTS" -j 2 -t "$((TRANSACTIONS / CLIENTS))" -h 127.0.0.1 -p $SRC -U postgres bench \
      >"$BASE/pgbench.log" 2>&1
}
update_all() {
  sql $SRC bench "UPDATE pgbench_accounts SET abalance = abalance + 1"
}
backlog oltp "$((TRANSACTIONS / CLIENTS * CLIENTS)) pgbench -N transactions ($CLIENTS clients)" pgbench_backlog
backlog update "one UPDATE of all $((SCALE * 100000)) pgbench_accounts rows" update_all
echo "both target databases equal the source after each backlog (balances and history)"
