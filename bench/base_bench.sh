#!/usr/bin/env bash
# The normative base at full size: generate the synthetic base (tools/generate_base.py: 60,000
# norms, ~1,000,000 resource lines, 30,000 materials, 2,000 machines, 3 regions), import it into
# SQLite and into PostgreSQL (time and peak memory), then search over HTTP with wrk (every answer
# must be a 200: bench/lib.sh; the rate limiter is lifted for it).
set -euo pipefail
build=${1:-build-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bench/lib.sh
work=$(mktemp -d /tmp/estimate-base-bench.XXXXXX)
svc_pid=
cleanup() {
  [[ -n "$svc_pid" ]] && kill "$svc_pid" 2>/dev/null || true
  scripts/test-services.sh pg-stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

python3 tools/generate_base.py "$work/base"
bin=$(readlink -f "$build/estimate-service")

measure_import() {  # $1 label, $2 DATABASE_URL
  DATABASE_URL="$2" LOG_LEVEL=warn "$bin" migrate
  /usr/bin/time -f "%e %M" -o "$work/time.txt" env DATABASE_URL="$2" LOG_LEVEL=warn \
    "$bin" import "$work/base" --json >"$work/import.json"
  read -r secs kb <"$work/time.txt"
  echo "RESULT import_$1 seconds=$secs peak_rss_mb=$((kb / 1024)) $(cat "$work/import.json")"
}

measure_import sqlite "sqlite://$work/bench.db"
if [[ -n "${ESTIMATE_BENCH_DATABASE_URL:-}" ]]; then
  pg_url=$ESTIMATE_BENCH_DATABASE_URL
  psql "$pg_url" -qc "DROP SCHEMA public CASCADE; CREATE SCHEMA public" >/dev/null 2>&1
else
  pg_url=$(scripts/test-services.sh pg-start "$work/pg" "$(free_port)" | tail -n 1)
fi
measure_import postgresql "$pg_url"

port=$(free_port)
# Without RATE_LIMIT_LIMIT every client address gets 100 requests a minute: the rest are 429s.
# The api role alone: the assistant's training (role ai) would share the cores with the search.
DATABASE_URL="sqlite://$work/bench.db" LOG_LEVEL=warn RATE_LIMIT_LIMIT=100000000 "$bin" serve \
  --roles api --host 127.0.0.1 --port "$port" --io-threads 2 --workers 2 >"$work/server.log" 2>&1 &
svc_pid=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/api/v1/norms?q=x" >/dev/null && break; sleep 0.1; done
bench_curl "$work/probe.json" "http://127.0.0.1:$port/api/v1/norms?q=x" >/dev/null
# Throughput with many clients, then latency at a load of about 1,000 queries/s and more.
for connections in 20 4; do
  echo "== wrk: /api/v1/norms search, 8 typical queries, $connections connections, 10 s"
  bench_wrk "$work/wrk.txt" -t2 -c"$connections" -d10s --latency -s bench/search_queries.lua \
    "http://127.0.0.1:$port"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  echo "RESULT search_http connections=$connections rps=$rps p99=$p99 (goal: >= 1000 rps with p99 <= 10 ms)"
done

# The assistant's norm suggestion over HTTP on the same full-size base: a service with the ai
# role trains the release's model in the background (from its start to the first 200 is the
# training), then POST /api/v1/ai/suggest with wrk.
kill "$svc_pid" 2>/dev/null || true
wait "$svc_pid" 2>/dev/null || true
started=$(date +%s)
DATABASE_URL="sqlite://$work/bench.db" LOG_LEVEL=warn RATE_LIMIT_LIMIT=100000000 AI_CACHE_DIR="$work/ai" \
  "$bin" serve --roles api,ai --host 127.0.0.1 --port "$port" --io-threads 2 --workers 2 \
  >"$work/server.log" 2>&1 &
svc_pid=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
printf 'bench-password-1\n' | DATABASE_URL="sqlite://$work/bench.db" LOG_LEVEL=warn "$bin" user add \
  --email bench@ai.test --role estimator --org-name "Бенч" --password-stdin >/dev/null
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"email":"bench@ai.test","password":"bench-password-1"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
for _ in $(seq 1200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"text":"наладка"}' "http://127.0.0.1:$port/api/v1/ai/suggest")
  [[ $code == 200 ]] && break
  sleep 1
done
echo "RESULT ai_model_ready seconds=$(( $(date +%s) - started )) model_mb=$(du -sm "$work/ai" | cut -f1)"
for connections in 1 4; do
  echo "== wrk: /api/v1/ai/suggest, 8 descriptions, $connections connections, 10 s"
  AI_TOKEN=$token bench_wrk "$work/wrk.txt" -t1 -c"$connections" -d10s --latency -s bench/ai_suggest.lua \
    "http://127.0.0.1:$port"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  echo "RESULT ai_suggest_http connections=$connections rps=$rps p99=$p99 (goal: p99 <= 50 ms)"
done
