#!/usr/bin/env bash
# Runs the threaded suites (engine, ledger, api, kafka) under ThreadSanitizer
# in ./build-tsan (a clang build with JEJAK_SANITIZE=thread). Every report
# is kept, not only the first: they go to build-tsan/tsan/<suite>.<pid>, and
# the summary counts them. scripts/tsan.supp lists what is suppressed, and why
# (only code not built with TSan). Not part of scripts/test.sh (TSan's build and runs
# would not fit CI's time); run it before resolving threading changes.
#
#   bash scripts/tsan.sh [SUITE...]     default: engine ledger api kafka
#
# The kafka suite needs a broker: JEJAK_KAFKA_BOOTSTRAP as for ctest, or this
# script starts one.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(engine ledger api kafka)

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake -S . -B build-tsan -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
  -DJEJAK_SANITIZE=thread -DJEJAK_BUILD_BENCH=OFF >/dev/null || exit 1
targets=(jejak)
for s in "${suites[@]}"; do targets+=("${s}_test"); done
ninja -C build-tsan "${targets[@]}" ledger_helper relay_helper || exit 1

if [[ " ${suites[*]} " == *" kafka "* && -z "${JEJAK_KAFKA_BOOTSTRAP:-}" ]]; then
  export JEJAK_KAFKA_DIR="$root/scripts/.kafka/tsan-$$"
  trap 'bash "$root/scripts/kafka.sh" stop --dir "$JEJAK_KAFKA_DIR" >/dev/null; rm -rf "$JEJAK_KAFKA_DIR"' EXIT
  JEJAK_KAFKA_BOOTSTRAP=$(bash scripts/kafka.sh start --dir "$JEJAK_KAFKA_DIR") || exit 1
  export JEJAK_KAFKA_BOOTSTRAP
fi

reports=build-tsan/tsan
rm -rf "$reports"
mkdir -p "$reports"
status=0
for s in "${suites[@]}"; do
  echo "tsan: $s"
  TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=$root/scripts/tsan.supp:log_path=$root/$reports/$s" \
    "build-tsan/tests/${s}_test" || status=1
done
n=$(cat "$reports"/* 2>/dev/null | grep -c '^WARNING: ThreadSanitizer' || true)
echo "tsan: $n reports in $reports/ (tests $([ $status -eq 0 ] && echo passed || echo FAILED))"
[ "$n" -eq 0 ] && [ $status -eq 0 ]
