#!/usr/bin/env bash
# make bench: the Google Benchmark programs, then every bench/*.sh (the API's speed goals, and the
# web application's in headless Chromium: bench/web_bench.sh), then HTTP throughput with wrk —
# GET /health of estimate-service against nginx serving a static file of the same size.
# Every wrk run and curl measurement fails the run when an answer is not a success (bench/lib.sh);
# a missed speed goal does not (it is printed as MISSED).
set -euo pipefail
build=${1:-build-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bench/lib.sh
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-50}

# One throwaway PostgreSQL for every benchmark that measures it.
pg_dir=$(mktemp -d /tmp/estimate-bench-pg.XXXXXX)
trap 'scripts/test-services.sh pg-stop "$pg_dir/pg" >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ESTIMATE_BENCH_DATABASE_URL=$(scripts/test-services.sh pg-start "$pg_dir/pg" "$pg_port" | tail -n 1)
export ESTIMATE_BENCH_DATABASE_URL

for b in "$build"/bench/*_bench; do
  [[ -x "$b" ]] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.5
done
for s in bench/*.sh; do
  [[ "$s" == bench/run.sh || "$s" == bench/lib.sh ]] && continue  # lib.sh is sourced, not run
  echo "== $s"
  "$s" "$build"
done

work=$(mktemp -d /tmp/estimate-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as www-data
svc_pid=
cleanup() {
  [[ -n "$svc_pid" ]] && kill "$svc_pid" 2>/dev/null || true
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap 'cleanup; scripts/test-services.sh pg-stop "$pg_dir/pg" >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "not up: $1" >&2; return 1; }

svc_port=$(free_port)
DATABASE_URL="sqlite://$work/bench.db" LOG_LEVEL=warn "$build/estimate-service" migrate
DATABASE_URL="sqlite://$work/bench.db" LOG_LEVEL=warn "$build/estimate-service" serve \
  --host 127.0.0.1 --port "$svc_port" --io-threads 2 >/dev/null 2>&1 &
svc_pid=$!
wait_up "http://127.0.0.1:$svc_port/health"

# nginx: same body, same size, two workers (one per core), no access log, keep-alive.
bench_curl "$work/health.json" "http://127.0.0.1:$svc_port/health" >/dev/null
body=$(cat "$work/health.json")
mkdir -p "$work/www"
printf '%s' "$body" >"$work/www/health"
nginx_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work"
wait_up "http://127.0.0.1:$nginx_port/health"

echo "== wrk GET /health, $connections connections, $duration (2 threads)"
bench_wrk -q "$work/wrk-svc.txt" -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$svc_port/health"
bench_wrk -q "$work/wrk-nginx.txt" -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$nginx_port/health"
echo "-- estimate-service"; cat "$work/wrk-svc.txt"
echo "-- nginx (static file of ${#body} bytes)"; cat "$work/wrk-nginx.txt"
svc_rps=$(bench_rps "$work/wrk-svc.txt"); nginx_rps=$(bench_rps "$work/wrk-nginx.txt")
ratio=$(python3 -c "print(f'{$svc_rps / $nginx_rps:.2f}')")
echo "RESULT health_rps=$svc_rps nginx_rps=$nginx_rps ratio=$ratio (goal >= 0.5)"
