#include "ledger/indexer.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <span>
#include <unordered_map>

#include "events/encoding.h"
#include "events/error.h"
#include "ledger/layout.h"
#include "ledger/rocks.h"

namespace jejak::ledger {
namespace {

using events::Error;
using events::ErrorCode;

// Entries the appenders may run ahead of the indexer before they wait: about
// 4 MB of ids, and what a reopen after a crash re-indexes at most.
constexpr uint64_t kMaxQueued = 1 << 17;
// Entries per index write: large writes amortise RocksDB's per-write costs,
// small ones let readers waiting for their keys go sooner.
constexpr uint64_t kMaxWrite = 1 << 14;

}  // namespace

void IndexIds::Add(std::string_view request_id, std::string_view actor) {
  text.append(request_id);
  ends.push_back(static_cast<uint32_t>(text.size()));
  text.append(actor);
  ends.push_back(static_cast<uint32_t>(text.size()));
}

std::optional<uint64_t> ReadIndexedMark(const RocksLedger& r) {
  std::string value;
  rocksdb::Status s =
      r.index_db->Get(rocksdb::ReadOptions(), r.index_meta, layout::kIndexedKey, &value);
  if (s.IsNotFound()) return std::nullopt;
  ThrowIfError(s, "reading the index mark");
  uint64_t mark;
  if (!layout::ParseSeqKey(value, &mark)) {
    throw Error(ErrorCode::kCorruption, "the index mark is malformed");
  }
  return mark;
}

Indexer::Indexer(RocksLedger& r, uint64_t size) : r_(r) {
  std::optional<uint64_t> stored = ReadIndexedMark(r);
  if (!stored) {
    // A new index database claims nothing yet, and a verifier beside the
    // writer must not take it for an old one (docs/FORMAT.md).
    ThrowIfError(r.index_db->Put(rocksdb::WriteOptions(), r.index_meta, layout::kIndexedKey,
                                 layout::SeqKey(0)),
                 "writing the index mark");
  }
  uint64_t mark = stored.value_or(0);
  if (mark > size) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("the index mark says {} entries are indexed, but the ledger holds {}",
                            mark, size));
  }
  // Keys lost in a crash (or never written, in a ledger older than the mark).
  rocksdb::ReadOptions ro;
  std::string upper = layout::SeqKey(size);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.entries));
  // All read and checked before any is written: a failed Open() writes nothing.
  std::vector<IndexIds> chunks(1);
  chunks[0].first_seq = mark;
  uint64_t seq = mark;
  for (it->Seek(layout::SeqKey(mark)); it->Valid(); it->Next(), ++seq) {
    uint64_t key;
    std::string_view value = it->value().ToStringView();
    if (!layout::ParseSeqKey(it->key().ToStringView(), &key) || key != seq ||
        value.size() < layout::kChainSize) {
      throw Error(ErrorCode::kCorruption, fmt::format("cannot index entry {}: it is damaged", seq));
    }
    events::EventKeys keys;
    try {
      keys = events::CheckCanonical(value.substr(layout::kChainSize));
    } catch (const Error& e) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("cannot index entry {}: not an event: {}", seq, e.what()));
    }
    chunks.back().Add(keys.request_id, keys.actor_subject);
    if (chunks.back().size() == kMaxWrite) chunks.push_back(IndexIds{seq + 1, {}, {}});
  }
  ThrowIfError(it->status(), "reading entries to index");
  if (seq != size) throw Error(ErrorCode::kCorruption, fmt::format("entry {} is missing", seq));
  // The last write also gives a mark to a ledger older than it.
  for (size_t i = 0; i < chunks.size(); ++i) Write(std::span(chunks).subspan(i, 1));
  indexed_ = size;
  thread_ = std::thread([this] { Run(); });
}

Indexer::~Indexer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Indexer::Add(IndexIds ids) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queued_ < kMaxQueued || error_; });
  if (error_) return;
  queued_ += ids.size();
  queue_.push_back(std::move(ids));
  cv_.notify_all();
}

void Indexer::WaitFor(uint64_t size) const {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return indexed_ >= size || error_; });
  if (indexed_ < size) {
    throw Error(ErrorCode::kIoError, "the ledger's indexes could not be written; reopen it");
  }
}

void Indexer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    std::vector<IndexIds> work;
    uint64_t n = 0;
    while (!queue_.empty() && (work.empty() || n + queue_.front().size() <= kMaxWrite)) {
      n += queue_.front().size();
      work.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    std::exception_ptr error;
    try {
      Write(work);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    queued_ -= n;
    if (error) {
      error_ = error;
      queue_.clear();
      queued_ = 0;
    } else {
      indexed_ = work.back().first_seq + work.back().size();
    }
    cv_.notify_all();
    if (error_) return;
  }
}

namespace {

// One index's keys for one write: an id's entries share one key (layout.h),
// so an actor acting on thousands of entries costs one memtable insert.
class KeyGroups {
 public:
  explicit KeyGroups(size_t entries) { slot_.reserve(entries); }

  void Add(std::string_view id, uint64_t seq) {
    auto [it, added] = slot_.try_emplace(id, groups_.size());
    if (added) {
      groups_.push_back(Group{id, seq, seq, {}});
      return;
    }
    Group& g = groups_[it->second];
    layout::AppendIndexDelta(&g.value, seq - g.last);
    g.last = seq;
  }

  void PutAll(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf) const {
    std::string key;  // reused: the puts copy keys into the batch
    for (const Group& g : groups_) {
      key.clear();
      layout::AppendIndexKey(&key, g.id, g.first);
      ThrowIfError(batch->Put(cf, key, g.value), "building an index batch");
    }
  }

 private:
  struct Group {
    std::string_view id;
    uint64_t first, last;
    std::string value;
  };
  std::unordered_map<std::string_view, size_t> slot_;  // id -> its group
  std::vector<Group> groups_;                          // in order of first seq
};

}  // namespace

// One unsynced write: the keys of the entries in work, which follow each
// other, and the mark just past them.
void Indexer::Write(std::span<const IndexIds> work) {
  size_t entries = 0, reserve = 64;
  for (const IndexIds& ids : work) {
    entries += ids.size();
    reserve += ids.text.size() / 2 + 32 * ids.size();
  }
  KeyGroups requests(entries), actors(entries);
  for (const IndexIds& ids : work) {
    std::string_view text(ids.text);
    uint32_t start = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      uint64_t seq = ids.first_seq + i;
      uint32_t request_end = ids.ends[2 * i], actor_end = ids.ends[2 * i + 1];
      if (request_end > start) requests.Add(text.substr(start, request_end - start), seq);
      actors.Add(text.substr(request_end, actor_end - request_end), seq);
      start = actor_end;
    }
  }
  rocksdb::WriteBatch batch(reserve);
  requests.PutAll(&batch, r_.by_request);
  actors.PutAll(&batch, r_.by_actor);
  const IndexIds& last = work.back();
  ThrowIfError(
      batch.Put(r_.index_meta, layout::kIndexedKey, layout::SeqKey(last.first_seq + last.size())),
      "building an index batch");
  // Not synced: the entries are durable already, and keys lost in a crash
  // are rewritten from them on open. In a database of its own, the write
  // never holds up (or joins the write group of) a synced append.
  ThrowIfError(r_.index_db->Write(rocksdb::WriteOptions(), &batch), "writing the ledger's indexes");
}

}  // namespace jejak::ledger
