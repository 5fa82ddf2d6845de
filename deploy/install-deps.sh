#!/usr/bin/env bash
# Installs the Debian 12 packages Samverkan needs to build, test and run.
# Runs apt-get as root, or through sudo when not root; does nothing when every
# package is already there, so it is cheap to call from every script.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libzmq3-dev cppzmq-dev
  libssl-dev  # SHA-256 of the hash chain (common/sha256.h)
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libgtest-dev libgmock-dev
  libsqlite3-dev sqlite3
  libcli11-dev libtomlplusplus-dev
  libjemalloc-dev  # the gateway's allocator (docs/BENCHMARKS.md)
  jq  # the demo reads the services' JSON-line answers
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
echo "installing: ${missing[*]}"
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
