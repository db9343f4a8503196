#!/usr/bin/env bash
# clang-tidy with the project's .clang-tidy (bugprone, concurrency,
# performance) over the libraries and the CLI, using the compile commands of
# the clang build (build-asan: scripts/test.sh makes it). Exits 1 if
# anything is found. About 25 minutes on 2 cores, so it is not part of the
# test command; run it before a change that touches many files.
#
#   bash scripts/tidy.sh [FILE...]     (default: every library and the CLI)
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f build-asan/compile_commands.json ] || { echo "tidy: build-asan missing; run scripts/test.sh first" >&2; exit 2; }
if [ $# -gt 0 ]; then
  files=("$@")
else
  files=("$PWD/(base|events|ledger|workflow|engine|kafka|projections|api|demo|cli)/")
fi
run-clang-tidy -p build-asan -j "$(nproc)" -quiet "${files[@]}" >build-asan/tidy.log 2>&1
found=$(grep -a -c "warning:\|error:" build-asan/tidy.log)
grep -a "warning:\|error:" build-asan/tidy.log | sort -u
echo "tidy: $found findings (full log: build-asan/tidy.log)"
[ "$found" -eq 0 ]
