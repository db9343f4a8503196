#!/usr/bin/env bash
# Installs dependencies, builds, and runs the main job on the embedded default
# (RocksDB only, no Kafka): a simulated working day, then ledger verification.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh jejak
data="${JEJAK_DEMO_DATA:-./demo-data}"
./build/cli/jejak demo --data "$data" "$@"
