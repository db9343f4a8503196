#!/usr/bin/env bash
# Configures and builds jejak into ./build. With arguments, builds only those
# targets (demo.sh builds just the jejak executable).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build "$@"
