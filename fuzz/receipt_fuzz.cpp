// Receipts, exports and consistency proofs (ledger/receipt.h), read as
// `jejak receipt verify`, `jejak ledger verify-export` and `jejak checkpoint
// verify` read them: JSON files from anyone, checked against a verifier key.
//
// Input: a first byte 'r' (a receipt follows), 'e' (an export) or 'c' (the
// old checkpoint, the new checkpoint and the proof JSON, separated by NUL
// bytes). The seeds (fuzz/make_seeds.sh) are signed by the target's key, so
// that mutations reach the checks behind the signature.
//
// Promises: the checks never throw, and report a problem exactly when they
// fail.
#include <nlohmann/json.hpp>

#include "fuzz/fuzz_util.h"
#include "ledger/note.h"
#include "ledger/receipt.h"

namespace ledger = jejak::ledger;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const ledger::VerifierKey key = ledger::ParseSigningKey(jejak::fuzz::kSigningKey).verifier;
  std::string_view in = jejak::fuzz::AsText(data + 1, size - 1);
  ledger::OfflineCheck check;
  if (data[0] == 'c') {
    std::string old_cp(jejak::fuzz::Take(&in, '\0'));
    std::string new_cp(jejak::fuzz::Take(&in, '\0'));
    json proof = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (proof.is_discarded()) return 0;
    check = ledger::VerifyConsistencyDoc(old_cp, new_cp, proof, key);
  } else {
    json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return 0;
    check = data[0] == 'e' ? ledger::VerifyExport(doc, key) : ledger::VerifyReceipt(doc, key);
  }
  JEJAK_REQUIRE(check.ok == check.problem.empty());
  return 0;
}
