#!/usr/bin/env bash
# Runs every fastlease test: unit tests (GoogleTest, through meson), the parser
# fuzzers for a bounded time, and the integration tests (real clients in network
# namespaces). Installs missing packages and builds first. Idempotent.
#
#   test/run-all.sh            # everything
#   FUZZ_SECONDS=10 test/run-all.sh
#
# The last line is "N passed, M failed", counting test cases.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
RESULTS=$ROOT/$BUILD/test-results

bash deploy/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }

if [[ ! -f $BUILD/build.ninja ]]; then
  meson setup "$BUILD" --buildtype=release || { echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$BUILD" -j"$(nproc)" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# 1. Unit tests: each GoogleTest binary writes a JUnit-style XML report.
GTEST_OUTPUT="xml:$RESULTS/" meson test -C "$BUILD" --print-errorlogs --num-processes 2
unit_rc=$?

# 2. Fuzzers: the DHCPv4 and DHCPv6 parsers under libFuzzer + ASan/UBSan, sharing a
#    bounded time.
fuzz_ok=0
if bash test/fuzz/run.sh "$FUZZ_SECONDS" > "$RESULTS/fuzz.log" 2>&1; then
  fuzz_ok=1
  echo "fuzz: dhcp4 and dhcp6 parsers ran ${FUZZ_SECONDS}s in all without a finding"
else
  echo "fuzz: FAILED (see $RESULTS/fuzz.log)"; tail -30 "$RESULTS/fuzz.log"
fi

# 3. Integration tests: real dataplane, real clients, network namespaces.
if [[ -d test/integration ]] && ls test/integration/test_*.py >/dev/null 2>&1; then
  FASTLEASE_BUILD="$ROOT/$BUILD" /usr/bin/python3 -m pytest -v -p no:cacheprovider \
    --junitxml="$RESULTS/integration.xml" test/integration
fi

/usr/bin/python3 - "$RESULTS" "$fuzz_ok" "$unit_rc" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
results, fuzz_ok, unit_rc = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
passed = failed = skipped = 0
for path in glob.glob(results + "/*.xml"):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        failed += 1
        print(f"unreadable report: {path}")
        continue
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            print(f"FAILED: {case.get('classname')}.{case.get('name')}")
        elif case.find("skipped") is not None or case.get("result") == "skipped":
            skipped += 1
        else:
            passed += 1
if fuzz_ok:
    passed += 1
else:
    failed += 1
# A binary that crashed before writing its report still fails the run.
if unit_rc != 0 and failed == 0:
    failed += 1
    print("a unit test binary failed without a report (crash?)")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
