#include "ledger/indexer.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>

#include "base/error.h"
#include "base/rocks_status.h"
#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/rocks.h"

namespace jejak::ledger {
namespace {

namespace fs = std::filesystem;

using base::Error;
using base::ErrorCode;

// Entries the appenders may run ahead of the indexer before they wait.
constexpr uint64_t kMaxQueued = 1 << 17;
// Entries buffered at most: a full buffer is written at once. Bounds the
// memory held (about 40 MB) and what a reopen after a crash re-indexes.
constexpr uint64_t kMaxBuffered = 1 << 18;
// How long keys wait in the buffer at most: read-only instances (and a
// verifier) see them only once written.
constexpr std::chrono::seconds kMaxBufferAge{1};

// The indexer runs 19 nice levels below its process (at most 19; on Linux
// the nice value is a thread's own, and raising it needs no privilege): it
// must not take a core from the appenders' synced path, and it catches up
// while they wait for the disk. Not so RocksDB's flushes and compactions:
// starved of the cores by busy appenders, they would let the memtables fill
// and stall every write.
void LowerThisThreadsPriority() {
  auto tid = static_cast<id_t>(gettid());
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, tid);
  if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(19, nice + 19));
}

}  // namespace

std::optional<uint64_t> ReadIndexedMark(const RocksLedger& r) {
  std::string value;
  rocksdb::Status s =
      r.index_db->Get(rocksdb::ReadOptions(), r.index_meta, layout::kIndexedKey, &value);
  if (s.IsNotFound()) return std::nullopt;
  base::ThrowIfError(s, "reading the index mark");
  uint64_t mark;
  if (!layout::ParseSeqKey(value, &mark)) {
    throw Error(ErrorCode::kCorruption, "the index mark is malformed");
  }
  return mark;
}

Indexer::Indexer(RocksLedger& r, uint64_t size)
    : r_(r), ingest_dir_((fs::path(r.dir) / layout::kIndexDir / "ingest").string()) {
  std::optional<uint64_t> stored = ReadIndexedMark(r);
  // A new index database claims nothing yet, and a verifier beside the
  // writer must not take it for an old one (docs/FORMAT.md).
  uint64_t mark = stored.value_or(0);
  rocksdb::Status s = r.index_db->Put(rocksdb::WriteOptions(), r.index_meta, layout::kIndexedKey,
                                      layout::SeqKey(mark));
  if (!s.ok()) {
    r.index_guard->Failed(*r.index_db, s);
    base::ThrowIfError(s, "writing the index mark");
  }
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
  constexpr uint64_t kChunk = 1 << 14;
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
    if (chunks.back().size() == kChunk) chunks.push_back(IndexIds{seq + 1, {}, {}});
  }
  base::ThrowIfError(it->status(), "reading entries to index");
  if (seq != size) throw Error(ErrorCode::kCorruption, fmt::format("entry {} is missing", seq));
  std::error_code ec;
  fs::remove_all(ingest_dir_, ec);  // files a crash left before their ingestion
  for (IndexIds& ids : chunks) Buffer(std::move(ids));
  if (!buffer_.empty()) WriteBuffer();
  indexed_ = size;
  written_.store(size, std::memory_order_release);
  thread_.Start("jejak-indexer", [this] { Run(); });
}

Indexer::~Indexer() { thread_.Stop(); }

void Indexer::Add(IndexIds ids) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queued_ < kMaxQueued || error_; });
  if (error_) return;
  queued_ += ids.size();
  queue_.push_back(std::move(ids));
  lock.unlock();
  thread_.Notify();
}

void Indexer::WaitFor(uint64_t size) const {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return indexed_ >= size || error_; });
  if (indexed_ < size) {
    lock.unlock();
    throw Error(ErrorCode::kIoError, problem());
  }
}

std::string Indexer::problem() const {
  std::exception_ptr error;
  {
    std::lock_guard lock(mu_);
    error = error_;
  }
  if (!error) return "";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return fmt::format(
        "the ledger's indexes could not be written ({}); index reads fail until they can",
        e.what());
  }
}

void Indexer::LookupBuffered(IndexBuffer::Index index, std::string_view id,
                             std::vector<uint64_t>* seqs) const {
  std::lock_guard lock(buffer_mu_);
  buffer_.Lookup(index, id, seqs);
}

void Indexer::Run() {
  LowerThisThreadsPriority();
  for (;;) {
    // Add() notifies; buffered keys wait kMaxBufferAge at most.
    bool stopping =
        buffer_.empty() ? !thread_.Wait() : !thread_.WaitUntil(buffered_since_ + kMaxBufferAge);
    std::unique_lock lock(mu_);
    std::deque<IndexIds> work;
    work.swap(queue_);
    uint64_t n = queued_;
    lock.unlock();
    std::exception_ptr error;
    uint64_t end = 0;
    try {
      for (IndexIds& ids : work) {
        end = ids.first_seq + ids.size();
        Buffer(std::move(ids));
      }
      bool due = std::chrono::steady_clock::now() >= buffered_since_ + kMaxBufferAge;
      if (!buffer_.empty() && (stopping || due)) WriteBuffer();
    } catch (const std::exception& e) {
      error = std::current_exception();
      // No index write again until the index database may resume (base/write_guard.h).
      r_.index_guard->Failed(*r_.index_db, rocksdb::Status::IOError(e.what()));
    }
    lock.lock();
    queued_ -= n;
    if (error) {
      error_ = error;
      queue_.clear();
      queued_ = 0;
    } else if (!work.empty()) {
      indexed_ = end;
    }
    cv_.notify_all();
    if (error_ || (stopping && queue_.empty())) return;
  }
}

void Indexer::Buffer(IndexIds ids) {
  if (buffer_.empty()) buffered_since_ = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(buffer_mu_);
    buffer_.Add(std::move(ids));
  }
  if (buffer_.entries() >= kMaxBuffered) WriteBuffer();
}

void Indexer::WriteBuffer() {
  buffer_.WriteTo(r_, ingest_dir_);
  written_.store(buffer_.end_seq(), std::memory_order_release);
  std::lock_guard lock(buffer_mu_);
  buffer_.Clear();
}

}  // namespace jejak::ledger
