#!/usr/bin/env bash
# The API speed goals of estimates, with wrk, against PostgreSQL + Redis (2 I/O threads):
#   GET /api/v1/estimates/{id} of a 1,000-position estimate (positions with their figures):
#     >= 300 requests/s with p99 <= 250 ms at 50 connections, and p50 <= 5 ms unloaded;
#   editing one position of a 10,000-position estimate — sequential PATCH
#     /api/v1/estimates/{id}/positions/{pid} {"quantity"} with If-Match of the previous ETag:
#     round trip p50 <= 5 ms (p99 reported);
#   creating a 10,000-position estimate from its sections in one POST (issue 13): <= 1 s.
# Usage: bench/estimates_api.sh [BUILD_DIR]   (default: build-bench)
# PostgreSQL: ESTIMATE_BENCH_DATABASE_URL (a database of its own is created in that cluster and
# dropped afterwards), else a throwaway one. Redis: always a throwaway one.
# BENCH_DURATION (default 10s) sets the length of each wrk run; BENCH_LOG_LEVEL and
# BENCH_SERVER_LOG keep a log of the server (see below).
set -euo pipefail
build=${1:-build-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bench/lib.sh
bin=$(readlink -f "$build/estimate-service")
[[ -x "$bin" ]] || { echo "no $build/estimate-service; build it first" >&2; exit 1; }
duration=${BENCH_DURATION:-10s}

work=$(mktemp -d /tmp/estimate-api-bench.XXXXXX)
svc_pid=
own_pg=
bench_db=
admin_url=
cleanup() {
  if [[ -n "$svc_pid" ]]; then kill "$svc_pid" 2>/dev/null || true; wait "$svc_pid" 2>/dev/null || true; fi
  scripts/test-services.sh redis-stop "$work/redis" >/dev/null 2>&1 || true
  if [[ -n "$bench_db" ]]; then
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $bench_db" >/dev/null 2>&1 || true
  fi
  if [[ -n "$own_pg" ]]; then scripts/test-services.sh pg-stop "$work/pg" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ms() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / 1e6:.0f}")' "$1"; }
# wrk prints latencies as 812.00us, 4.21ms, 1.02s: in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                         else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
pct() { awk -v p="$1" '$1 == p {print $2}' "$2"; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
verdict() { if "$@"; then echo met; else echo MISSED; fi; }

# --- PostgreSQL: a fresh database (ensure-admin writes the password only when it creates it).
if [[ -n "${ESTIMATE_BENCH_DATABASE_URL:-}" ]]; then
  admin_url=$ESTIMATE_BENCH_DATABASE_URL
else
  own_pg=1
  admin_url=$(scripts/test-services.sh pg-start "$work/pg" "$(free_port)" | tail -n 1)
fi
bench_db="estimate_api_bench_$$"
psql "$admin_url" -qc "CREATE DATABASE $bench_db" >/dev/null
db_url="${admin_url%/*}/$bench_db"
redis_url=$(scripts/test-services.sh redis-start "$work/redis" "$(free_port)" | tail -n 1)

export DATABASE_URL=$db_url REDIS_URL=$redis_url
export JWT_SECRET=estimate-api-bench-access-secret-0123456789abcdef
export JWT_REFRESH_SECRET=estimate-api-bench-refresh-secret-0123456789abcdef
export JWT_EXPIRES_IN=12h RATE_LIMIT_LIMIT=100000000 UPLOAD_MAX_SIZE=512mb
export STORAGE_PATH=$work/files PROMETHEUS_ENABLED=false
LOG_LEVEL=warn "$bin" migrate >/dev/null
LOG_LEVEL=warn "$bin" user ensure-admin --password-file "$work/admin-password" >/dev/null
password=$(head -n 1 "$work/admin-password")

port=$(free_port)
# BENCH_SERVER_LOG=FILE keeps the server's log (with BENCH_LOG_LEVEL=info: a line per request).
server_log=${BENCH_SERVER_LOG:-$work/server.log}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warn} "$bin" serve --host 127.0.0.1 --port "$port" --io-threads 2 \
  >"$server_log" 2>&1 &
svc_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
curl -sf "$url/health" >/dev/null || { echo "server not up" >&2; cat "$server_log" >&2; exit 1; }

field() {  # field FILE KEY…: a value of the JSON object in FILE
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v = v[int(k) if isinstance(v, list) else k]
print(v)' "$@"
}
api() {  # api METHOD PATH BODY_FILE OUT_FILE: fails unless 2xx
  bench_curl "$4" -X "$1" "$url$2" -H "Authorization: Bearer ${token:-}" \
    -H 'Content-Type: application/json' --data-binary "@$3" >/dev/null
}

printf '{"email":"admin@example.com","password":"%s"}' "$password" >"$work/login.json"
token=
api POST /api/v1/auth/login "$work/login.json" "$work/session.json"
token=$(field "$work/session.json" access_token)
echo '{"name":"Бенчмарк API смет"}' >"$work/project.json"
api POST /api/v1/projects "$work/project.json" "$work/project.out"
project=$(field "$work/project.out" id)
echo '{"name":"Объект бенчмарка"}' >"$work/object.json"
api POST "/api/v1/projects/$project/objects" "$work/object.json" "$work/object.out"
object=$(field "$work/object.out" id)

# An estimate of N positions from bench/make_calc_document.py (norms with 12 resource lines,
# every 10th a stand-alone material), created with one POST; prints "ID VERSION POSITION_ID".
create_estimate() {
  local n=$1 doc="$work/doc-$1.json" body="$work/estimate-$1.json" out="$work/estimate-$1.out"
  python3 bench/make_calc_document.py "$doc" "$n" 2>/dev/null
  python3 - "$doc" "$body" "$n" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
body = {"name": f"Бенчмарк, {sys.argv[3]} позиций", "region": "77", "zone": "1",
        "quarter": "2025-Q2", "sections": doc["sections"]}
json.dump(body, open(sys.argv[2], "w"), ensure_ascii=False)
PY
  local t0 t1 code
  t0=$(date +%s%N)
  # Without "Expect: 100-continue" (curl sends it for a large body and waits up to a second for
  # the interim answer): the time is the service's.
  code=$(curl -s -o "$out" -w '%{http_code}' -X POST "$url/api/v1/objects/$object/estimates" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -H 'Expect:' \
    --data-binary "@$body")
  t1=$(date +%s%N)
  [[ $code == 201 ]] || { echo "POST estimates answered $code: $(head -c 500 "$out")" >&2; return 1; }
  ms $((t1 - t0)) >"$work/create-$n.ms"
  echo "created the $n-position estimate in one POST: $(ms $((t1 - t0))) ms" \
    "(request body $(($(stat -c %s "$body") / 1024)) KiB, answer $(($(stat -c %s "$out") / 1024)) KiB)" >&2
  # The first norm position of the middle section.
  echo "$(field "$out" id) $(field "$out" version) $(python3 -c 'import json, sys
v = json.load(open(sys.argv[1])); s = v["sections"][len(v["sections"]) // 2]
print(next(p["id"] for p in s["positions"] if p["type"] == "norm"))' "$out")"
}

# --- (a) GET of a 1,000-position estimate.
created=$(create_estimate 1000)
read -r e1000 _ _ <<<"$created"
get_path="/api/v1/estimates/$e1000"
auth="Authorization: Bearer $token"
answer=$(bench_curl "$work/get.out" -H "$auth" "$url$get_path"); size=${answer##* }
answer=$(bench_curl "$work/get.out" -H "$auth" -H 'Accept-Encoding: gzip' "$url$get_path"); gzip_size=${answer##* }
: >"$work/get-times"
for _ in $(seq 20); do
  answer=$(bench_curl "$work/get.out" -H "$auth" "$url$get_path")
  read -r _ secs _ <<<"$answer"; echo "$secs" >>"$work/get-times"
done
timings=$(sort -n "$work/get-times" |
  awk '{a[NR] = $1 * 1000} END {printf "curl x20: min %.1f ms, median %.1f ms, max %.1f ms", a[1], a[int((NR + 1) / 2)], a[NR]}')
echo "estimates GET 1000 positions: response $size bytes ($((size / 1024)) KiB; with Accept-Encoding: gzip $gzip_size bytes); $timings"

echo "== wrk GET $get_path, 50 connections, $duration (2 threads)"
bench_wrk "$work/get50.txt" -t2 -c50 -d"$duration" --latency -H "$auth" "$url$get_path"
get_rps=$(rps "$work/get50.txt"); get_p99=$(to_ms "$(pct 99% "$work/get50.txt")")
echo "== wrk GET $get_path, 1 connection (unloaded), $duration"
bench_wrk "$work/get1.txt" -t1 -c1 -d"$duration" --latency -H "$auth" "$url$get_path"
get_p50=$(to_ms "$(pct 50% "$work/get1.txt")"); get1_p99=$(to_ms "$(pct 99% "$work/get1.txt")")

# --- (b) editing one position of a 10,000-position estimate.
created=$(create_estimate 10000)
read -r e10000 version pid <<<"$created"
edit_path="/api/v1/estimates/$e10000/positions/$pid"
# One edit by curl first (a check, and the time of a single round trip).
printf '{"quantity": "3.5"}' >"$work/edit.json"
code=$(curl -s -o "$work/edit.out" -D "$work/edit.headers" -w '%{http_code} %{time_total}' -X PATCH "$url$edit_path" \
  -H "$auth" -H 'Content-Type: application/json' -H "If-Match: \"$version\"" --data-binary "@$work/edit.json")
[[ ${code%% *} == 200 ]] || { echo "PATCH answered $code: $(head -c 500 "$work/edit.out")" >&2; exit 1; }
version=$(awk -F'"' 'tolower($1) ~ /^etag:/ {print $2}' "$work/edit.headers")
echo "edit by curl: $(awk -v t="${code#* }" 'BEGIN {printf "%.1f", t * 1000}') ms, answer $(stat -c %s "$work/edit.out") bytes, now version $version"

echo "== wrk PATCH $edit_path, sequential, 1 connection, $duration"
bench_wrk "$work/edit.txt" -t1 -c1 -d"$duration" --latency -s bench/estimate_edit.lua "$url" -- \
  "$edit_path" "$version" "$token"
edit_p50=$(to_ms "$(pct 50% "$work/edit.txt")"); edit_p99=$(to_ms "$(pct 99% "$work/edit.txt")")
edit_rps=$(rps "$work/edit.txt")
edit_failures=$(awk -F'[= ]' '/^edit_failures=/ {print $2}' "$work/edit.txt")
bench_curl "$work/final.out" -D "$work/final.headers" -H "$auth" "$url/api/v1/estimates/$e10000" >/dev/null
final=$(awk -F'"' 'tolower($1) ~ /^etag:/ {print $2}' "$work/final.headers")

echo
get_goal() { le 300 "$get_rps" && le "$get_p99" 250; }
echo "RESULT estimates GET 1000 positions c=50: $get_rps req/s p99 $get_p99 ms (goal >=300, <=250): $(verdict get_goal)"
echo "RESULT estimates GET unloaded p50 $get_p50 ms p99 $get1_p99 ms (goal p50 <=5): $(verdict le "$get_p50" 5)"
echo "RESULT estimates GET response $size bytes"
create_ms=$(cat "$work/create-10000.ms")
echo "RESULT estimates create 10000 positions in one POST: $create_ms ms (goal <=1000):" \
  "$(verdict le "$create_ms" 1000)"
echo "RESULT estimates edit one of 10000: p50 $edit_p50 ms p99 $edit_p99 ms, $edit_rps edits/s," \
  "$edit_failures failed, $((final - version)) versions written (goal p50 <=5): $(verdict le "$edit_p50" 5)"
