#!/usr/bin/env bash
# clang-tidy with the project's .clang-tidy (bugprone, concurrency,
# performance) over the libraries and the CLI, using the compile commands of
# the clang build (build-asan: scripts/test.sh makes it). Exits 1 if
# anything is found. A full pass takes about 25 minutes on 2 cores, too long
# for the test command's budget, so it is a habit: --changed REF checks the
# .cpp files changed since REF (git), before a branch merges; the full pass
# runs before a change that touches many files.
#
#   bash scripts/tidy.sh [FILE...]        (default: every library and the CLI)
#   bash scripts/tidy.sh --changed REF    (the library and CLI files changed since REF)
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f build-asan/compile_commands.json ] || { echo "tidy: build-asan missing; run scripts/test.sh first" >&2; exit 2; }
if [ "${1:-}" = --changed ]; then
  [ $# -eq 2 ] || { echo "usage: scripts/tidy.sh --changed REF" >&2; exit 2; }
  mapfile -t files < <(git diff --name-only --diff-filter=d "$2" -- \
    '*.cpp' | grep -E '^(base|events|ledger|workflow|engine|kafka|projections|api|demo|cli)/' |
    sed "s|^|$PWD/|")
  [ ${#files[@]} -gt 0 ] || { echo "tidy: no library or CLI file changed since $2"; exit 0; }
elif [ $# -gt 0 ]; then
  files=("$@")
else
  files=("$PWD/(base|events|ledger|workflow|engine|kafka|projections|api|demo|cli)/")
fi
run-clang-tidy -p build-asan -j "$(nproc)" -quiet "${files[@]}" >build-asan/tidy.log 2>&1
found=$(grep -a -c "warning:\|error:" build-asan/tidy.log)
grep -a "warning:\|error:" build-asan/tidy.log | sort -u
echo "tidy: $found findings (full log: build-asan/tidy.log)"
[ "$found" -eq 0 ]
