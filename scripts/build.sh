#!/usr/bin/env bash
# Configures and builds jejak into ./build (Release). Used by test.sh and demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build
