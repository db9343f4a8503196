// Internal to verify.cpp: the entry pass's work that needs no other chunk of
// entries, done on worker threads. A chunk is the 2^13 entries under one
// node of level 13, so its own subtree (leaves and nodes up to that level)
// can be derived and compared with the stored tiles without the rest of the
// tree. What must go in order (chain links, the nodes above the chunks)
// stays with the caller.
#pragma once

#include <rocksdb/iterator.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "events/event.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

class TileReader;

// Stands for an index id (request id or actor subject) in the verifier's
// comparisons; never 0, which stands for "no id".
uint64_t Fingerprint(std::string_view id);

class Chunk {
 public:
  static constexpr int kLevel = 13;
  static constexpr size_t kEntries = size_t{1} << kLevel;

  // Reads chunk number index (entries index * kEntries ...) with it and does
  // its per-entry work: SHA-256 of the bytes, Merkle leaf, event check, the
  // chunk's own nodes, compared with the stored ones through tiles (null if
  // the ledger has no stored tree). Damage that ends the pass (a malformed
  // key, a gap, a value shorter than a chain hash) ends the chunk early with
  // stop() set; what precedes it is held. An error is kept for Rethrow().
  void Fill(rocksdb::Iterator* it, uint64_t index, TileReader* tiles);
  // Throws the error Fill() met, if any: Error(kIoError / kCorruption).
  void Rethrow() const;

  uint64_t first() const { return first_; }
  size_t size() const { return stored_chain.size(); }
  uint64_t end() const { return first_ + size(); }
  // No entry follows this chunk (or damage stopped it).
  bool last() const { return last_; }
  const std::optional<std::pair<uint64_t, std::string>>& stop() const { return stop_; }
  // The first stored node of the chunk's subtree that differs from the
  // derived one, at the sequence number whose leaf completes it.
  const std::optional<std::pair<uint64_t, std::string>>& tree_problem() const {
    return tree_problem_;
  }
  // The chunk's level-13 node; only in a full chunk.
  const Hash& ChunkRoot() const { return nodes_[kLevel][0]; }
  // Appends the complete subtrees of the chunk's first m entries (m <= size()),
  // largest first.
  void Subtrees(size_t m, std::vector<Hash>* out) const;

  // Per entry: the stored chain hash, SHA-256(bytes), and the fingerprints
  // of its request id (0 if none) and actor subject. In order: the entries
  // that are not canonical events, with the reason, and the ledger's own
  // events (signing_key_added, checkpoint_signed), decoded.
  std::vector<Hash> stored_chain, entry_hash;
  std::vector<uint64_t> request, actor;
  std::vector<std::pair<size_t, std::string>> not_event;
  std::vector<std::pair<size_t, events::Event>> ledger_events;

 private:
  void Stop(uint64_t seq, std::string problem);
  void Read(rocksdb::Iterator* it, TileReader* tiles);
  void AddEntry(uint64_t seq, std::string_view bytes, TileReader* tiles);

  uint64_t first_ = 0;
  bool last_ = false;
  std::optional<std::pair<uint64_t, std::string>> stop_, tree_problem_;
  std::exception_ptr error_;
  MerkleFrontier frontier_;  // of the chunk's own subtree
  uint64_t seq_ = 0;         // the entry being added, for frontier_'s sink
  TileReader* tiles_ = nullptr;
  std::array<std::vector<Hash>, kLevel + 1> nodes_;  // nodes_[l][j]: node (l, (first_ >> l) + j)
};

// Fills chunks 0, 1, 2, ... on worker threads, each with its own iterators,
// a few chunks ahead of the caller, and hands them out in order.
class ChunkPipeline {
 public:
  ChunkPipeline(RocksLedger& r, int workers);
  // Stops the workers, whether or not the last chunk was reached.
  ~ChunkPipeline();

  // The next chunk, valid until the next call. Throws what filling it threw.
  // Call no more after a chunk that is last().
  const Chunk& Next();

 private:
  static constexpr uint64_t kSlots = 4;
  static constexpr uint64_t kNone = ~uint64_t{0};

  void Work();

  RocksLedger& r_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::array<Chunk, kSlots> chunks_;    // chunk k in chunks_[k % kSlots]
  std::array<uint64_t, kSlots> ready_;  // the chunk filled in each slot, or kNone
  uint64_t claimed_ = 0;                // chunks given to workers
  uint64_t released_ = 0;               // chunks the caller is done with
  uint64_t end_ = kNone;                // the first chunk known to be last
  uint64_t current_ = kNone;            // the chunk the caller holds
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace jejak::ledger
