// Internal: the index keys of consecutive entries, held in memory by the
// writer's indexer (indexer.h) until it writes them all at once. Each id gets
// one key per index (docs/FORMAT.md, "Ledger storage"), listing its entries.
//
// Many keys are written as one SST file per index, sorted here and ingested
// by the index database: request ids arrive in random order, and inserting
// each key into a memtable (a cache miss per key) and sorting them all again
// at its flush cost the appender's machine more than hashing the entries did.
// Few keys are an ordinary write: small ingested files would make the index
// database's compactions rewrite its lower levels again and again.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
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

// Not thread-safe; the indexer guards it.
class IndexBuffer {
 public:
  enum class Index { kByRequest, kByActor };

  IndexBuffer();
  ~IndexBuffer();
  IndexBuffer(const IndexBuffer&) = delete;
  IndexBuffer& operator=(const IndexBuffer&) = delete;

  // Adds the keys of entries ids.first_seq.., which must follow the ones
  // added before (if any).
  void Add(IndexIds ids);
  bool empty() const { return entries_ == 0; }
  uint64_t entries() const { return entries_; }
  // One past the last entry added; meaningful only if !empty().
  uint64_t end_seq() const { return first_seq_ + entries_; }

  // Appends the entries listed under id in one index to *seqs, in order.
  void Lookup(Index index, std::string_view id, std::vector<uint64_t>* seqs) const;

  // Writes the keys to r's index database, then the mark jejak.ledger.indexed
  // = end_seq(), and keeps them. Many keys go in SST files made in tmp_dir
  // (created if missing) and ingested, both indexes in one atomic, synced
  // step; few in one unsynced write with the mark. Throws base::Error on
  // failure; then the mark is unchanged.
  void WriteTo(RocksLedger& r, const std::string& tmp_dir) const;

  // Empties the buffer.
  void Clear();

 private:
  class KeyGroups;

  void Ingest(RocksLedger& r, const std::string& tmp_dir) const;

  std::deque<IndexIds> ids_;  // owns the text the groups point into; never moved
  std::unique_ptr<KeyGroups> requests_, actors_;
  uint64_t first_seq_ = 0;
  uint64_t entries_ = 0;
};

}  // namespace jejak::ledger
