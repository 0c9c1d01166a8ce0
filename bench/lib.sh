# Shared helpers of the bench scripts (sourced: `source "$(dirname "$0")/lib.sh"`).
# A figure measured on failed answers is no figure: a rate limiter answering 429 in 10 µs once
# made a search benchmark report 48,000 queries/s. So every wrk run and every curl measurement
# goes through one of these, and any answer that is not a success stops the script (exit 1, a
# message on stderr) — a missed speed goal does not; the scripts print it as MISSED.

# bench_wrk [-q] [--script-checks] OUT WRK_ARGS…: runs wrk, keeps its output in OUT (and prints
# it, unless -q), and fails when
#   - wrk itself failed or completed no request;
#   - wrk counted answers with a status of 400 or more ("Non-2xx or 3xx responses: N");
#   - any socket error happened ("Socket errors: connect A, read B, write C, timeout D"; give
#     slow routes a longer --timeout than wrk's 2 s so that slowness is measured, not dropped);
#   - the Lua script reported `unexpected_answers=N` with N > 0 in done().
# --script-checks is for Lua scripts that expect statuses other than successes (a 304, a 412):
# wrk's "Non-2xx" count is then not an error, but the script must print `unexpected_answers=N`
# (counting in response() what it did not expect), and N must be 0.
bench_wrk() {
  local quiet= script_checks=
  while [[ $# -gt 0 ]]; do
    case $1 in
      -q) quiet=1; shift ;;
      --script-checks) script_checks=1; shift ;;
      *) break ;;
    esac
  done
  local out=$1; shift
  local rc=0
  wrk "$@" >"$out" || rc=$?
  [[ -n $quiet ]] || cat "$out"
  # A failure shows what wrk printed, when it was not shown already.
  if [[ -n $quiet ]]; then _bench_wrk_shown() { cat "$1" >&2; }; else _bench_wrk_shown() { :; }; fi
  local what="wrk ${*: -1}"  # the URL (or the arguments after it are the Lua script's)
  for a in "$@"; do [[ $a == http://* || $a == https://* ]] && what="wrk $a"; done
  if [[ $rc -ne 0 ]]; then
    _bench_wrk_shown "$out"; echo "BENCH FAILED: $what exited with $rc" >&2; exit 1
  fi
  if ! grep -Eq '^ +[0-9]+ requests in ' "$out" || grep -Eq '^ +0 requests in ' "$out"; then
    _bench_wrk_shown "$out"; echo "BENCH FAILED: $what completed no request" >&2; exit 1
  fi
  local non2xx total
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2 + 0}' "$out")
  total=$(awk '/ requests in / {print $1}' "$out")
  if [[ -z $script_checks && -n $non2xx && $non2xx -gt 0 ]]; then
    _bench_wrk_shown "$out"
    echo "BENCH FAILED: $what: $non2xx of $total answers were not successes" \
      "(\"Non-2xx or 3xx responses\": rate limited? signed out? a bad request?) — the figures above" \
      "are not a measurement" >&2
    exit 1
  fi
  local socket
  socket=$(grep -E '^ +Socket errors:' "$out" || true)
  if [[ -n $socket ]] &&
     [[ $(echo "$socket" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}') -gt 0 ]]; then
    _bench_wrk_shown "$out"
    echo "BENCH FAILED: $what: ${socket#"${socket%%[![:space:]]*}"} of $total requests" \
      "(refused, reset or over wrk's --timeout) — the figures above are not a measurement" >&2
    exit 1
  fi
  local unexpected
  unexpected=$(awk -F= '/^unexpected_answers=/ {print $2 + 0}' "$out")
  if [[ -n $script_checks && -z $unexpected ]]; then
    _bench_wrk_shown "$out"
    echo "BENCH FAILED: $what: --script-checks, but the Lua script printed no unexpected_answers=N" >&2
    exit 1
  fi
  if [[ -n $unexpected && $unexpected -gt 0 ]]; then
    _bench_wrk_shown "$out"
    echo "BENCH FAILED: $what: the Lua script counted $unexpected unexpected answers:" \
      "$(grep -E '^(statuses|unexpected)' "$out" | tr '\n' ' ')" >&2
    exit 1
  fi
}

# bench_curl OUT CURL_ARGS…: one request; the body goes to OUT; prints "STATUS SECONDS BYTES"
# (curl's %{http_code} %{time_total} %{size_download}); fails unless the status is 2xx (or, with
# BENCH_CURL_OK set to a regular expression, unless it matches that).
bench_curl() {
  local out=$1; shift
  local result rc=0
  result=$(curl -s -o "$out" -w '%{http_code} %{time_total} %{size_download}' "$@") || rc=$?
  local status=${result%% *}
  if [[ $rc -ne 0 || ! $status =~ ^(${BENCH_CURL_OK:-2[0-9][0-9]})$ ]]; then
    echo "BENCH FAILED: curl $(sed -E 's/Bearer [^ ]+/Bearer …/g' <<<"$*") answered ${status:-nothing} (curl exit $rc):" \
      "$(head -c 500 "$out" 2>/dev/null)" >&2
    exit 1
  fi
  echo "$result"
}

# The usual bits.
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# wrk's latencies (812.00us, 4.21ms, 1.02s, 1.10m) in milliseconds.
bench_to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                         else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
bench_pct() { awk -v p="$1" '$1 == p {print $2}' "$2"; }     # bench_pct 99% WRK_OUT
bench_rps() { awk '/Requests\/sec/ {print $2}' "$1"; }       # bench_rps WRK_OUT
