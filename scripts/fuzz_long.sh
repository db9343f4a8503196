#!/usr/bin/env bash
# Long fuzz runs: each target of fuzz/ (or those named) under ASan+UBSan
# until 10 million executions or an hour, whichever comes first, one after
# another, from its seed corpus. New inputs go to build-asan/fuzz-long/NAME/,
# crashes to build-asan/fuzz-long/NAME-crash-*, and one line per target to
# build-asan/fuzz-long/summary.txt (executions, seconds, crashes): the figures
# of the README's "Robustness" table. Needs build-asan (scripts/test.sh, or
# the cmake line in the README).
#
#   bash scripts/fuzz_long.sh [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(sed -n 's/^jejak_fuzz(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)
out=build-asan/fuzz-long
mkdir -p "$out"
status=0
for name in "${targets[@]}"; do
  mkdir -p "$out/$name"
  t0=$SECONDS
  flags=()  # a target's own libFuzzer flags, each file saying why
  [ -f "fuzz/$name.flags" ] && read -ra flags < <(grep -v '^#' "fuzz/$name.flags")
  "build-asan/fuzz/fuzz_$name" "$out/$name" "fuzz/corpus/$name" -runs=10000000 -max_total_time=3600 \
    -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$out/$name-" "${flags[@]}" \
    >"$out/$name.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
  crashes=$(find "$out" -maxdepth 1 -name "$name-*" | wc -l)
  line="$name: ${runs:-?} executions in $((SECONDS - t0)) s, $crashes crashes (exit $rc)"
  echo "$line" | tee -a "$out/summary.txt"
  [ $rc -eq 0 ] || status=1
done
exit $status
