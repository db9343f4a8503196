#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test. This is what CI runs.
#
# The whole suite runs twice: in the normal build (./build, GCC) and in a
# clang build under AddressSanitizer and UndefinedBehaviorSanitizer
# (./build-asan), where any memory error, leak or undefined behaviour fails
# the test. That build also holds the libFuzzer targets of fuzz/: the suite
# replays their seed corpora (tests fuzz.*), and each then fuzzes for
# JEJAK_FUZZ_SECONDS (default 30) from its corpus.
#
# The Kafka tests of both runs use one real broker (scripts/kafka.sh),
# started here and always stopped on the way out, also when a test fails.
# A summary at the end lists every step; the exit code is 0 only if all
# passed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fuzz_seconds=${JEJAK_FUZZ_SECONDS:-30}
bash scripts/setup.sh || exit 1

started=$SECONDS
summary=()
failures=0
passed_tests=0
failed_tests=0

# step NAME COMMAND...: runs it, notes the outcome and its time.
step() {
  local name=$1 t0=$SECONDS
  shift
  echo "test: == $name"
  if "$@"; then
    summary+=("ok      $name ($((SECONDS - t0)) s)")
    return 0
  fi
  summary+=("FAILED  $name ($((SECONDS - t0)) s)")
  failures=$((failures + 1))
  return 1
}

# ctest in build dir $1 (extra ctest arguments after it), counting its tests
# into the totals.
run_ctest() {
  local out rc failed=0 total=0
  out=$(mktemp)
  (cd "$1" && ctest --output-on-failure -j2 --timeout 900 "${@:2}") 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  # "97% tests passed, 3 tests failed out of 312"
  read -r failed total < <(sed -n 's/.*tests passed, \([0-9]*\) tests* failed out of \([0-9]*\).*/\1 \2/p' "$out")
  rm -f "$out"
  failed_tests=$((failed_tests + failed))
  passed_tests=$((passed_tests + total - failed))
  return "$rc"
}

build_asan() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the clone, so any clone of the same sources hits the cache.
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  cmake -S . -B build-asan -G Ninja -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
    -DJEJAK_SANITIZE=address,undefined -DJEJAK_FUZZ=ON -DJEJAK_BUILD_BENCH=OFF >/dev/null &&
    ninja -C build-asan
}

# Fuzzes target $1 from its seed corpus for fuzz_seconds; new inputs go to a
# scratch directory, crashes to build-asan/fuzz-artifacts/.
fuzz() {
  local name=$1 scratch=build-asan/fuzz-scratch/$1 log=build-asan/fuzz-logs/$1.log
  rm -rf "$scratch"
  mkdir -p "$scratch" build-asan/fuzz-artifacts build-asan/fuzz-logs
  local flags=()  # a target's own libFuzzer flags, each file saying why
  [ -f "fuzz/$name.flags" ] && read -ra flags < <(grep -v '^#' "fuzz/$name.flags")
  "build-asan/fuzz/fuzz_$name" "$scratch" "fuzz/corpus/$name" -max_total_time="$fuzz_seconds" \
    -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 "${flags[@]}" \
    -artifact_prefix="build-asan/fuzz-artifacts/$name-" >"$log" 2>&1
  local rc=$?
  local runs
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ $rc -eq 0 ]; then
    echo "test: fuzz_$name: ${runs:-?} executions, no crash"
  else
    echo "test: fuzz_$name FAILED (exit $rc) after ${runs:-?} executions; the end of $log:"
    tail -n 40 "$log"
  fi
  return $rc
}

# Every target of fuzz/, two at a time (one per core).
fuzz_all() {
  local targets name i pids=() names=()
  targets=$(sed -n 's/^jejak_fuzz(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)
  echo "test: == fuzzing each target for $fuzz_seconds s"
  for name in $targets ""; do
    if [ -n "$name" ]; then
      fuzz "$name" >"build-asan/fuzz-$name.out" 2>&1 &
      pids+=($!)
      names+=("$name")
    fi
    [ ${#pids[@]} -lt 2 ] && [ -n "$name" ] && continue
    for i in "${!pids[@]}"; do
      if wait "${pids[$i]}"; then
        summary+=("ok      fuzz_${names[$i]} (${fuzz_seconds} s)")
      else
        summary+=("FAILED  fuzz_${names[$i]} (${fuzz_seconds} s)")
        failures=$((failures + 1))
      fi
      cat "build-asan/fuzz-${names[$i]}.out"
      rm -f "build-asan/fuzz-${names[$i]}.out"
    done
    pids=()
    names=()
  done
}

step "build (GCC)" bash scripts/build.sh
normal_built=$?
step "build (clang, ASan+UBSan, fuzz targets)" build_asan
asan_built=$?

export JEJAK_KAFKA_DIR="$root/scripts/.kafka/test-$$"
rm -rf "$JEJAK_KAFKA_DIR"
stop_kafka() {
  bash "$root/scripts/kafka.sh" stop --dir "$JEJAK_KAFKA_DIR" >/dev/null || true
  rm -rf "$JEJAK_KAFKA_DIR"
}
trap stop_kafka EXIT
# Starts the broker; a failed start (Maven's download, a slow JVM, a port
# taken between choosing and binding it) gets one more try in a fresh
# directory. kafka.sh's last words go into the summary, which is what a
# truncated CI log still shows.
start_kafka() {
  local attempt err t0=$SECONDS
  err=$(mktemp)
  for attempt in 1 2; do
    if JEJAK_KAFKA_BOOTSTRAP=$(bash scripts/kafka.sh start --dir "$JEJAK_KAFKA_DIR" 2>"$err"); then
      cat "$err" >&2
      export JEJAK_KAFKA_BOOTSTRAP
      echo "test: Kafka broker at $JEJAK_KAFKA_BOOTSTRAP (started in $((SECONDS - t0)) s, attempt $attempt)"
      rm -f "$err"
      return 0
    fi
    cat "$err" >&2
    echo "test: the Kafka broker did not start (attempt $attempt): $(tail -n 1 "$err")"
    stop_kafka
  done
  summary+=("FAILED  Kafka broker start: $(tail -n 1 "$err" | cut -c1-200)")
  failures=$((failures + 1))
  rm -f "$err"
  return 1
}
start_kafka

[ $normal_built -eq 0 ] && step "tests (GCC)" run_ctest build

if [ $asan_built -eq 0 ]; then
  # Any finding fails the test it happens in, children (jejak, helpers) included.
  export ASAN_OPTIONS=detect_leaks=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  # At the sanitizers' speed (3-10x slower) a test against the real broker
  # can miss its time bound; such a test runs a second time, and one that
  # fails twice fails the run. The first failure stays in the log above:
  # read it, since a finding that shows only sometimes would pass the rerun.
  step "tests (ASan+UBSan)" run_ctest build-asan --repeat until-pass:2
  fuzz_all
fi

echo
echo "test: ======== summary ($(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s)"
for line in "${summary[@]}"; do echo "test: $line"; done
echo "test: $failures of ${#summary[@]} steps failed; tests of both runs:"
echo "test: $passed_tests passed, $failed_tests failed"
[ $failures -eq 0 ]
