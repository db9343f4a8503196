#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test. This is what CI runs.
# The Kafka tests run against a real broker (scripts/kafka.sh) started here
# and always stopped on the way out, also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/setup.sh
bash scripts/build.sh

export JEJAK_KAFKA_DIR="$PWD/scripts/.kafka/test-$$"
rm -rf "$JEJAK_KAFKA_DIR"
stop_kafka() {
  bash "$root/scripts/kafka.sh" stop --dir "$JEJAK_KAFKA_DIR" >/dev/null || true
  rm -rf "$JEJAK_KAFKA_DIR"
}
trap stop_kafka EXIT
started=$SECONDS
JEJAK_KAFKA_BOOTSTRAP=$(bash scripts/kafka.sh start --dir "$JEJAK_KAFKA_DIR")
export JEJAK_KAFKA_BOOTSTRAP
echo "test: Kafka broker at $JEJAK_KAFKA_BOOTSTRAP (started in $((SECONDS - started)) s)"

cd build
ctest --output-on-failure -j2 --timeout 600
