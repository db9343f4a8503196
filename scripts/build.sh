#!/usr/bin/env bash
# Configures and builds jejak into ./build. With arguments, builds only those
# targets (demo.sh builds just the jejak executable).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache, where installed, makes rebuilds of a fresh clone cheap; nothing needs it.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Paths relative to the clone, so any clone of the same sources hits the cache.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
ninja -C build "$@"
