#!/usr/bin/env bash
# The web application's speed goals in headless Chromium (web/bench/web_bench.mjs): opening a
# 10,000-position estimate, scrolling its grid without long tasks, the round trip of a quantity
# edit to the total on screen, and the first page's JavaScript. The service serves web/dist on a
# SQLite file of its own; the estimate is bench/make_calc_document.py's, as bench/estimates_api.sh
# makes it.
# Usage: bench/web_bench.sh [BUILD_DIR]   (default: build-bench; run by bench/run.sh)
# A goal that cannot be measured yet (the editor is not there) is reported as "not measured" and
# does not fail `make bench`; neither does a machine without node or Chromium (it says so).
set -euo pipefail
build=${1:-build-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$(readlink -f "$build/estimate-service")
[[ -x "$bin" ]] || { echo "no $build/estimate-service; build it first" >&2; exit 1; }
dist=$root/web/dist
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
skip() { echo "RESULT web bench not measured: $*"; exit 0; }
command -v node >/dev/null || skip "node is not installed"
[[ -x "$chromium" ]] || skip "$chromium is missing (make deps)"
[[ -d web/node_modules/@playwright/test ]] || skip "web/node_modules is missing (make web-deps)"
[[ -f "$dist/index.html" ]] || skip "web/dist is not built (make web-build)"

work=$(mktemp -d /tmp/estimate-web-bench.XXXXXX)
svc_pid=
cleanup() {
  if [[ -n "$svc_pid" ]]; then kill "$svc_pid" 2>/dev/null || true; wait "$svc_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ms() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / 1e6:.0f}")' "$1"; }
field() {  # field FILE KEY: a value of the JSON object in FILE
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"
}

export DATABASE_URL="sqlite://$work/web-bench.db"
export JWT_SECRET=estimate-web-bench-access-secret-0123456789abcdef
export JWT_REFRESH_SECRET=estimate-web-bench-refresh-secret-0123456789abcdef
export JWT_EXPIRES_IN=12h RATE_LIMIT_LIMIT=100000000 UPLOAD_MAX_SIZE=512mb
export STORAGE_PATH=$work/files PROMETHEUS_ENABLED=false WEB_ROOT=$dist
unset REDIS_URL
LOG_LEVEL=warn "$bin" migrate >/dev/null
LOG_LEVEL=warn "$bin" user ensure-admin --password-file "$work/admin-password" >/dev/null
password=$(head -n 1 "$work/admin-password")

port=$(free_port)
url="http://127.0.0.1:$port"
LOG_LEVEL=warn "$bin" serve --host 127.0.0.1 --port "$port" --io-threads 2 >"$work/server.log" 2>&1 &
svc_pid=$!
for _ in $(seq 100); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.1; done
curl -sf "$url/health/ready" >/dev/null || { echo "server not up" >&2; cat "$work/server.log" >&2; exit 1; }

api() {  # api METHOD PATH BODY_FILE OUT_FILE: fails unless 2xx
  local code
  code=$(curl -s -o "$4" -w '%{http_code}' -X "$1" "$url$2" -H "Authorization: Bearer ${token:-}" \
    -H 'Content-Type: application/json' --data-binary "@$3")
  [[ $code == 2* ]] || { echo "$1 $2 answered $code: $(head -c 500 "$4")" >&2; return 1; }
}
printf '{"email":"admin@example.com","password":"%s"}' "$password" >"$work/login.json"
token=
api POST /api/v1/auth/login "$work/login.json" "$work/session.json"
token=$(field "$work/session.json" access_token)
echo '{"name":"Бенчмарк веб-приложения"}' >"$work/project.json"
api POST /api/v1/projects "$work/project.json" "$work/project.out"
echo '{"name":"Объект бенчмарка"}' >"$work/object.json"
api POST "/api/v1/projects/$(field "$work/project.out" id)/objects" "$work/object.json" "$work/object.out"

# The 10,000-position estimate of the API benchmark (norms with 12 resource lines, every 10th a
# stand-alone material, 20 sections), created with one POST.
n=10000
python3 bench/make_calc_document.py "$work/doc.json" "$n" 2>/dev/null
python3 - "$work/doc.json" "$work/estimate.json" "$n" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
body = {"name": f"Бенчмарк, {sys.argv[3]} позиций", "region": "77", "zone": "1",
        "quarter": "2025-Q2", "sections": doc["sections"]}
json.dump(body, open(sys.argv[2], "w"), ensure_ascii=False)
PY
t0=$(date +%s%N)
api POST "/api/v1/objects/$(field "$work/object.out" id)/estimates" "$work/estimate.json" "$work/estimate.out"
t1=$(date +%s%N)
estimate=$(field "$work/estimate.out" id)
size=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" "$url/api/v1/estimates/$estimate")
gzip_size=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" -H 'Accept-Encoding: gzip' \
  "$url/api/v1/estimates/$estimate")
echo "web bench: estimate $estimate of $n positions made in $(ms $((t1 - t0))) ms;" \
  "GET /api/v1/estimates/$estimate is $((size / 1024)) KiB ($((gzip_size / 1024)) KiB gzip)"

cd web
# A crash of the browser side is reported, not fatal: the rest of `make bench` still runs.
node bench/web_bench.mjs --url "$url" --email admin@example.com --password "$password" \
  --estimate "$estimate" --dist "$dist" --chromium "$chromium" ||
  echo "RESULT web bench failed (exit $?): see the messages above"
