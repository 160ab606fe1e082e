#!/usr/bin/env bash
# Installs every Debian package tlsaudit needs to build and test (Debian 12 "bookworm").
# Run as root (or with sudo). Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libssl-dev openssl libcli11-dev libfmt-dev libmaxminddb-dev libc-ares-dev libidn2-dev libtomlplusplus-dev
  libpsl-dev
  libgtest-dev libgmock-dev
  # the scan history (history/, docs/history.md): SQLite's C API; the sqlite3 shell for backups
  libsqlite3-dev sqlite3
  # report tests: headless Chromium for the HTML report, node for the validators
  # (scripts/report-test-tools.sh installs them from npm at test time), junitparser
  chromium nodejs python3 python3-junitparser
  # PDF report tests: pdftotext reads back what Chromium printed
  poppler-utils
  # recipe tests (tests/integration/check_recipes.py): parse samples/deploy as YAML
  python3-yaml
  # metrics and alerting rule tests: promtool checks --prometheus output and samples/deploy/prometheus
  prometheus
  # TLS interop servers for the capture engine's tests (started by the tests themselves)
  nginx-light gnutls-bin libnss3-tools
  # sanitizers and fuzzing (the asan preset): clang with libFuzzer and the sanitizer runtimes
  clang-14 libclang-rt-14-dev
  # the layout check (.clang-format; CI stage 2)
  clang-format-14
)
# npm ships inside some nodejs builds (NodeSource); Debian's nodejs needs the npm package.
command -v npm >/dev/null 2>&1 || packages+=(npm)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
bash "$(dirname "$0")/install-geoip.sh" || echo "setup.sh: GeoIP databases not installed; tlsaudit scans without country/ASN data" >&2
