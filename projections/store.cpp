#include "projections/store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <vector>

#include "events/error.h"
#include "projections/keys.h"

namespace jejak::projections {
namespace {

using events::Error;
using events::ErrorCode;
namespace fs = std::filesystem;

constexpr char kNextSeqKey[] = "meta|next_seq";
constexpr char kFormatKey[] = "meta|format";
// The layout version: bumped whenever what the projector stores changes.
// Open() rebuilds a store of another version from scratch (it is derived
// data: the caller's catch-up replays the stream from entry 0).
constexpr char kFormatPrefix[] = "jejak-projections-v";
constexpr char kFormat[] = "jejak-projections-v2";

void Check(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return;
  std::string message = fmt::format("{}: {}", what, s.ToString());
  if (s.IsCorruption()) throw Error(ErrorCode::kCorruption, message);
  throw Error(ErrorCode::kIoError, message);
}

// Staged changes live in an ordered map (nullopt = deleted) until Commit, so
// a key changed many times in a batch is written once, with its last value.
class RocksStore final : public Store {
 public:
  RocksStore(std::unique_ptr<rocksdb::DB> db, std::string secondary)
      : db_(std::move(db)), secondary_(std::move(secondary)) {
    LoadNextSeq();
  }

  ~RocksStore() override {
    db_->Close();
    db_.reset();
    if (!secondary_.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_, ec);
    }
  }

  std::optional<std::string> Get(std::string_view key) const override {
    auto it = staged_.find(key);
    if (it != staged_.end()) return it->second;
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::nullopt;
    Check(s, "reading projections");
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
  void Scan(std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& fn,
            std::string_view from) const override {
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
    Check(it->status(), "scanning projections");
  }

  uint64_t next_seq() const override { return next_seq_; }

  // Writes in key order: RocksDB inserts sorted keys into its memtable
  // several times faster than random ones. The batch is sized up front: a
  // rebuild's commits hold megabytes.
  void Commit(uint64_t next_seq) override {
    std::sort(unread_.begin(), unread_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t bytes = unread_bytes_ + 16 * (unread_.size() + staged_.size()) + 64;
    for (const auto& [key, value] : staged_) bytes += key.size() + (value ? value->size() : 0);
    rocksdb::WriteBatch batch(bytes);
    auto u = unread_.begin();
    auto put_unread_before = [&](const std::string* key) {
      for (; u != unread_.end() && (key == nullptr || u->first < *key); ++u) {
        batch.Put(u->first, u->second);
      }
    };
    for (const auto& [key, value] : staged_) {
      put_unread_before(&key);
      if (value) {
        batch.Put(key, *value);
      } else {
        batch.Delete(key);
      }
    }
    put_unread_before(nullptr);
    batch.Put(kNextSeqKey, keys::Be64(next_seq));
    rocksdb::WriteOptions wo;  // WAL on; the view can be rebuilt, so no fsync
    rocksdb::Status s = db_->Write(wo, &batch);
    Discard();
    Check(s, "writing projections");
    next_seq_ = next_seq;
  }

  void Discard() override {
    staged_.clear();
    unread_.clear();
    unread_bytes_ = 0;
  }

  void Refresh() override {
    if (secondary_.empty()) return;
    Check(db_->TryCatchUpWithPrimary(), "catching up with the projection writer");
    LoadNextSeq();
  }

 private:
  void LoadNextSeq() {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kNextSeqKey, &value);
    next_seq_ = s.ok() ? keys::FromBe64(value) : 0;
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::string secondary_;
  std::map<std::string, std::optional<std::string>, std::less<>> staged_;
  std::vector<std::pair<std::string, std::string>> unread_;  // Write()
  size_t unread_bytes_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace

namespace {

std::unique_ptr<rocksdb::DB> OpenDb(const std::string& dir) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir, &db);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    throw Error(ErrorCode::kBusy,
                fmt::format("the projections in {} are open for writing in another process", dir));
  }
  Check(s, fmt::format("opening projections {}", dir));
  return std::unique_ptr<rocksdb::DB>(db);
}

}  // namespace

std::unique_ptr<Store> Store::Open(const std::string& dir) {
  std::error_code ec;
  bool exists = fs::exists(fs::path(dir) / "CURRENT");
  if (!exists && fs::exists(dir) && !fs::is_empty(dir, ec)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is not empty and holds no jejak projections", dir));
  }
  fs::create_directories(dir, ec);
  std::unique_ptr<rocksdb::DB> db = OpenDb(dir);
  std::string format;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (s.ok() && format != kFormat && format.starts_with(kFormatPrefix)) {
    // Another layout version: start over (the lock is held, so no writer
    // uses it), to be rebuilt by catching up from entry 0.
    db->Close();
    db.reset();
    Check(rocksdb::DestroyDB(dir, rocksdb::Options()), fmt::format("clearing projections {}", dir));
    db = OpenDb(dir);
    exists = false;
    s = rocksdb::Status::NotFound();
  }
  if (s.IsNotFound() && !exists) {
    Check(db->Put(rocksdb::WriteOptions(), kFormatKey, kFormat), "writing the format marker");
  } else if (!s.ok() || format != kFormat) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} does not hold jejak projections ({})", dir, kFormat));
  }
  return std::make_unique<RocksStore>(std::move(db), "");
}

std::unique_ptr<Store> Store::OpenReadOnly(const std::string& dir) {
  if (!fs::exists(fs::path(dir) / "CURRENT")) {
    throw Error(ErrorCode::kNotFound, fmt::format("no jejak projections in {}", dir));
  }
  std::string secondary =
      fmt::format("{}/jejak-proj-secondary-{}-{}", fs::temp_directory_path().string(), getpid(),
                  std::to_string(reinterpret_cast<uintptr_t>(&dir)));
  rocksdb::Options o;
  o.max_open_files = -1;
  rocksdb::DB* db = nullptr;
  Check(rocksdb::DB::OpenAsSecondary(o, dir, secondary, &db),
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
