#!/usr/bin/env bash
# `make fuzz`: builds each libFuzzer target (Fuzz/) with the address sanitizer in .build-fuzz and runs it on a corpus
# seeded from Fixtures/fuzz: FUZZ_RUNS executions (10 M; FUZZ_TOKEN_RUNS, 1 M, for tokens), at most FUZZ_SECONDS
# each; topology inputs are at most FUZZ_TOPOLOGY_MAX_LEN bytes (1024: a YAML decode costs about its length). A crash leaves libFuzzer's crash-* input in .build-fuzz/findings: turn it into a regression test.
set -euo pipefail
# A crashing target must not wait for Swift's backtracer holding the pipe: libFuzzer reports the crash.
export SWIFT_BACKTRACE=enable=no
# Leaks are still detected; not recording a stack per allocation makes the allocation-heavy targets (Yams, Codable)
# several times faster. To see where a found leak was allocated, rerun its input with malloc_context_size=30.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
cd "$(dirname "$0")/.."
RUNS=${FUZZ_RUNS:-10000000}
TOKEN_RUNS=${FUZZ_TOKEN_RUNS:-1000000}
LIMIT=${FUZZ_SECONDS:-3600}
BUILD=.build-fuzz
TARGETS=${FUZZ_TARGETS:-"SandboxFuzzServerPackets SandboxFuzzClientPackets SandboxFuzzAuthToken SandboxFuzzPolicy SandboxFuzzTopology SandboxFuzzPostgresMessages SandboxFuzzQueryForm"}
for target in $TARGETS; do
    CLOUDSANDBOX_FUZZ=1 swift build -c release --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address --product "$target"
done
python3 - "$BUILD/corpus" <<'PY'
import pathlib, sys
root, seeds = pathlib.Path(sys.argv[1]), pathlib.Path("Fixtures/fuzz")
packets = [bytes.fromhex("".join(c for c in f.read_text() if c in "0123456789abcdefABCDEF")) for f in sorted(seeds.glob("*.hex"))]
framed = [len(p).to_bytes(3, "little") + bytes([1]) + p for p in packets]
sources = {"SandboxFuzzServerPackets": framed, "SandboxFuzzClientPackets": framed,
           "SandboxFuzzAuthToken": [f.read_bytes() for f in sorted((seeds / "tokens").glob("*"))],
           "SandboxFuzzPolicy": [f.read_bytes() for f in sorted((seeds / "policies").glob("*"))],
           "SandboxFuzzTopology": [f.read_bytes() for f in sorted(pathlib.Path("Sandbox").glob("*.yaml"))],
           "SandboxFuzzPostgresMessages": [bytes.fromhex("".join(c for c in f.read_text() if c in "0123456789abcdefABCDEF"))
                                           for f in sorted((seeds / "postgres").glob("*.hex"))],
           "SandboxFuzzQueryForm": [f.read_bytes() for f in sorted((seeds / "forms").glob("*"))]}
# Inputs that once crashed a target (Fixtures/fuzz/regressions/<client|server|token|policy|topology>-*) stay in its corpus.
prefixes = {"client": "SandboxFuzzClientPackets", "server": "SandboxFuzzServerPackets", "token": "SandboxFuzzAuthToken", "policy": "SandboxFuzzPolicy", "topology": "SandboxFuzzTopology",
            "postgres": "SandboxFuzzPostgresMessages", "form": "SandboxFuzzQueryForm"}
for f in sorted((seeds / "regressions").glob("*")):
    sources[prefixes[f.name.split("-")[0]]].append(f.read_bytes())
for target, inputs in sources.items():
    directory = root / target
    directory.mkdir(parents=True, exist_ok=True)
    for index, data in enumerate(inputs):
        (directory / f"seed-{index}").write_bytes(data)
PY
mkdir -p "$BUILD/findings"
for target in $TARGETS; do
    runs=$RUNS
    options=""
    [ "$target" = SandboxFuzzAuthToken ] && runs=$TOKEN_RUNS
    [ "$target" = SandboxFuzzTopology ] && options="-max_len=${FUZZ_TOPOLOGY_MAX_LEN:-1024}"
    echo "== $target: $runs executions (at most $LIMIT s)"
    "$BUILD/release/$target" -runs="$runs" -max_total_time="$LIMIT" $options -print_final_stats=1 -artifact_prefix="$BUILD/findings/$target-" \
        "$BUILD/corpus/$target" 2>&1 | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done|ERROR|SUMMARY" || true
    if ls "$BUILD/findings/$target-"* >/dev/null 2>&1; then echo "$target found inputs that crash: $BUILD/findings"; exit 1; fi
done
