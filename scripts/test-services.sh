#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis 7 on loopback for tests and CI, in a folder of their own.
#   test-services.sh pg-start DIR PORT     initdb (first time) and start; prints the DATABASE_URL
#   test-services.sh pg-stop DIR           fast shutdown
#   test-services.sh redis-start DIR PORT  start; prints the REDIS_URL
#   test-services.sh redis-stop DIR
# PostgreSQL refuses to run as root, so as root the cluster belongs to the user `postgres`.
set -euo pipefail
cmd=${1:?command}; dir=${2:?folder}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  pg-start)
    port=${3:?port}
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres: "$dir"
      # postgres must be able to reach the folder through its parents (mktemp makes them 0700).
      p=$(dirname "$(readlink -f "$dir")"); while [[ "$p" != / ]]; do chmod o+x "$p"; p=$(dirname "$p"); done
    fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    as_pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='estimate'" | grep -q 1 \
      || as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres estimate
    echo "postgresql://postgres@127.0.0.1:$port/estimate"
    ;;
  pg-stop)
    [[ -f "$dir/data/postmaster.pid" ]] && as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  redis-start)
    port=${3:?port}
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    echo "redis://127.0.0.1:$port/0"
    ;;
  redis-stop)
    [[ -f "$dir/redis.pid" ]] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
