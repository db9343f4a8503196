// Full verification of a ledger directory, re-deriving every chain hash from
// the stored bytes rather than trusting stored hashes. Opens the ledger as a
// RocksDB secondary instance, so it runs beside a writer and changes nothing.
//
// It checks, in order: sequence continuity (no gap), each chain hash, that
// each entry decodes as a canonical event, that every stored Merkle node and
// every checkpoint's root match the tree derived from the entries (and that
// none lies beyond them); that every checkpoint_signed event's checkpoint is
// signed by a key a signing_key_added event announced within the tree it
// covers and is the one stored at its size, and that every stored checkpoint
// is recorded so; the head record; and that the request and actor indexes
// hold no key that points elsewhere or past the end, and one key per entry
// except recent ones above the index mark, which may not be indexed yet.
//
// A hash chain cannot tell a rewritten suffix whose hashes were all
// recomputed from the original, nor can signatures by a key kept on the same
// host: checkpoints kept elsewhere (receipts, witnesses) exist for that.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ledger/hash.h"

namespace jejak::ledger {

struct VerifyReport {
  bool ok = false;
  uint64_t entries = 0;      // entries read
  Hash head{};               // chain hash of the last entry read
  bool merkle = false;       // the ledger has a Merkle tree (made since it existed)
  Hash merkle_root{};        // the root derived from the entries read
  uint64_t checkpoints = 0;  // checkpoints whose root was checked
  // On failure: the first bad sequence number, when one can be named, and
  // what is wrong there.
  std::optional<uint64_t> bad_seq;
  std::string problem;
};

// done and total count entries; total is the writer's last recorded size.
using VerifyProgress = std::function<void(uint64_t done, uint64_t total)>;

// Throws Error(kNotFound / kInvalidArgument / kCorruption / kIoError) when dir cannot be
// opened as a ledger at all; every problem found inside it is in the report.
VerifyReport VerifyLedger(const std::string& dir, const VerifyProgress& progress = {});

}  // namespace jejak::ledger
