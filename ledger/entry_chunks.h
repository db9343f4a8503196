// Internal to verify.cpp: consecutive ledger entries read into one buffer
// and put through the work that needs no other entry (hashing, parsing), so
// that the verifier can do that on another thread than the in-order steps.
#pragma once

#include <rocksdb/iterator.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/hash.h"

namespace jejak::ledger {

// Stands for an index id (request id or actor subject) in the verifier's
// comparisons; never 0, which stands for "no id".
uint64_t Fingerprint(std::string_view id);

class Chunk {
 public:
  static constexpr size_t kEntries = 8192;

  // Reads up to kEntries entries from it, the first of which must be seq.
  // Damage that ends the pass (a malformed key, a gap, a value shorter than
  // a chain hash) ends the chunk early with stop() set; what precedes it is
  // held. Throws Error(kIoError / kCorruption) if RocksDB fails.
  void Read(rocksdb::Iterator* it, uint64_t seq);
  // Fills entry_hash, leaf, request, actor and not_event.
  void HashAndParse();

  uint64_t first() const { return first_; }
  size_t size() const { return ends_.size(); }
  uint64_t end() const { return first_ + size(); }
  // No entry follows this chunk (or damage stopped it).
  bool last() const { return last_; }
  const std::optional<std::pair<uint64_t, std::string>>& stop() const { return stop_; }
  // Entry first() + i as stored: chain hash || bytes.
  std::string_view Value(size_t i) const;

  // From HashAndParse(), per entry: SHA-256(bytes), the Merkle leaf hash, and the
  // fingerprints of its request id (0 if none) and actor subject; and the
  // entries that are not canonical events, with the reason, in order.
  std::vector<Hash> entry_hash, leaf;
  std::vector<uint64_t> request, actor;
  std::vector<std::pair<size_t, std::string>> not_event;

 private:
  void Stop(uint64_t seq, std::string problem);

  uint64_t first_ = 0;
  std::string data_;          // the entries' values, back to back
  std::vector<size_t> ends_;  // where each value ends in data_
  bool last_ = false;
  std::optional<std::pair<uint64_t, std::string>> stop_;
};

}  // namespace jejak::ledger
