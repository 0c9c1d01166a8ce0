#!/usr/bin/env bash
# End to end: `estimate-service calc` (parse, validate, compute, write) on the 10 000-position
# synthetic document versus Python merely loading and dumping the same JSON.
# Usage: bench/calc_vs_python.sh [BUILD_DIR]   (default: build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
bin="$build/estimate-service"
doc="${TMPDIR:-/tmp}/estimate_calc_bench_10000.json"
[ -x "$bin" ] || { echo "no $bin; build the estimate-service target first" >&2; exit 1; }
python3 "$here/make_calc_document.py" "$doc" 10000
py=(python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open("/dev/null","w"))' "$doc")
"$bin" calc "$doc" > /dev/null
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 2 --runs 10 "$bin calc $doc > /dev/null" "${py[*]@Q}"
  exit 0
fi
measure() {  # prints the best and the median of 10 runs, in ms
  local times=()
  for _ in $(seq 10); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" > /dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "best %d ms, median %d ms\n", a[1], a[int((NR+1)/2)]}'
}
echo "estimate-service calc: $(measure "$bin" calc "$doc")"
echo "python json load+dump: $(measure "${py[@]}")"
