#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of jejak from Debian packages.
# Idempotent: packages already present are skipped, so re-running is cheap.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  librocksdb-dev librdkafka-dev libboost-dev libfmt-dev
  doctest-dev libyaml-cpp-dev libssl-dev openssl nlohmann-json3-dev
  libcli11-dev libspdlog-dev libre2-dev python3 clang-format
  libp11-kit-dev          # the PKCS#11 header: signing keys on a token (ledger/pkcs11_signer.h)
  softhsm2 opensc         # tests only: a software token and pkcs11-tool to make a key on it
  clang-tidy  # scripts/tidy.sh, with .clang-tidy
  # The sanitizer build and the libFuzzer targets (scripts/test.sh, fuzz/);
  # llvm brings llvm-symbolizer for readable sanitizer reports.
  clang libclang-rt-14-dev llvm
  chromium  # tests/api/track_page_test.cpp drives /track in it, headless
  wrk       # benchmarks only: the http.* rows of bench/http_bench.cpp load the API with it
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The Kafka broker for the tests (scripts/kafka.sh) needs a Java runtime and
# Maven; any that is already on the PATH will do.
command -v java >/dev/null || missing+=(default-jre-headless)
command -v mvn >/dev/null || missing+=(maven)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
