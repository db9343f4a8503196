#include "ledger/indexer.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <span>

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
  rocksdb::Status s = r.db->Get(rocksdb::ReadOptions(), r.meta, layout::kIndexedKey, &value);
  if (s.IsNotFound()) return std::nullopt;
  ThrowIfError(s, "reading the index mark");
  uint64_t mark;
  if (!layout::ParseSeqKey(value, &mark)) {
    throw Error(ErrorCode::kCorruption, "the index mark is malformed");
  }
  return mark;
}

Indexer::Indexer(RocksLedger& r, uint64_t size) : r_(r) {
  uint64_t mark = ReadIndexedMark(r).value_or(0);
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

// One unsynced write: the keys of the entries in work, which follow each
// other, and the mark just past them.
void Indexer::Write(std::span<const IndexIds> work) {
  size_t reserve = 64;
  for (const IndexIds& ids : work) reserve += ids.text.size() + 56 * ids.size();
  rocksdb::WriteBatch batch(reserve);
  std::string key;  // reused: the puts copy keys into the batch
  auto check = [](const rocksdb::Status& s) { ThrowIfError(s, "building an index batch"); };
  for (const IndexIds& ids : work) {
    std::string_view text(ids.text);
    uint32_t start = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      uint64_t seq = ids.first_seq + i;
      uint32_t request_end = ids.ends[2 * i], actor_end = ids.ends[2 * i + 1];
      if (request_end > start) {
        key.clear();
        layout::AppendIndexKey(&key, text.substr(start, request_end - start), seq);
        check(batch.Put(r_.by_request, key, rocksdb::Slice()));
      }
      key.clear();
      layout::AppendIndexKey(&key, text.substr(request_end, actor_end - request_end), seq);
      check(batch.Put(r_.by_actor, key, rocksdb::Slice()));
      start = actor_end;
    }
  }
  const IndexIds& last = work.back();
  check(batch.Put(r_.meta, layout::kIndexedKey, layout::SeqKey(last.first_seq + last.size())));
  // Not synced: the entries are durable already, and keys lost in a crash
  // are rewritten from them on open.
  ThrowIfError(r_.db->Write(rocksdb::WriteOptions(), &batch), "writing the ledger's indexes");
}

}  // namespace jejak::ledger
