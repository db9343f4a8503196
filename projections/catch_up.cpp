#include "projections/catch_up.h"

#include <algorithm>

#include "events/encoding.h"

namespace jejak::projections {

uint64_t CatchUpFromLedger(Projector& projector, const ledger::Ledger& ledger,
                           const std::function<void(uint64_t, uint64_t)>& progress) {
  uint64_t start = projector.next_seq(), end = ledger.size();
  if (start >= end) return 0;
  projector.CatchUp(
      [&](uint64_t from, size_t max) {
        std::vector<events::Event> batch;
        ledger.Scan(from, std::min<uint64_t>(end, from + max), [&](const ledger::Entry& e) {
          batch.push_back(events::Decode(e.bytes));
          batch.back().seq = e.seq;
          return true;
        });
        return batch;
      },
      [&](uint64_t next) {
        if (progress) progress(next, end);
      });
  return projector.next_seq() - start;
}

}  // namespace jejak::projections
