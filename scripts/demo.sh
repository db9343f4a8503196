#!/usr/bin/env bash
# Installs dependencies, builds, and runs the main job on the embedded default
# (RocksDB only, no Kafka): a simulated working day, then ledger verification,
# then serves the demo data over HTTP (the tracking page at /track) until
# Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh jejak
data="${JEJAK_DEMO_DATA:-./demo-data}"
listen="${JEJAK_DEMO_LISTEN:-127.0.0.1:8080}"
# A signing key lets the server hand out receipts, which /track checks. It
# lives outside the data directory: whoever can rewrite the ledger must not
# be able to re-sign it (README, "Witnesses"; a token works too: --key pkcs11:...).
# So does the key-encryption key of personal data (docs/PRIVACY.md).
keys="${JEJAK_DEMO_KEYS:-./demo-keys}"
[ -f "$keys/jejak.key" ] || ./build/cli/jejak keys generate --out "$keys" >/dev/null
[ -f "$keys/kek" ] || ./build/cli/jejak keys generate --kek "$keys/kek" >/dev/null
./build/cli/jejak demo --data "$data" --kek "$keys/kek" "$@"
echo
echo "Tracking page: http://$listen/track (enter a request id and its tracking code,"
echo "e.g. the one printed above under 'try'). Ctrl-C stops the server."
exec ./build/cli/jejak serve --data "$data" --key "$keys/jejak.key" --kek "$keys/kek" \
  --workflows examples/workflows \
  --listen "$listen"
