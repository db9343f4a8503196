// Offline proof documents (docs/FORMAT.md, "Receipts" and "Exports"): JSON
// files that anyone can check with nothing but a verifier key: no database,
// no network. Every check names the member that failed.
//
// A receipt proves that one entry is in the ledger: the entry (seq, chain
// hash and its predecessor, bytes, event JSON), a signed checkpoint that
// includes it and the inclusion proof. An export proves that a range of
// entries is in the ledger: the entries, the roots of the complete subtrees
// left of the range, a signed checkpoint and the consistency proof from the
// tree ending with the range to the checkpoint's tree.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/note.h"

namespace jejak::ledger {

inline constexpr char kReceiptFormat[] = "jejak-receipt-v1";
inline constexpr char kExportFormat[] = "jejak-export-v1";
inline constexpr char kConsistencyFormat[] = "jejak-consistency-v1";

// checkpoint must be a stored checkpoint whose size exceeds seq. Throws
// Error(kNotFound / kInvalidArgument) for a missing entry or checkpoint.
nlohmann::json MakeReceipt(const Ledger& ledger, uint64_t seq, const std::string& checkpoint);
// Entries [from, to) against checkpoint, whose size must be at least to.
nlohmann::json MakeExport(const Ledger& ledger, uint64_t from, uint64_t to,
                          const std::string& checkpoint);
// The proof that the ledger at old_size grew into the checkpoint's tree.
nlohmann::json MakeConsistency(const Ledger& ledger, uint64_t old_size,
                               const std::string& checkpoint);

// The result of an offline check: ok, or the first problem found.
struct OfflineCheck {
  bool ok = false;
  std::string problem;     // "<member>: what is wrong"
  uint64_t tree_size = 0;  // of the checkpoint checked
};

// Each also checks that the (newer) checkpoint is cosigned by a quorum of
// witnesses (none by default).
OfflineCheck VerifyReceipt(const nlohmann::json& receipt, const VerifierKey& key,
                           const WitnessQuorum& witnesses = {});
OfflineCheck VerifyExport(const nlohmann::json& doc, const VerifierKey& key,
                          const WitnessQuorum& witnesses = {});
// Checks both checkpoints' signatures and the proof (a kConsistencyFormat
// document) from the old to the new checkpoint.
OfflineCheck VerifyConsistencyDoc(const std::string& old_checkpoint,
                                  const std::string& new_checkpoint, const nlohmann::json& proof,
                                  const VerifierKey& key, const WitnessQuorum& witnesses = {});

}  // namespace jejak::ledger
