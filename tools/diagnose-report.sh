#!/usr/bin/env bash
# Writes the ticket report `sandbox diagnose --report` makes for a customer's template with a misconfiguration (the
# SAM fixture verifying the proxy with the RDS instance CA bundle), then opens it in headless Chromium and saves a
# screenshot: docs/diagnose-report.png by default. Installs Chromium (Debian) when it is missing.
#   tools/diagnose-report.sh [SCREENSHOT]
set -euo pipefail
cd "$(dirname "$0")/.."
screenshot="${1:-docs/diagnose-report.png}"
if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
swift build --product sandbox >/dev/null
report="$(mktemp -d)/report.html"
# Exit 1 is the finding this fixture is broken for; anything else is a failure of the script.
status=0
.build/debug/sandbox diagnose Fixtures/templates/sam/template.yaml --param 'DatabaseCABundle=${rds-ca-bundle}' --report "$report" >/dev/null || status=$?
[ "$status" -eq 1 ] || { echo "diagnose exited $status, expected 1 (one finding)" >&2; exit 1; }
grep -q 'instance-ca-bundle-for-proxy' "$report" || { echo "the report lacks the finding" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 --screenshot="$PWD/$screenshot" "file://$report" 2>/dev/null
echo "report: $report"
echo "screenshot: $screenshot ($(stat -c %s "$screenshot") bytes)"
