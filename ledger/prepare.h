// Internal: the per-entry work of an append that needs no order, done before
// the group-commit leader takes the entries: the canonical-event check, the
// entry hash and the Merkle leaf hash.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/hash.h"
#include "ledger/helper_thread.h"

namespace jejak::ledger {

struct Prepared {
  const std::string* bytes;     // owned by the caller of AppendBatch()
  Hash entry_hash;              // SHA-256(*bytes)
  Hash leaf_hash;               // MerkleLeafHash(*bytes)
  std::string_view request_id;  // views into *bytes
  std::string_view actor;
  // For a checkpoint_signed event: the tree size and note it records, which
  // the append also stores in the checkpoints column family.
  std::unique_ptr<std::pair<uint64_t, std::string>> checkpoint;
};

// Returns the prepared entries, which point into entries; the caller and
// helper, if it is free, share a large batch chunk by chunk. Throws
// Error(kInvalidArgument) naming the first entry (by its position in entries)
// that is not a canonical event, or is a checkpoint_signed event whose note
// is malformed.
std::vector<Prepared> PrepareBatch(const std::vector<std::string>& entries, HelperThread* helper);

}  // namespace jejak::ledger
