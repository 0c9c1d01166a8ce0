#!/usr/bin/env bash
# The cost of checking every signed-in request against its session, membership and role
# (services::SessionGuard, issue 10): GET /api/v1/estimates/{id} of a 1,000-position estimate,
# p50/p99 with wrk at 1 connection (unloaded) and at 50, for each binary given, on SQLite and on
# PostgreSQL + Redis, one after the other in the same sitting.
# Usage: bench/session_check.sh BIN… (e.g. the binary of the previous commit and this one);
# with no argument: build-bench/estimate-service alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bench/lib.sh
bins=()
for a in "${@:-build-bench}"; do
  [[ -d "$a" ]] && a="$a/estimate-service"  # make bench passes its build folder
  bins+=("$(readlink -f "$a")")
done
duration=${BENCH_DURATION:-10s}

work=$(mktemp -d /tmp/estimate-session-bench.XXXXXX)
svc_pid=
cleanup() {
  if [[ -n "$svc_pid" ]]; then kill "$svc_pid" 2>/dev/null || true; wait "$svc_pid" 2>/dev/null || true; fi
  scripts/test-services.sh redis-stop "$work/redis" >/dev/null 2>&1 || true
  scripts/test-services.sh pg-stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
pct() { awk -v p="$1" '$1 == p {print $2}' "$2"; }

pg_url=$(scripts/test-services.sh pg-start "$work/pg" "$(free_port)" | tail -n 1)
redis_url=$(scripts/test-services.sh redis-start "$work/redis" "$(free_port)" | tail -n 1)
python3 bench/make_calc_document.py "$work/doc.json" 1000 2>/dev/null
python3 - "$work/doc.json" "$work/estimate.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
json.dump({"name": "Бенчмарк, 1000 позиций", "region": "77", "zone": "1", "quarter": "2025-Q2",
           "sections": doc["sections"]}, open(sys.argv[2], "w"), ensure_ascii=False)
PY

export JWT_SECRET=estimate-session-bench-access-secret-0123456789
export JWT_REFRESH_SECRET=estimate-session-bench-refresh-secret-0123456789
export JWT_EXPIRES_IN=12h RATE_LIMIT_LIMIT=100000000 UPLOAD_MAX_SIZE=512mb PROMETHEUS_ENABLED=false
run=0
for engine in sqlite postgresql; do
  for bin in "${bins[@]}"; do
    run=$((run + 1))
    if [[ $engine == sqlite ]]; then
      export DATABASE_URL="sqlite://$work/run$run.db"; unset REDIS_URL
    else
      psql "$pg_url" -qc "CREATE DATABASE run$run" >/dev/null
      export DATABASE_URL="${pg_url%/*}/run$run" REDIS_URL=$redis_url
    fi
    LOG_LEVEL=warn "$bin" migrate >/dev/null
    LOG_LEVEL=warn "$bin" user ensure-admin --password-file "$work/pw$run" >/dev/null
    port=$(free_port)
    LOG_LEVEL=warn "$bin" serve --host 127.0.0.1 --port "$port" --io-threads 2 >"$work/log$run" 2>&1 &
    svc_pid=$!
    url="http://127.0.0.1:$port"
    for _ in $(seq 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
    post() { bench_curl "$3" -X POST "$url$1" -H "Authorization: Bearer ${token:-}" \
               -H 'Content-Type: application/json' --data-binary "$2" >/dev/null; }
    token=
    post /api/v1/auth/login "{\"email\":\"admin@example.com\",\"password\":\"$(head -n1 "$work/pw$run")\"}" "$work/s"
    token=$(field "$work/s" access_token)
    post /api/v1/projects '{"name":"Стройка"}' "$work/p"
    post "/api/v1/projects/$(field "$work/p" id)/objects" '{"name":"Объект"}' "$work/o"
    post "/api/v1/objects/$(field "$work/o" id)/estimates" "@$work/estimate.json" "$work/e"
    path="/api/v1/estimates/$(field "$work/e" id)"
    bench_wrk -q "$work/w1" -t1 -c1 -d"$duration" --latency -H "Authorization: Bearer $token" "$url$path"
    bench_wrk -q "$work/w50" -t2 -c50 -d"$duration" --latency -H "Authorization: Bearer $token" "$url$path"
    echo "RESULT $engine $bin:" \
      "c=1 p50 $(pct 50% "$work/w1") p99 $(pct 99% "$work/w1");" \
      "c=50 $(awk '/Requests\/sec/ {print $2}' "$work/w50") req/s p50 $(pct 50% "$work/w50") p99 $(pct 99% "$work/w50")"
    kill "$svc_pid"; wait "$svc_pid" 2>/dev/null || true; svc_pid=
  done
done
