// Bringing projections up to date with the ledger: shared by the server's
// live projector and the CLI's embedded status, report and rebuild.
#pragma once

#include <cstdint>
#include <functional>

#include "ledger/ledger.h"
#include "projections/projector.h"

namespace jejak::projections {

// Applies every ledger entry the projector has not seen, up to the ledger's
// size at the call, in chunks; progress(next_seq, end) after each chunk.
// Returns the number of entries applied.
uint64_t CatchUpFromLedger(Projector& projector, const ledger::Ledger& ledger,
                           const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace jejak::projections
