#!/usr/bin/env bash
# Loads the package graph of Fixtures/StandInApp, an app whose own targets are App, Lambda, APIGateway and Database,
# with vapor, postgres-nio, hummingbird and stand-ins for mysql-nio, mysql-kit, the AWS Lambda runtime and events and
# soto-core beside CloudSandbox: SwiftPM refuses a graph in which two targets share a name. Resolution and graph
# validation only (no build), in the build folder's own scratch path.
set -euo pipefail
cd "$(dirname "$0")/.."
app=Fixtures/StandInApp
scratch=${STAND_IN_SCRATCH:-.build/stand-in-app}
if ! out=$(swift package --package-path "$app" --scratch-path "$scratch" show-dependencies --format flatlist 2>&1); then
    echo "stand-in app: its package graph does not load beside CloudSandbox:" >&2
    grep -E "error|warning" <<<"$out" >&2 || echo "$out" >&2
    exit 1
fi
packages=$(grep -E '^[A-Za-z0-9._-]+$' <<<"$out" | sort -u | wc -l)
targets=$(swift package --package-path "$app" --scratch-path "$scratch" describe --type json 2>/dev/null | jq -r '[.targets[].name] | sort | join(", ")')
echo "stand-in app: graph of $packages packages loads with CloudSandbox (own targets: $targets; mysql-nio, mysql-kit, swift-aws-lambda-runtime, swift-aws-lambda-events and soto-core stand-ins; vapor, postgres-nio, hummingbird real)"
