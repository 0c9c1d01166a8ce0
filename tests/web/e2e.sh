#!/usr/bin/env bash
# The web application's end-to-end tests for CTest (web.e2e): Playwright drives Debian's
# Chromium against the real service, which web/e2e/global-setup.ts starts on a SQLite file of its
# own with web/dist as WEB_ROOT. CTest passes ESTIMATE_BIN (the service of its build dir) and
# WEB_DIST.
#
# Run in the SQLite pass of CI only: with ESTIMATE_TEST_DATABASE_URL set (the PostgreSQL + Redis
# pass) the test says it is skipped. What these tests hold — pages, the browser, HTTP — does not
# depend on the database engine, which the integration tests check on both; a second run would
# add minutes to CI and no coverage.
# Without Chromium the test is skipped (77), unless CI is set: there it is a failure.
set -uo pipefail
if [[ -n "${ESTIMATE_TEST_DATABASE_URL:-}" ]]; then
  echo "SKIPPED: the web application's e2e tests run in the SQLite pass (ESTIMATE_TEST_DATABASE_URL is set)"
  exit 77
fi
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x "$chromium" ]]; then
  if [[ -n "${CI:-}" ]]; then
    echo "$chromium is missing; CI needs it for the web application's e2e tests (make deps installs it)" >&2
    exit 1
  fi
  echo "SKIPPED: $chromium is missing (make deps installs Debian's chromium)"
  exit 77
fi
exec "$(dirname "$0")/run.sh" e2e
