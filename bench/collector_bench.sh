#!/usr/bin/env bash
# The data collector at full size: a local ФГИС ЦС portal (bench/fgis_portal.py) serves the
# synthetic full-size base (tools/generate_base.py: 60,000 norms, ~1,000,000 resource lines, three
# regions' prices) as the ФСНБ data set's zip and through the paginated price searches; one
# `estimate-service collect` brings it in as a draft release on SQLite — its wall time and peak
# memory (goal: ≤ 2 minutes, ≤ 1 GB) and the most requests the portal saw in any one second
# (goal: ≤ 5) —, then a second collection that finds nothing new.
set -euo pipefail
build=${1:-build-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d /tmp/estimate-collector-bench.XXXXXX)
portal_pid=
cleanup() {
  [[ -n "$portal_pid" ]] && kill "$portal_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 tools/generate_base.py "$work/base" >/dev/null
bin=$(readlink -f "$build/estimate-service")
python3 bench/fgis_portal.py "$work/base" "$work/url" "$work/requests" &
portal_pid=$!
for _ in $(seq 600); do [[ -s "$work/url" ]] && break; sleep 0.2; done
url=$(cat "$work/url")

export DATABASE_URL="sqlite://$work/bench.db" LOG_LEVEL=warn FGIS_BASE_URL="$url" \
  FGIS_PRICE_TERRITORIES=28:1,77:1,62:1 FGIS_REQUESTS_PER_SECOND=5 COLLECTOR_DIR="$work/collector"
"$bin" migrate >/dev/null
/usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" collect --what all >"$work/out.txt"
read -r secs kb <"$work/time.txt"
/usr/bin/time -f "%e %M" -o "$work/time2.txt" "$bin" collect --what all >"$work/out2.txt"
read -r secs2 kb2 <"$work/time2.txt"
kill "$portal_pid"
wait "$portal_pid" 2>/dev/null || true
portal_pid=
summary=$(head -n 1 "$work/out.txt")
second=$(head -n 1 "$work/out2.txt")
worst=$(python3 - "$work/requests" <<'PY'
import sys
t = [float(line.split()[0]) for line in open(sys.argv[1])]
print(max(sum(1 for u in t if s <= u < s + 1.0) for s in t) if t else 0)
PY
)
echo "RESULT collector_full_base seconds=$secs peak_rss_mb=$((kb / 1024)) max_requests_per_second=$worst requests=$(wc -l <"$work/requests") (goal: <= 120 s, <= 1024 MB, <= 5 requests/s) — $summary"
echo "RESULT collector_nothing_new seconds=$secs2 peak_rss_mb=$((kb2 / 1024)) — $second"
