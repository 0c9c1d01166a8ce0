#!/usr/bin/env bash
# The path of one big estimate document through the service (issue 13), each figure beside
# Python's json.load + json.dump of the same document — measured alternately in the same sitting,
# so that a busy machine slows both — and a RESULT line with its goal:
#   a. `estimate-service calc FILE` of the 10,000-position document (~25 MB): <= 80 ms end to end,
#      and <= 0.10x Python's load+dump of the file;
#   b. POST /api/v1/calc of the same document, with `Expect:` suppressed and with curl's default
#      headers (Expect: 100-continue): <= 80 ms each;
#   c. POST /api/v1/calc of a 1,000-position document, wrk -t2 -c50 -d10s: >= 200 req/s, p99 <= 500 ms;
#   d. curl's POST /api/v1/calc of a ~3 MB (1,200-position) document with its default headers:
#      <= 100 ms total;
#   e. GET /api/v1/estimates/{id} of a 1,000-position estimate with Accept-Encoding: gzip, wrk
#      -t2 -c50: >= 3,000 req/s (and the answer is gzip); the 10,000-position estimate's answer
#      compressed (gzip, br): <= 1 MB;
#   f. POST /api/v1/objects/{id}/estimates of the 10,000-position document: <= 1 s, on SQLite and
#      on PostgreSQL;
#   g. GET /api/v1/estimates/{id}/export?format=pdf of the 10,000-position estimate (Prefer:
#      respond-async; a 202 job is polled to its file): <= 20 s to the file.
# Python's figure is the time inside the interpreter (its start, ~20 ms, is not counted) of
# json.load(open(FILE)) + json.dump(doc, open(os.devnull, "w")), run in turn with ours: a and
# both b share one series, f's two engines another. "ratio" is ours / Python's, medians of the
# runs; for the wrk figures (c, e) ours is 1000 / (req/s), the time per answer at that load, and
# e's Python figure is of the GET answer itself. Figure a replaces bench/calc_vs_python.sh
# (BENCH_FIGURES=a measures it alone, without a service).
# A missed goal prints MISSED and does not fail; an answer that is not a success (or an error of
# wrk or curl) fails the script.
# Usage: bench/document_path.sh [BUILD_DIR]   (default: build-bench; run by bench/run.sh)
#   BENCH_RUNS (default 5): runs of a, b and d (Python's load+dump of 25 MB takes seconds);
#   BENCH_CREATE_RUNS (default 3): runs of f;
#   BENCH_EXPORT_TIMEOUT (default 120): seconds after which g is given up as MISSED;
#   BENCH_FIGURES (default abcdefg): the figures to measure, e.g. BENCH_FIGURES=a for the CLI alone;
#   BENCH_DURATION (default 10s): each wrk run;
#   ESTIMATE_BENCH_DATABASE_URL: the PostgreSQL cluster of f (a database of its own is created
#   and dropped); without it a throwaway cluster is started.
set -euo pipefail
shopt -s inherit_errexit
build=${1:-build-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bench/lib.sh
bin=$(readlink -f "$build/estimate-service")
[[ -x "$bin" ]] || { echo "no $build/estimate-service; build it first" >&2; exit 1; }
runs=${BENCH_RUNS:-5}
create_runs=${BENCH_CREATE_RUNS:-3}
export_timeout=${BENCH_EXPORT_TIMEOUT:-120}
figures=${BENCH_FIGURES:-abcdefg}
duration=${BENCH_DURATION:-10s}
want() {  # want LETTERS: is any of these figures asked for?
  local i
  for ((i = 0; i < ${#1}; i++)); do [[ $figures == *"${1:i:1}"* ]] && return 0; done
  return 1
}

work=$(mktemp -d /tmp/estimate-docpath-bench.XXXXXX)
declare -A svc_pid=() svc_url=() svc_token=() svc_object=()
own_pg=
bench_db=
admin_url=
stop_service() {  # stop_service ENGINE: SIGTERM, and SIGKILL when it is still there after 10 s
  local pid=${svc_pid[$1]:-}
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "the service on $1 did not stop in 10 s: killed" >&2; kill -9 "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
  fi
  unset "svc_pid[$1]"
}
cleanup() {
  for engine in "${!svc_pid[@]}"; do stop_service "$engine"; done
  if [[ -n "$bench_db" ]]; then psql "$admin_url" -qc "DROP DATABASE IF EXISTS $bench_db" >/dev/null 2>&1 || true; fi
  if [[ -n "$own_pg" ]]; then scripts/test-services.sh pg-stop "$work/pg" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

results=()  # the RESULT lines, printed together at the end
result() { echo "RESULT document_path $*"; results+=("RESULT document_path $*"); }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
ge() { le "$2" "$1"; }
verdict() { if "$@"; then echo met; else echo MISSED; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
seconds_to_ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
now_ns() { date +%s%N; }
ms_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
# stats: numbers on stdin → "BEST MEDIAN"
stats() { sort -g | awk '{a[NR] = $1} END {print a[1], a[int((NR + 1) / 2)]}'; }

# Python's json.load + json.dump of FILE, in ms, inside one interpreter.
py_ms() {
  python3 -c 'import json, os, sys, time
t = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f: doc = json.load(f)
with open(os.devnull, "w") as f: json.dump(doc, f)
print(f"{(time.perf_counter() - t) * 1000:.1f}")' "$1"
}

# compare N FILE FN…: Python's load+dump of FILE, then each FN (which prints ms), in turn, N
# times; sets best[X] and median[X] for X = python and each FN.
declare -A best=() median=()
compare() {
  local n=$1 file=$2; shift 2
  local -A all=()
  local i fn v
  for ((i = 0; i < n; i++)); do
    v=$(py_ms "$file"); all[python]+="$v "
    for fn in "$@"; do v=$("$fn"); all[$fn]+="$v "; done
  done
  for fn in python "$@"; do
    printf '  %-28s %s\n' "$fn (ms):" "${all[$fn]}"
    read -r "best[$fn]" "median[$fn]" < <(tr ' ' '\n' <<<"${all[$fn]}" | grep . | stats)
  done
}
figures_of() {  # figures_of FN: what compare measured of FN, beside Python, in one line
  echo "best ${best[$1]} ms, median ${median[$1]} ms; python load+dump best ${best[python]} ms," \
    "median ${median[python]} ms; ratio $(ratio "${median[$1]}" "${median[python]}")"
}
size_of() { stat -c %s "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# --- The documents.
python3 bench/make_calc_document.py "$work/doc-10000.json" 10000
python3 bench/make_calc_document.py "$work/doc-1000.json" 1000
python3 bench/make_calc_document.py "$work/doc-1200.json" 1200
# The body that creates an estimate: the document's sections with the estimate's header fields
# (as bench/estimates_api.sh makes it). "sections" is the document's last member, so its text is
# taken as it is — a JSON round trip of 25 MB takes seconds — and the rest is checked.
estimate_body() {  # estimate_body N
  python3 - "$work/doc-$1.json" "$work/estimate-$1.json" "$1" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
at = text.index('"sections": ')
head = json.loads(text[:at] + '"sections": []}')
assert list(head)[-1] == "sections" and text.rstrip().endswith("]}"), "sections is not last"
body = {"name": f"Бенчмарк, {sys.argv[3]} позиций", "region": "77", "zone": "1",
        "quarter": "2025-Q2"}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(json.dumps(body, ensure_ascii=False)[:-1] + ", " + text[at:])
PY
}
estimate_body 10000
estimate_body 1000
for n in 10000 1000 1200; do
  echo "document of $n positions: $(mib "$(size_of "$work/doc-$n.json")")"
done

# --- The services: on SQLite (b–g) and, for f, on PostgreSQL, each with an admin signed in and
# an object to put estimates in. Every /api request goes through the rate limiter, so its limit is
# lifted; the 25 MB document needs UPLOAD_MAX_SIZE.
export JWT_SECRET=estimate-docpath-bench-access-secret-0123456789abcdef
export JWT_REFRESH_SECRET=estimate-docpath-bench-refresh-secret-0123456789abcdef
export JWT_EXPIRES_IN=12h RATE_LIMIT_LIMIT=100000000 UPLOAD_MAX_SIZE=100mb
export STORAGE_PATH=$work/files PROMETHEUS_ENABLED=false
unset REDIS_URL
url= token= object=
use() { url=${svc_url[$1]} token=${svc_token[$1]} object=${svc_object[$1]}; }  # use ENGINE
field() {  # field FILE KEY: a value of the JSON object in FILE
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"
}
api() {  # api METHOD PATH BODY_FILE OUT_FILE: fails unless 2xx; prints "STATUS SECONDS BYTES"
  bench_curl "$4" -X "$1" "$url$2" -H "Authorization: Bearer ${token:-}" \
    -H 'Content-Type: application/json' -H 'Expect:' --data-binary "@$3"
}
start_service() {  # start_service ENGINE DATABASE_URL
  local engine=$1 port
  DATABASE_URL=$2 LOG_LEVEL=warn "$bin" migrate >/dev/null
  DATABASE_URL=$2 LOG_LEVEL=warn "$bin" user ensure-admin --password-file "$work/admin-password-$engine" >/dev/null
  port=$(bench_free_port)
  url="http://127.0.0.1:$port"
  DATABASE_URL=$2 LOG_LEVEL=warn "$bin" serve --host 127.0.0.1 --port "$port" --io-threads 2 \
    >"$work/server-$engine.log" 2>&1 &
  svc_pid[$engine]=$!
  for _ in $(seq 200); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.1; done
  curl -sf "$url/health/ready" >/dev/null ||
    { echo "the service on $engine is not up" >&2; cat "$work/server-$engine.log" >&2; exit 1; }
  printf '{"email":"admin@example.com","password":"%s"}' "$(head -n 1 "$work/admin-password-$engine")" >"$work/login.json"
  token=
  api POST /api/v1/auth/login "$work/login.json" "$work/session.json" >/dev/null
  token=$(field "$work/session.json" access_token)
  echo '{"name":"Бенчмарк пути документа"}' >"$work/project.json"
  api POST /api/v1/projects "$work/project.json" "$work/project.out" >/dev/null
  echo '{"name":"Объект бенчмарка"}' >"$work/object.json"
  api POST "/api/v1/projects/$(field "$work/project.out" id)/objects" "$work/object.json" "$work/object.out" >/dev/null
  svc_url[$engine]=$url svc_token[$engine]=$token svc_object[$engine]=$(field "$work/object.out" id)
}
if want bcdefg; then start_service sqlite "sqlite://$work/docpath.db"; fi
if want f; then
  if [[ -n "${ESTIMATE_BENCH_DATABASE_URL:-}" ]]; then
    admin_url=$ESTIMATE_BENCH_DATABASE_URL
  else
    own_pg=1
    admin_url=$(scripts/test-services.sh pg-start "$work/pg" "$(bench_free_port)" | tail -n 1)
  fi
  bench_db="estimate_docpath_bench_$$"
  psql "$admin_url" -qc "CREATE DATABASE $bench_db" >/dev/null
  start_service postgresql "${admin_url%/*}/$bench_db"
fi
want bcdefg && use sqlite

# --- a and b: the 10,000-position document by the command line and by HTTP, with Python in turn.
calc_cli() {  # calc_cli FILE → ms
  local t0
  t0=$(now_ns)
  "$bin" calc "$1" >"$work/calc-cli.out" 2>"$work/calc-cli.err" ||
    { echo "BENCH FAILED: estimate-service calc $1: $(head -c 500 "$work/calc-cli.err")" >&2; exit 1; }
  ms_since "$t0"
}
calc_http() {  # calc_http FILE [CURL_ARGS…] → ms
  local file=$1 answer; shift
  answer=$(bench_curl "$work/calc-http.out" -X POST "$url/api/v1/calc" \
    -H 'Content-Type: application/json' "$@" --data-binary "@$file")
  set -- $answer
  seconds_to_ms "$2"
}
cli_10000() { calc_cli "$work/doc-10000.json"; }
http_10000_no_expect() { calc_http "$work/doc-10000.json" -H 'Expect:'; }
http_10000_default() { calc_http "$work/doc-10000.json"; }
http_1200_default() { calc_http "$work/doc-1200.json"; }
fns=()
want a && fns+=(cli_10000)
want b && fns+=(http_10000_no_expect http_10000_default)
if want ab; then
  cli_10000 >/dev/null  # the page cache warm, and a check that it computes
  if want b; then
    http_10000_no_expect >/dev/null
    python3 - "$work/calc-http.out" "$work/calc-cli.out" <<'PY' || echo "note: POST /api/v1/calc and estimate-service calc answered differently"
import json, sys
sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))
PY
  fi
  echo "== a, b. the 10,000-position document: ${fns[*]}, in turn with Python, $runs runs"
  compare "$runs" "$work/doc-10000.json" "${fns[@]}"
  if want a; then
    a_goal() { le "${median[cli_10000]}" 80 && le "$(ratio "${median[cli_10000]}" "${median[python]}")" 0.10; }
    result "a calc_cli_10000: $(figures_of cli_10000) (goal <= 80 ms and ratio <= 0.10): $(verdict a_goal)"
  fi
  if want b; then
    result "b calc_http_10000 (Expect: suppressed): $(figures_of http_10000_no_expect) (goal <= 80 ms):" \
      "$(verdict le "${median[http_10000_no_expect]}" 80)"
    result "b calc_http_10000 (curl's default headers): $(figures_of http_10000_default) (goal <= 80 ms):" \
      "$(verdict le "${median[http_10000_default]}" 80)"
  fi
fi

# --- d. curl's POST of a ~3 MB document with its default headers.
if want d; then
  echo "== d. POST /api/v1/calc of the 1,200-position document ($(mib "$(size_of "$work/doc-1200.json")")), curl's default headers, $runs runs"
  compare "$runs" "$work/doc-1200.json" http_1200_default
  result "d calc_http_1200 (curl's default headers): $(figures_of http_1200_default) (goal <= 100 ms):" \
    "$(verdict le "${median[http_1200_default]}" 100)"
fi

# --- c. POST /api/v1/calc of a 1,000-position document at 50 connections.
if want c; then
  echo "== c. wrk POST /api/v1/calc of the 1,000-position document ($(mib "$(size_of "$work/doc-1000.json")")), 50 connections, $duration (2 threads)"
  calc_http "$work/doc-1000.json" -H 'Expect:' >/dev/null
  bench_wrk "$work/wrk-calc.txt" -t2 -c50 -d"$duration" --timeout 60s --latency \
    -s bench/calc_post.lua "$url" -- "$work/doc-1000.json"
  c_rps=$(bench_rps "$work/wrk-calc.txt"); c_p99=$(bench_to_ms "$(bench_pct 99% "$work/wrk-calc.txt")")
  c_per=$(awk -v r="$c_rps" 'BEGIN { printf "%.2f", 1000 / r }')
  read -r _ py_median < <(for _ in $(seq "$runs"); do py_ms "$work/doc-1000.json"; done | stats)
  c_goal() { ge "$c_rps" 200 && le "$c_p99" 500; }
  result "c calc_http_1000 c=50: $c_rps req/s (an answer per $c_per ms), p99 $c_p99 ms;" \
    "python load+dump of the file median $py_median ms; ratio $(ratio "$c_per" "$py_median")" \
    "(goal >= 200 req/s, p99 <= 500 ms): $(verdict c_goal)"
fi

# --- f. Creating the 10,000-position estimate, on SQLite and PostgreSQL in turn with Python.
create_estimate() {  # create_estimate ENGINE N → ms; the estimate's id in $work/created-ENGINE-N
  local answer
  use "$1"
  answer=$(api POST "/api/v1/objects/$object/estimates" "$work/estimate-$2.json" "$work/created-$1-$2.out")
  field "$work/created-$1-$2.out" id >"$work/created-$1-$2"
  set -- $answer
  seconds_to_ms "$2"
}
create_sqlite() { create_estimate sqlite 10000; }
create_postgresql() { create_estimate postgresql 10000; }
if want f; then
  echo "== f. POST /api/v1/objects/{id}/estimates of the 10,000-position document ($(mib "$(size_of "$work/estimate-10000.json")")), $create_runs runs"
  compare "$create_runs" "$work/estimate-10000.json" create_sqlite create_postgresql
  for engine in sqlite postgresql; do
    result "f create_estimate_10000 $engine: $(figures_of "create_$engine") (goal <= 1000 ms):" \
      "$(verdict le "${median[create_$engine]}" 1000)"
  done
  stop_service postgresql
elif want eg; then
  create_sqlite >/dev/null
fi
want eg && estimate_10000=$(cat "$work/created-sqlite-10000")

# --- e. GET of a 1,000-position estimate, gzip, at 50 connections; the compressed sizes.
if want e; then
  create_estimate sqlite 1000 >/dev/null
  e1000=$(cat "$work/created-sqlite-1000")
  get_url="$url/api/v1/estimates/$e1000"
  auth="Authorization: Bearer $token"
  bench_curl "$work/get-1000.json" -H "$auth" "$get_url" >/dev/null
  bench_curl "$work/get-1000.gz" -D "$work/get-1000.headers" -H "$auth" -H 'Accept-Encoding: gzip' "$get_url" >/dev/null
  coding=$(awk -F': *' 'tolower($1) == "content-encoding" {print $2}' "$work/get-1000.headers" | tr -d '\r')
  echo "== e. wrk GET /api/v1/estimates/$e1000 (1,000 positions, $(mib "$(size_of "$work/get-1000.json")");" \
    "Content-Encoding: ${coding:-none}, $(size_of "$work/get-1000.gz") bytes), Accept-Encoding: gzip, 50 connections, $duration (2 threads)"
  bench_wrk "$work/wrk-get.txt" -t2 -c50 -d"$duration" --timeout 30s --latency \
    -H "$auth" -H 'Accept-Encoding: gzip' "$get_url"
  e_rps=$(bench_rps "$work/wrk-get.txt"); e_p99=$(bench_to_ms "$(bench_pct 99% "$work/wrk-get.txt")")
  e_per=$(awk -v r="$e_rps" 'BEGIN { printf "%.3f", 1000 / r }')
  read -r _ py_median < <(for _ in $(seq "$runs"); do py_ms "$work/get-1000.json"; done | stats)
  e_goal() { ge "$e_rps" 3000 && [[ ${coding:-} == gzip ]]; }
  result "e get_estimate_1000 gzip c=50: $e_rps req/s (an answer per $e_per ms), p99 $e_p99 ms," \
    "Content-Encoding: ${coding:-none}; python load+dump of the answer median $py_median ms;" \
    "ratio $(ratio "$e_per" "$py_median") (goal >= 3000 req/s, gzip): $(verdict e_goal)"
  get10_url="$url/api/v1/estimates/$estimate_10000"
  answer=$(bench_curl "$work/get-10000.json" -H "$auth" "$get10_url")
  plain=${answer##* }
  for enc in gzip br; do
    bench_curl "$work/get-10000.$enc" -D "$work/get-10000.$enc.headers" -H "$auth" -H "Accept-Encoding: $enc" "$get10_url" >/dev/null
    got=$(awk -F': *' 'tolower($1) == "content-encoding" {print $2}' "$work/get-10000.$enc.headers" | tr -d '\r')
    size=$(size_of "$work/get-10000.$enc")
    size_goal() { le "$size" 1000000 && [[ ${got:-} == "$enc" ]]; }
    result "e get_estimate_10000 Accept-Encoding: $enc → Content-Encoding: ${got:-none}, $size bytes" \
      "($(mib "$size"); uncompressed $(mib "$plain"), ratio $(ratio "$size" "$plain")) (goal <= 1 MB, $enc):" \
      "$(verdict size_goal)"
  done
fi

# --- g. The PDF of the 10,000-position estimate: answered at once (200) or as a job (202). Past
# BENCH_EXPORT_TIMEOUT it is given up (MISSED, not a failure: the answer may still be coming).
if want g; then
  echo "== g. GET /api/v1/estimates/$estimate_10000/export?format=pdf, Prefer: respond-async (given up after $export_timeout s)"
  auth="Authorization: Bearer $token"
  t0=$(now_ns)
  how=
  rc=0
  status=$(curl -s -o "$work/export.out" -D "$work/export.headers" -w '%{http_code}' \
    --max-time "$export_timeout" -H "$auth" -H 'Prefer: respond-async' \
    "$url/api/v1/estimates/$estimate_10000/export?format=pdf") || rc=$?
  if [[ $rc -eq 28 ]]; then  # curl's "operation timed out"
    how="no answer within $export_timeout s"
  elif [[ $rc -ne 0 || $status != 2?? ]]; then
    echo "BENCH FAILED: the PDF export answered ${status:-nothing} (curl exit $rc):" \
      "$(head -c 500 "$work/export.out" 2>/dev/null)" >&2
    exit 1
  elif [[ $status == 202 ]]; then
    job=$(awk -F': *' 'tolower($1) == "location" {print $2}' "$work/export.headers" | tr -d '\r')
    [[ -n $job ]] || { echo "BENCH FAILED: the export answered 202 without a Location" >&2; exit 1; }
    polls=0
    while :; do
      bench_curl "$work/job.json" -H "$auth" "$url$job" >/dev/null
      polls=$((polls + 1))
      job_status=$(field "$work/job.json" status)
      case $job_status in
        done) break ;;
        queued|running) sleep 0.2 ;;
        *) echo "BENCH FAILED: export job $job ended $job_status: $(cat "$work/job.json")" >&2; exit 1 ;;
      esac
      if (( $(now_ns) - t0 > export_timeout * 1000000000 )); then
        how="job $job not done within $export_timeout s: $(cat "$work/job.json")"
        break
      fi
    done
    if [[ $job_status == done ]]; then
      bench_curl "$work/export.out" -H "$auth" "$url$job/file" >/dev/null
      how="as job $job, polled $polls times"
    fi
  else
    how="answered at once"
  fi
  g_ms=$(ms_since "$t0")
  if [[ $how == "answered at once" || $how == as\ job* ]]; then
    [[ $(head -c 5 "$work/export.out") == "%PDF-" ]] ||
      { echo "BENCH FAILED: the export is not a PDF: $(head -c 200 "$work/export.out")" >&2; exit 1; }
    result "g export_pdf_10000: $(awk -v m="$g_ms" 'BEGIN { printf "%.2f", m / 1000 }') s to the file" \
      "($(mib "$(size_of "$work/export.out")"), $how) (goal <= 20 s): $(verdict le "$g_ms" 20000)"
  else
    result "g export_pdf_10000: more than $export_timeout s ($how) (goal <= 20 s): MISSED"
  fi
fi

echo
echo "== document_path: the figures"
printf '%s\n' "${results[@]}"
