#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test with CTest. With
# --sanitize the same suite runs under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/build.sh "$@"
build_dir=build
[ "${1:-}" = "--sanitize" ] && build_dir=build-asan
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
