// Test helper: ledger entries [from, to) decoded, with their seqs, as
// projectors read them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "events/encoding.h"
#include "ledger/ledger.h"

namespace jejak::testing {

inline std::vector<events::Event> LedgerEvents(const ledger::Ledger& ledger, uint64_t from = 0,
                                               uint64_t to = UINT64_MAX) {
  std::vector<events::Event> out;
  ledger.Scan(from, std::min<uint64_t>(to, ledger.size()), [&](const ledger::Entry& e) {
    out.push_back(events::Decode(e.bytes));
    out.back().seq = e.seq;
    return true;
  });
  return out;
}

}  // namespace jejak::testing
