#!/usr/bin/env bash
# Installs every Debian 12 package that the build, the tests, the benchmarks and `make run` need.
# Idempotent: packages already present are skipped, and apt is not called at all when none is missing.
#   deps.sh            everything
#   deps.sh --build    only what configuring and building the program needs (the image's build stage)
set -euo pipefail

build_packages=(
  # build
  g++ cmake ninja-build ccache pkg-config make
  libboost1.81-dev libboost-json1.81-dev
  libsoci-dev libsqlite3-dev libpq-dev libhiredis-dev
  libcli11-dev libspdlog-dev libfmt-dev libssl-dev
  libxml2-dev libzip-dev libstemmer-dev libargon2-dev
  # the JSON reader of estimate documents
  libsimdjson-dev
  # answers compressed on the way out (gzip by libdeflate, brotli)
  libdeflate-dev libbrotli-dev
  # the assistant: fastText embeddings trained on the release, an HNSW vector index
  libfasttext-dev libhnswlib-dev
  # the collector: the schedule in a time zone (FSBTS_TIME_ZONE, read from /usr/share/zoneinfo),
  # downloads from ФГИС ЦС (libcurl: timeouts, resume, size limits); attachments in S3 (its SigV4)
  tzdata libcurl4-openssl-dev
  # documents out: Excel (libxlsxwriter), PDF (cairo + pango with DejaVu fonts for Cyrillic)
  libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core
  # what CMake's configure looks for (the unit tests' GoogleTest, the integration tests' Python)
  libgtest-dev libgmock-dev python3
)
packages=("${build_packages[@]}"
  # tests and benchmarks (xmllint checks exports against the XSD; poppler reads the PDFs back;
  # openssl makes the certificate of the HTTP client's TLS test and serves it;
  # python3-jsonschema checks every API answer of the integration tests against the OpenAPI document;
  # python3-botocore, AWS's own signer, checks the S3 requests' signatures in front of s3rver)
  libgtest-dev libgmock-dev libbenchmark-dev python3 curl libxml2-utils poppler-utils python3-jsonschema
  python3-botocore
  openssl
  prometheus nginx-light wrk hyperfine
  # the deployment files' checks (yamllint, docker-compose config; promtool comes with prometheus)
  yamllint docker-compose
  # the web application's end-to-end tests and its speed bench (Playwright drives Debian's Chromium)
  chromium
  # servers for production mode and its tests
  postgresql redis-server sqlite3
)

[[ "${1:-}" == "--build" ]] && packages=("${build_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "deps: missing ${missing[*]}; run 'make deps' as root" >&2; exit 1
  fi
else
  SUDO=
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || echo "deps: apt-get update failed; trying the cached package lists" >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The Debian packages start their services on install; the project starts its own instances.
for svc in nginx redis-server postgresql prometheus; do
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
