// Full verification of a ledger directory, re-deriving every chain hash from
// the stored bytes rather than trusting stored hashes. Opens the ledger as a
// RocksDB secondary instance, so it runs beside a writer and changes nothing.
//
// It checks, in order: sequence continuity (no gap), each chain hash, that
// each entry decodes as a canonical event, that every stored Merkle node and
// every checkpoint's root match the tree derived from the entries (and that
// none lies beyond them), the head record, and that the request and actor
// indexes hold one key per entry below the index mark (entries above it are
// not indexed yet) and no key that points elsewhere or past the end. Checkpoint
// signatures are not checked here: 'jejak checkpoint verify' does that.
//
// A hash chain cannot tell a rewritten suffix whose hashes were all
// recomputed from the original; signed checkpoints exist for that.
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
