# Local PostgreSQL clusters for the benchmark scripts (sourced, not run). Uses PGBIN, BASE and FSYNC.
#   as_pg CMD                      runs CMD as the postgres user when the script runs as root
#   start_clusters SETTINGS PORT...
#                                  stops and removes whatever BASE held, then creates and starts one
#                                  cluster per port (trust authentication, listening on 127.0.0.1,
#                                  wal_level logical, autovacuum off, fsync=$FSYNC, plus SETTINGS:
#                                  further "-c name=value" options); they are stopped when the script exits

as_pg() { if [[ $(id -u) == 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

_stop_clusters() {
  local p
  for p in $_CLUSTER_PORTS; do as_pg "$PGBIN/pg_ctl -D $BASE/$p -m immediate stop" >/dev/null 2>&1 || true; done
}

start_clusters() {
  local settings=$1 p
  shift
  _CLUSTER_PORTS="$*"
  trap _stop_clusters EXIT
  _stop_clusters
  rm -rf "$BASE"; mkdir -p "$BASE"; [[ $(id -u) == 0 ]] && chown postgres "$BASE"
  for p in "$@"; do
    as_pg "$PGBIN/initdb -D $BASE/$p -U postgres -A trust >/dev/null"
    as_pg "$PGBIN/pg_ctl -D $BASE/$p -l $BASE/$p.log -w -o '-p $p -c listen_addresses=127.0.0.1 -c unix_socket_directories=$BASE \
      -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10 -c fsync=$FSYNC -c autovacuum=off $settings' start >/dev/null"
  done
}
