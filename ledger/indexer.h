// Internal: the writer's background indexer (docs/FORMAT.md, "Ledger
// storage"). The by_request and by_actor keys are derived data, so they are
// kept off the synced append path, in a database of their own: the appender
// syncs entries and the head record alone, then hands the entries' ids to the
// indexer, which writes their index keys (WAL on, not synced; one key per id
// and write, listing its entries) together with the mark jejak.ledger.indexed
// = be64(n): the keys of every entry below n are written. A crash can lose
// only keys at or above the mark, and the next writer's Open() writes them
// again.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace jejak::ledger {

struct RocksLedger;

// The request ids and actor subjects of consecutive entries, copied out of
// their bytes before the append so that the indexer owns them.
struct IndexIds {
  uint64_t first_seq = 0;
  std::string text;            // per entry: request id, then actor subject
  std::vector<uint32_t> ends;  // per entry: where each of the two ends in text

  void Add(std::string_view request_id, std::string_view actor);
  size_t size() const { return ends.size() / 2; }
};

// The stored mark, or nullopt if there is none (damage, or a v1/v2 ledger
// made before the mark existed, whose keys were all written with their
// entries). Throws Error(kCorruption) if it is malformed.
std::optional<uint64_t> ReadIndexedMark(const RocksLedger& r);

class Indexer {
 public:
  // Writes the keys of the entries of r from the mark up to size (all of
  // them if there is no mark, after storing the mark 0), reading them back,
  // then starts the thread.
  // Throws Error(kCorruption) if the mark lies beyond size or an entry there
  // is not an event.
  Indexer(RocksLedger& r, uint64_t size);
  // Writes everything queued, then stops.
  ~Indexer();

  // Queues the keys of entries ids.first_seq.., which must follow the ones
  // queued before. Blocks while too many entries wait, so that a writer
  // outrunning the indexer slows down instead of piling up memory. After an
  // indexing failure it drops ids: they are above the mark.
  void Add(IndexIds ids);
  // Blocks until the keys of every entry below size are written. Throws
  // Error(kIoError) if indexing failed.
  void WaitFor(uint64_t size) const;

 private:
  void Run();
  void Write(std::span<const IndexIds> work);

  RocksLedger& r_;
  mutable std::mutex mu_;  // guards everything below
  mutable std::condition_variable cv_;
  std::deque<IndexIds> queue_;
  uint64_t queued_ = 0;   // entries in queue_
  uint64_t indexed_ = 0;  // the mark as last written
  std::exception_ptr error_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace jejak::ledger
