#!/usr/bin/env bash
# Runs one npm script of web/ for CTest (the API contract checks: lint, stale types, tsc).
# Without node on the machine the test is skipped (exit 77) with a message, unless CI is set:
# there a missing node is a failure. Missing web/node_modules is always a failure: `make build`
# (its web-deps step) installs them with `npm ci`.
set -uo pipefail
web="$(cd "$(dirname "$0")/../../web" && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [[ -n "${CI:-}" ]]; then
    echo "node/npm are not installed; CI needs them for the API contract checks" >&2
    exit 1
  fi
  echo "SKIPPED: node/npm are not installed (Node 20 runs the API contract checks of web/)"
  exit 77
fi
if [[ ! -d "$web/node_modules" ]]; then
  echo "web/node_modules is missing: run 'make web-deps' (cd web && npm ci --no-audit --no-fund)" >&2
  exit 1
fi
cd "$web"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
exec npm run --silent "$1"
