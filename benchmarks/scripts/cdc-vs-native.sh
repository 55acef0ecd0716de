#!/usr/bin/env bash
# CDC catch-up, walferry vs PostgreSQL's own subscription, on one machine.
#
# Starts three local clusters (source, target for walferry, target for a native subscription),
# loads pgbench at the same scale into all three (pgbench -i is deterministic, so the targets start
# equal to the source), creates walferry's slot and a disabled native subscription, writes a
# pgbench backlog on the source, then drains it twice and times each:
#   walferry replicate --exit-when-caught-up        (replicate's default apply mode)
#   ALTER SUBSCRIPTION ... ENABLE, until its slot's confirmed_flush_lsn reaches the backlog's end
#                                                   (binary = true, streaming = on)
# and checks that both targets equal the source. Needs PostgreSQL server binaries (PGBIN) and
# pgbench; run as root (servers run as the postgres user) or as a user that can run initdb.
#
#   PGBIN=/usr/lib/postgresql/15/bin SCALE=10 TRANSACTIONS=20000 CLIENTS=4 FSYNC=on \
#       benchmarks/scripts/cdc-vs-native.sh
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
SCALE=${SCALE:-10}
TRANSACTIONS=${TRANSACTIONS:-20000}
CLIENTS=${CLIENTS:-4}
FSYNC=${FSYNC:-on}
BASE=${BASE:-/tmp/walferry-cdc-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR="$ROOT/cli/target/walferry.jar"
SRC=55432 WF=55433 NATIVE=55434

source "$(dirname "$0")/local-clusters.sh"
sql() { "$PGBIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d bench -c "$2"; }

[[ -f "$JAR" ]] || { echo "build first: ./mvnw -B -DskipTests package" >&2; exit 1; }
start_clusters "-c shared_buffers=256MB -c max_wal_size=4GB" $SRC $WF $NATIVE
for p in $SRC $WF $NATIVE; do
  "$PGBIN/createdb" -h 127.0.0.1 -p $p -U postgres bench
  "$PGBIN/pgbench" -q -i -s "$SCALE" -h 127.0.0.1 -p $p -U postgres bench >/dev/null 2>&1
done
# pgbench_history has no key: walferry refuses to publish a table without a replica identity (its
# UPDATEs would fail on the source); it only takes INSERTs, so FULL costs nothing.
sql $SRC "ALTER TABLE pgbench_history REPLICA IDENTITY FULL"
echo "three PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') clusters, pgbench scale $SCALE, fsync=$FSYNC"

source_url="postgresql://postgres@127.0.0.1:$SRC/bench"
"$ROOT/walferry" replicate --source "$source_url" --target "postgresql://postgres@127.0.0.1:$WF/bench" \
    --schema existing --no-copy-data --pipeline bench --exit-when-caught-up 2>/dev/null
sql $SRC "CREATE PUBLICATION native_pub FOR ALL TABLES"
sql $NATIVE "CREATE SUBSCRIPTION native_sub CONNECTION 'host=127.0.0.1 port=$SRC user=postgres dbname=bench'
    PUBLICATION native_pub WITH (copy_data = false, binary = true, streaming = on, enabled = false)"

per_client=$((TRANSACTIONS / CLIENTS))
"$PGBIN/pgbench" -N -c "$CLIENTS" -j 2 -t "$per_client" -h 127.0.0.1 -p $SRC -U postgres bench 2>/dev/null \
    | grep -E "number of transactions actually processed|tps" | head -2
end_lsn=$(sql $SRC "SELECT pg_current_wal_insert_lsn()")
rows=$(sql $SRC "SELECT count(*) FROM pgbench_history")
# pgbench -N: per transaction one UPDATE of pgbench_accounts and one INSERT into pgbench_history.
changes=$((rows * 2))
echo "backlog: $((per_client * CLIENTS)) transactions ($changes row changes) up to LSN $end_lsn"

start=$(date +%s.%N)
"$ROOT/walferry" replicate --source "$source_url" --target "postgresql://postgres@127.0.0.1:$WF/bench" \
    --schema existing --no-copy-data --pipeline bench --exit-when-caught-up 2>"$BASE/walferry.log"
wf=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
sql $NATIVE "ALTER SUBSCRIPTION native_sub ENABLE"
until [[ $(sql $SRC "SELECT confirmed_flush_lsn >= '$end_lsn' FROM pg_replication_slots WHERE slot_name = 'native_sub'") == t ]]; do
  sleep 0.05
done
native=$(echo "$(date +%s.%N) - $start" | bc)

check() { sql "$1" "SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers),
                           (SELECT count(*) FROM pgbench_history), (SELECT sum(delta) FROM pgbench_history)"; }
want=$(check $SRC)
for p in $WF $NATIVE; do
  [[ $(check $p) == "$want" ]] || { echo "target on port $p differs from the source: $(check $p) vs $want" >&2; exit 1; }
done
printf 'walferry replicate (default apply mode): %.2f s, %.0f row changes/s\n' "$wf" "$(echo "$changes / $wf" | bc -l)"
printf 'native subscription (binary, streaming): %.2f s, %.0f row changes/s\n' "$native" "$(echo "$changes / $native" | bc -l)"
printf 'ratio walferry / native: %.2f\n' "$(echo "$wf / $native" | bc -l)"
echo "both targets equal the source (balances and history)"
