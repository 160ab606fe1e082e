#!/usr/bin/env bash
# Installs the report tests' validators (tests/integration/report_tools/package.json:
# ajv, the SARIF 2.1.0 schema, playwright-core) into DIR/node_modules with npm.
# Used by ctest as a fixture; safe to run again (does nothing when already installed).
set -euo pipefail
src="$(cd "$(dirname "$0")/../tests/integration/report_tools" && pwd)"
dir="${1:?usage: report-test-tools.sh DIR}"
mkdir -p "$dir"
cp "$src/package.json" "$src/validate.js" "$src/chromium_session.js" "$src/browser_check.js" "$src/layout_check.js" \
   "$src/trend_check.js" "$src/make_ndjson.py" "$src/junit_check.py" "$src/verdict_check.js" "$dir/"
if [ -f "$dir/node_modules/.tlsaudit-installed" ] && cmp -s "$src/package.json" "$dir/node_modules/.tlsaudit-installed"; then
  exit 0
fi
cd "$dir"
npm install --no-audit --no-fund --loglevel=error --no-package-lock
cp package.json node_modules/.tlsaudit-installed
