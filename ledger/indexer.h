// Internal: the writer's background indexer (docs/FORMAT.md, "Ledger
// storage"). The by_request and by_actor keys are derived data, so they are
// kept off the synced append path, in a database of their own: the appender
// syncs entries and the head record alone, then hands the entries' ids to the
// indexer. It gathers their keys in memory (index_buffer.h), where index reads
// on the writer find them at once, and writes them when the buffer is full
// or a second old, then sets the mark
// jejak.ledger.indexed = be64(n): the keys of every entry below n are written.
// A crash can lose only keys at or above the mark, and the next writer's
// Open() writes them again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/background_thread.h"
#include "ledger/index_buffer.h"

namespace jejak::ledger {

struct RocksLedger;

// The stored mark, or nullopt if there is none (damage, or a v1/v2 ledger
// made before the mark existed, whose keys were all written with their
// entries). Throws Error(kCorruption) if it is malformed.
std::optional<uint64_t> ReadIndexedMark(const RocksLedger& r);

class Indexer {
 public:
  // Writes the keys of the entries of r from the mark up to size (all of
  // them if there is no mark, after storing the mark 0), reading them back,
  // then starts the thread. Writes the mark again in any case, so that the
  // index database's memtables are not empty (base/write_guard.h).
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
  // Blocks until the keys of every entry below size are in the buffer or
  // written. Throws Error(kIoError) if indexing failed.
  void WaitFor(uint64_t size) const;
  // The mark last written: the keys of every entry below it are in the
  // index database.
  uint64_t written() const { return written_.load(std::memory_order_acquire); }
  // Why indexing failed (the thread then stops), or "" if it did not. A
  // failed indexer is replaced by a new one, which writes the dropped keys.
  std::string problem() const;
  // Appends the entries listed under id among the buffered keys of index to
  // *seqs. Called before reading the index database, since keys leave the
  // buffer only once written there.
  void LookupBuffered(IndexBuffer::Index index, std::string_view id,
                      std::vector<uint64_t>* seqs) const;

 private:
  void Run();
  // Adds ids to the buffer, writing it if it is full.
  void Buffer(IndexIds ids);
  // Has the index database ingest the buffer, sets the mark, empties it.
  void WriteBuffer();

  RocksLedger& r_;
  const std::string ingest_dir_;  // where SST files wait to be ingested

  mutable std::mutex mu_;  // guards the queue and state below
  mutable std::condition_variable cv_;
  std::deque<IndexIds> queue_;
  uint64_t queued_ = 0;   // entries in queue_ and being buffered
  uint64_t indexed_ = 0;  // entries whose keys are buffered or written
  std::exception_ptr error_;

  // Changed only by the thread (and the constructor), which reads it without
  // the lock; readers take it.
  mutable std::mutex buffer_mu_;
  IndexBuffer buffer_;
  std::chrono::steady_clock::time_point buffered_since_;  // the oldest key's arrival

  std::atomic<uint64_t> written_{0};
  base::BackgroundThread thread_;  // runs Run(), notified by Add()
};

}  // namespace jejak::ledger
