#include "projections/store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/rocks_log.h"
#include "base/rocks_status.h"
#include "base/wal_reader.h"
#include "base/write_guard.h"
#include "projections/keys.h"
#include "projections/queue_index.h"
#include "projections/written_values.h"

namespace jejak::projections {
namespace {

using base::Error;
using base::ErrorCode;
namespace fs = std::filesystem;

constexpr char kNextSeqKey[] = "meta|next_seq";
constexpr char kFormatKey[] = "meta|format";
// The layout version: bumped whenever what the projector stores changes.
// Open() rebuilds a store of another version from scratch (it is derived
// data: the caller's catch-up replays the stream from entry 0).
constexpr char kFormatPrefix[] = "jejak-projections-v";
constexpr char kFormat[] = "jejak-projections-v5";

// Staged changes live in an ordered map (nullopt = deleted) until Commit, so
// a key changed many times in a batch is written once, with its last value.
class RocksStore final : public Store {
 public:
  // guard: the writer's (base/write_guard.h); null for a reader.
  RocksStore(std::unique_ptr<rocksdb::DB> db, std::string secondary,
             std::shared_ptr<base::WriteGuard> guard = nullptr)
      : db_(std::move(db)), secondary_(std::move(secondary)), guard_(std::move(guard)) {
    LoadNextSeq();
  }

  ~RocksStore() override {
    try {
      FinishWrite();
    } catch (const Error&) {
      // Nothing to tell: the store holds its last good commit.
    }
    db_->Close();
    db_.reset();
    if (!secondary_.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_, ec);
    }
  }

  // The staged batch, then the one being written, then the database.
  std::optional<std::string> Get(std::string_view key) const override {
    auto it = staged_.find(key);
    if (it != staged_.end()) return it->second;
    if (writing_) {
      auto w = writing_->staged.find(key);
      if (w != writing_->staged.end()) return w->second;
      if (const std::string* v = writing_->unread.Find(key)) return *v;
    }
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::nullopt;
    base::ThrowIfError(s, "reading projections");
    return value;
  }

  void Put(std::string_view key, std::string_view value) override {
    staged_.insert_or_assign(std::string(key), std::string(value));
  }

  void Delete(std::string_view key) override {
    staged_.insert_or_assign(std::string(key), std::nullopt);
  }

  void Write(std::string key, std::string value) override {
    unread_bytes_ += key.size() + value.size();
    unread_.emplace_back(std::move(key), std::move(value));
  }

  // Merges the database's keys with the staged ones, the staged winning.
  // Scans are rare while applying: they wait for a write in the background.
  void Scan(std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& fn,
            std::string_view from) const override {
    FinishWrite();
    std::string start(from.empty() ? prefix : from);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    it->Seek(start);
    auto st = staged_.lower_bound(start);
    auto db_valid = [&] { return it->Valid() && it->key().ToStringView().starts_with(prefix); };
    auto st_valid = [&] {
      return st != staged_.end() && std::string_view(st->first).starts_with(prefix);
    };
    while (db_valid() || st_valid()) {
      std::string_view dk = db_valid() ? it->key().ToStringView() : std::string_view();
      bool take_staged = st_valid() && (!db_valid() || st->first <= dk);
      if (take_staged) {
        bool same = db_valid() && st->first == dk;
        bool keep = !st->second || fn(st->first, *st->second);
        if (st->second && !keep) return;
        if (same) it->Next();
        ++st;
      } else {
        if (!fn(dk, it->value().ToStringView())) return;
        it->Next();
      }
    }
    base::ThrowIfError(it->status(), "scanning projections");
  }

  uint64_t QueueKeysBefore(std::string_view queue_key) const override {
    // Changed only by commits, which never run beside reads: no lock once
    // loaded.
    if (!queues_loaded_.load(std::memory_order_acquire)) LoadQueues();
    return queues_.Before(queue_key);
  }

  uint64_t next_seq() const override { return next_seq_; }

  void Commit(uint64_t next_seq) override {
    FinishWrite();
    std::unique_ptr<Batch> batch = StartWrite(next_seq);
    try {
      WriteBatch(*batch);
    } catch (...) {
      ForgetQueues();
      throw;
    }
    next_seq_ = next_seq;
    written_.reset();
  }

  void CommitInBackground(uint64_t next_seq) override {
    FinishWrite();
    writing_ = StartWrite(next_seq);
    // The batch written before is freed there too: freeing a rebuild's
    // batch costs about as much as writing it.
    write_ = std::async(std::launch::async,
                        [this, batch = writing_.get(), old = std::move(written_)]() mutable {
                          old.reset();
                          WriteBatch(*batch);
                        });
  }

  void Discard() override {
    try {
      FinishWrite();
    } catch (const Error&) {
      // The caller is giving up on the batch anyway; the store holds its
      // last good commit.
    }
    staged_.clear();
    unread_.clear();
    unread_bytes_ = 0;
  }

  void Refresh() override {
    if (secondary_.empty()) return;
    base::ThrowIfError(db_->TryCatchUpWithPrimary(), "catching up with the projection writer");
    LoadNextSeq();
    ForgetQueues();
  }

 private:
  // One commit's changes.
  struct Batch {
    std::map<std::string, std::optional<std::string>, std::less<>> staged;
    WrittenValues unread;
    size_t bytes = 0;
    uint64_t next_seq = 0;
  };

  // Takes the staged changes as a batch to write and counts their queue
  // keys (the write is atomic, so the index may run ahead of it).
  std::unique_ptr<Batch> StartWrite(uint64_t next_seq) {
    auto b = std::make_unique<Batch>();
    b->unread = WrittenValues(std::move(unread_));
    unread_.clear();
    b->staged.swap(staged_);
    b->bytes = unread_bytes_;
    b->next_seq = next_seq;
    unread_bytes_ = 0;
    if (queues_loaded_) {
      std::lock_guard lock(queues_mu_);
      IndexQueueKeys(b->staged);
    }
    return b;
  }

  // Writes in key order: RocksDB inserts sorted keys into its memtable
  // several times faster than random ones. The batch is sized up front: a
  // rebuild's commits hold megabytes.
  void WriteBatch(const Batch& b) const {
    size_t bytes = b.bytes + 16 * (b.unread.size() + b.staged.size()) + 64;
    for (const auto& [key, value] : b.staged) bytes += key.size() + (value ? value->size() : 0);
    rocksdb::WriteBatch batch(bytes);
    std::vector<const WrittenValues::KeyValue*> unread = b.unread.Sorted();
    auto u = unread.begin();
    auto put_unread_before = [&](const std::string* key) {
      for (; u != unread.end() && (key == nullptr || (*u)->first < *key); ++u) {
        batch.Put((*u)->first, (*u)->second);
      }
    };
    for (const auto& [key, value] : b.staged) {
      put_unread_before(&key);
      if (value) {
        batch.Put(key, *value);
      } else {
        batch.Delete(key);
      }
    }
    put_unread_before(nullptr);
    batch.Put(kNextSeqKey, keys::Be64(b.next_seq));
    // After a failed write, none until RocksDB may write again (a full disk
    // cleared): writing on would abort the process (base/write_guard.h).
    if (guard_ && guard_->Resume(*db_) != base::WriteGuard::State::kOk) {
      throw Error(ErrorCode::kIoError, guard_->problem());
    }
    rocksdb::WriteOptions wo;  // WAL on; the view can be rebuilt, so no fsync
    rocksdb::Status s = db_->Write(wo, &batch);
    if (!s.ok() && guard_) guard_->Failed(*db_, s);
    base::ThrowIfError(s, "writing projections");
  }

  // Waits for the write in the background, if any; throws its error, and
  // then forgets the queue index, which counted the batch.
  void FinishWrite() const {
    if (!writing_) return;
    std::unique_ptr<Batch> batch = std::move(writing_);
    try {
      write_.get();
    } catch (...) {
      ForgetQueues();
      throw;
    }
    next_seq_ = batch->next_seq;
    written_ = std::move(batch);
  }

  // Loaded again when next asked.
  void ForgetQueues() const {
    std::lock_guard lock(queues_mu_);
    queues_.Clear();
    queues_loaded_ = false;
  }

  void IndexQueueKeys(
      const std::map<std::string, std::optional<std::string>, std::less<>>& staged) const {
    for (auto it = staged.lower_bound(kQueueTable);
         it != staged.end() && it->first.starts_with(kQueueTable); ++it) {
      if (it->second) {
        queues_.Add(it->first);
      } else {
        queues_.Remove(it->first);
      }
    }
  }

  // The committed queue keys, and those of a write in the background.
  void LoadQueues() const {
    std::lock_guard lock(queues_mu_);
    if (queues_loaded_) return;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(kQueueTable); it->Valid() && it->key().starts_with(kQueueTable); it->Next()) {
      queues_.Add(it->key().ToStringView());
    }
    base::ThrowIfError(it->status(), "reading the projection queues");
    if (writing_) IndexQueueKeys(writing_->staged);
    queues_loaded_.store(true, std::memory_order_release);
  }

  void LoadNextSeq() {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kNextSeqKey, &value);
    next_seq_ = s.ok() ? keys::FromBe64(value) : 0;
  }

  static constexpr std::string_view kQueueTable = "q|";

  std::unique_ptr<rocksdb::DB> db_;
  std::string secondary_;
  std::shared_ptr<base::WriteGuard> guard_;
  std::map<std::string, std::optional<std::string>, std::less<>> staged_;
  std::vector<std::pair<std::string, std::string>> unread_;  // Write()
  size_t unread_bytes_ = 0;
  // The commit in the background and the one written before it (freed by
  // the next), moved along by const reads (Scan) too.
  mutable std::unique_ptr<Batch> writing_, written_;
  mutable std::future<void> write_;
  mutable uint64_t next_seq_ = 0;
  mutable std::mutex queues_mu_;
  mutable QueueIndex queues_;
  mutable std::atomic<bool> queues_loaded_ = false;
};

}  // namespace

namespace {

// As the ledger's (ledger/rocks_options.h): a damaged write-ahead log
// record refuses the open instead of dropping the commits after it, and the
// info log survives a failed disk (base/rocks_log.h).
rocksdb::Options Options(const std::string& log_dir, rocksdb::Env* env = nullptr) {
  rocksdb::Options o;
  if (env != nullptr) o.env = env;
  o.IncreaseParallelism(2);
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  o.info_log = base::NewRocksLogger(log_dir + "/LOG");
  return o;
}

std::unique_ptr<rocksdb::DB> OpenDb(const std::string& dir,
                                    const std::shared_ptr<base::WriteGuard>& guard,
                                    rocksdb::Env* env) {
  rocksdb::Options o = Options(dir, env);
  o.create_if_missing = true;
  o.listeners.push_back(guard);
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir, &db);
  if (base::IsLocked(s)) {
    throw Error(ErrorCode::kBusy,
                fmt::format("the projections in {} are open for writing in another process", dir));
  }
  if (s.IsCorruption()) {
    std::optional<base::WalDamage> wal;
    try {
      wal = base::FindWalDamage(dir);
    } catch (const Error&) {
      // RocksDB's message says it
    }
    std::string what = wal ? fmt::format("the write-ahead log {} is damaged at offset {} ({})",
                                         wal->file, wal->offset, wal->problem)
                           : s.ToString();
    throw Error(ErrorCode::kCorruption,
                fmt::format("opening projections {}: {}; nothing was changed. They are derived "
                            "from the ledger: 'jejak projections rebuild' makes them again",
                            dir, what));
  }
  base::ThrowIfError(s, fmt::format("opening projections {}", dir));
  return std::unique_ptr<rocksdb::DB>(db);
}

// Makes an empty store with its marker in dir, which must not exist or be
// empty. It is made in a sibling directory and renamed into place, so that a
// crash never leaves a half-made store, which the next open would refuse.
void CreateStore(const std::string& dir, rocksdb::Env* env) {
  std::string staging = dir + ".creating";
  std::error_code ec;
  fs::remove_all(staging, ec);  // an interrupted creation's
  fs::create_directories(staging, ec);
  {
    auto guard = std::make_shared<base::WriteGuard>("the projections database");
    std::unique_ptr<rocksdb::DB> db = OpenDb(staging, guard, env);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    base::ThrowIfError(db->Put(wo, kFormatKey, kFormat), "writing the format marker");
    base::ThrowIfError(db->Close(), fmt::format("creating projections {}", dir));
  }
  fs::rename(staging, dir, ec);  // replaces an empty directory
  if (ec) {
    throw Error(ErrorCode::kIoError, fmt::format("creating projections {}: {}", dir, ec.message()));
  }
  base::SyncDirectoryOf(dir);
}

}  // namespace

std::unique_ptr<Store> Store::Open(const std::string& dir, rocksdb::Env* env) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT")) {
    if (fs::exists(dir) && !fs::is_empty(dir, ec)) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("{} is not empty and holds no jejak projections", dir));
    }
    CreateStore(dir, env);
  }
  auto guard = std::make_shared<base::WriteGuard>("the projections database");
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir, guard, env);
  std::string format;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (s.ok() && format != kFormat && format.starts_with(kFormatPrefix)) {
    // Another layout version: start over (the lock is held, so no writer
    // uses it), to be rebuilt by catching up from entry 0.
    db->Close();
    db.reset();
    base::ThrowIfError(rocksdb::DestroyDB(dir, rocksdb::Options()),
                       fmt::format("clearing projections {}", dir));
    fs::remove_all(dir, ec);
    CreateStore(dir, env);
    guard = std::make_shared<base::WriteGuard>("the projections database");
    db = OpenDb(dir, guard, env);
    format = kFormat;
    s = rocksdb::Status::OK();
  }
  if (!s.ok() || format != kFormat) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} does not hold jejak projections ({})", dir, kFormat));
  }
  // On every open: it marks a new store, and leaves the memtables not empty,
  // so that a failed write can be resumed from (base/write_guard.h).
  base::ThrowIfError(db->Put(rocksdb::WriteOptions(), kFormatKey, kFormat),
                     "writing the format marker");
  return std::make_unique<RocksStore>(std::move(db), "", std::move(guard));
}

std::unique_ptr<Store> Store::OpenReadOnly(const std::string& dir) {
  if (!fs::exists(fs::path(dir) / "CURRENT")) {
    throw Error(ErrorCode::kNotFound, fmt::format("no jejak projections in {}", dir));
  }
  std::string secondary =
      fmt::format("{}/jejak-proj-secondary-{}-{}", fs::temp_directory_path().string(), getpid(),
                  std::to_string(reinterpret_cast<uintptr_t>(&dir)));
  std::error_code ec;
  fs::create_directories(secondary, ec);
  rocksdb::Options o = Options(secondary);
  o.max_open_files = -1;
  rocksdb::DB* db = nullptr;
  base::ThrowIfError(rocksdb::DB::OpenAsSecondary(o, dir, secondary, &db),
                     fmt::format("opening projections {} for reading", dir));
  auto store = std::make_unique<RocksStore>(std::unique_ptr<rocksdb::DB>(db), secondary);
  std::string format = store->Get(kFormatKey).value_or("");
  if (format != kFormat) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("the projections in {} have another layout ({}; this jejak uses {}): "
                            "run `jejak projections rebuild`",
                            dir, format.empty() ? "none" : format, kFormat));
  }
  return store;
}

}  // namespace jejak::projections
