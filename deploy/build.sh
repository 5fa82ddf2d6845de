#!/usr/bin/env bash
# Installs dependencies and builds everything into build/ (or build-asan/ with
# --sanitize: AddressSanitizer + UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  build_dir=build-asan
  cmake_args+=(-DSAMVERKAN_SANITIZE=ON)
fi
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
