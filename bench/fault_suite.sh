#!/usr/bin/env bash
# The fault-injection suite (tests/fault_test.cc, docs/faults.md) at bench
# size: builds a Release tree of its own and runs the same test binary with a
# million events (or the count given), then prints the figures: events,
# elapsed time, gateway kills, the gateway's peak memory and the invariants.
# Not a CTest test: at this size it runs for a long time.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bench/fault_suite.sh [options]
  --events N       events handed over (default 1000000)
  --seed S         replay a run (default: a fresh seed, printed)
  --work-dir DIR   parent of the run's temporary folder (default: $TMPDIR or
                   /tmp); needs a few GB at a million events
  --no-build       use build-fault-rel as it is
  -h, --help       this text
Run from anywhere; the build tree is build-fault-rel in the repository.
USAGE
}

EVENTS=1000000
SEED=""
WORK_PARENT="${TMPDIR:-/tmp}"
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --work-dir) WORK_PARENT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
build=build-fault-rel
binaries=(fault_test samverkan-gateway samverkan-municipality
  samverkan-psychiatry samverkan-arbetsformedlingen samverkan-forsakringskassan
  samverkan-coordinator samverkan-inbox samverkan-operator)
if [ "$BUILD" = 1 ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  make -C "$build" -j"$(nproc)" "${binaries[@]}" >/dev/null
fi

out="$build/fault_suite-$(date +%Y%m%d-%H%M%S).txt"
env=(SAMVERKAN_BIN_DIR="$PWD/$build/bin" SAMVERKAN_FAULT_EVENTS="$EVENTS"
  TMPDIR="$WORK_PARENT")
[ -n "$SEED" ] && env+=(SAMVERKAN_FAULT_SEED="$SEED")
echo "fault suite: $EVENTS events, output in $out"
start=$(date +%s)
status=0
env "${env[@]}" "$build/bin/fault_test" \
  --gtest_output="xml:${out%.txt}.xml" >"$out" 2>&1 || status=$?
elapsed=$(( $(date +%s) - start ))

# The figures the test prints, and the verdict.
sed -n '/^fault suite figures/,/^\[ /p' "$out" | sed '$d'
grep -E '^\[  (PASSED|FAILED)' "$out" || true
grep -E 'Failure|Expected|Actual' "$out" | head -20 || true
echo "wall time ${elapsed} s, exit status ${status}"
exit "$status"
