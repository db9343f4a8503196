// Edits the ledger's index database behind jejak's back, whatever keys the
// indexer listed the entries under (an id's entries of one index write share
// a key, ledger/layout.h).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "ledger/layout.h"
#include "tests/testutil.h"

namespace jejak::testing {

// The seqs listed under one index key.
inline std::vector<uint64_t> IndexedSeqs(const std::string& key, const std::string& value) {
  std::string_view id;
  uint64_t first;
  std::vector<uint64_t> seqs;
  REQUIRE(ledger::layout::ParseIndexKey(key, &id, &first));
  REQUIRE(ledger::layout::ParseIndexValue(first, value, &seqs));
  return seqs;
}

inline bool KeyOf(const std::string& key, const std::string& id) {
  std::string_view found;
  uint64_t seq;
  return ledger::layout::ParseIndexKey(key, &found, &seq) && found == id;
}

// Whether family lists seq under id.
inline bool Indexed(RawDb& db, const std::string& family, const std::string& id, uint64_t seq) {
  for (const auto& [k, v] : db.Scan(family)) {
    if (!KeyOf(k, id)) continue;
    auto seqs = IndexedSeqs(k, v);
    if (std::find(seqs.begin(), seqs.end(), seq) != seqs.end()) return true;
  }
  return false;
}

// Takes seq out of the list of id in family, rewriting the key that held it.
// Returns false if it was not listed.
inline bool Unlist(RawDb& db, const std::string& family, const std::string& id, uint64_t seq) {
  for (const auto& [k, v] : db.Scan(family)) {
    if (!KeyOf(k, id)) continue;
    auto seqs = IndexedSeqs(k, v);
    auto at = std::find(seqs.begin(), seqs.end(), seq);
    if (at == seqs.end()) continue;
    seqs.erase(at);
    db.Delete(family, k);
    if (!seqs.empty()) {
      std::string value;
      for (size_t i = 1; i < seqs.size(); ++i) {
        ledger::layout::AppendIndexDelta(&value, seqs[i] - seqs[i - 1]);
      }
      db.Put(family, ledger::layout::IndexKey(id, seqs[0]), value);
    }
    return true;
  }
  return false;
}

}  // namespace jejak::testing
