#include "privacy/key_store.h"

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "base/error.h"
#include "base/hex.h"
#include "base/hmac.h"
#include "base/random.h"
#include "base/rocks_log.h"
#include "base/rocks_status.h"
#include "base/write_guard.h"
#include "privacy/aes_gcm.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;
namespace fs = std::filesystem;

constexpr std::string_view kFormatKey = "jejak.keys.format";
constexpr std::string_view kFormat = "1";
constexpr std::string_view kPseudonymKey = "jejak.keys.pseudonym_key";
constexpr std::string_view kPurgePending = "jejak.keys.purge_pending";
constexpr std::string_view kSubjectPrefix = "subj-";
constexpr size_t kLookupSize = 32;

std::string LookupKey(std::string_view lookup) { return "s/" + std::string(lookup); }
std::string DataKeyKey(std::string_view subject) { return "k/" + std::string(subject); }
std::string DataKeyLabel(std::string_view subject) { return "data_key/" + std::string(subject); }

class NullLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

// Whether the file at path contains any of needles.
bool FileHolds(const fs::path& path, const std::vector<std::string>& needles, uint64_t* bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  *bytes += content.size();
  for (const auto& n : needles) {
    if (!n.empty() && content.find(n) != std::string::npos) return true;
  }
  return false;
}

class KeyStoreImpl final : public KeyStore {
 public:
  KeyStoreImpl(std::string dir, std::shared_ptr<const KeyEncryptionKey> kek)
      : dir_(std::move(dir)),
        kek_(std::move(kek)),
        guard_(std::make_shared<base::WriteGuard>("the key store")) {}
  ~KeyStoreImpl() override = default;

  void Open(const Options& options) {
    rocksdb::Options o;
    o.env = options.env != nullptr ? options.env : rocksdb::Env::Default();
    // Random keys do not compress, and uncompressed files are what the purge
    // searches.
    o.compression = rocksdb::kNoCompression;
    o.bottommost_compression = rocksdb::kNoCompression;
    o.WAL_ttl_seconds = 0;
    o.WAL_size_limit_MB = 0;
    o.recycle_log_file_num = 0;  // a recycled log would keep old records
    // Most lookups are of new applicants, so misses: bloom filters answer
    // them without searching the memtable or reading a table's blocks.
    o.memtable_whole_key_filtering = true;
    o.memtable_prefix_bloom_size_ratio = 0.05;
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    rocksdb::DB* db = nullptr;
    if (options.read_only) {
      if (!fs::exists(dir_ + "/CURRENT")) {
        throw Error(ErrorCode::kNotFound, fmt::format("no key store in {}", dir_));
      }
      o.info_log = std::make_shared<NullLogger>();
      base::ThrowIfError(rocksdb::DB::OpenForReadOnly(o, dir_, &db),
                         fmt::format("opening key store {}", dir_));
    } else {
      o.create_if_missing = true;
      o.info_log = base::NewRocksLogger(dir_ + "/LOG");
      o.listeners.push_back(guard_);
      base::ThrowIfError(rocksdb::DB::Open(o, dir_, &db),
                         fmt::format("opening key store {}", dir_));
    }
    db_.reset(db);
    read_only_ = options.read_only;
    std::string wrapped, pseudonym_key;
    if (Get(kPseudonymKey, &wrapped)) {
      pseudonym_key = kek_->Unwrap(wrapped, "pseudonym_key");
    } else if (read_only_) {
      throw Error(ErrorCode::kCorruption, fmt::format("key store {} has no pseudonym key", dir_));
    } else {
      pseudonym_key = base::RandomBytes(kKeySize);
      rocksdb::WriteBatch b;
      b.Put(kFormatKey, kFormat);
      b.Put(kPseudonymKey, kek_->Wrap(pseudonym_key, "pseudonym_key"));
      Write(b);
    }
    pseudonym_ = std::make_unique<base::HmacSha256>(pseudonym_key);
    std::string format;
    if (!Get(kFormatKey, &format) || format != kFormat) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("key store {} has format \"{}\"; this jejak reads format {}", dir_,
                              format, kFormat));
    }
  }

  std::optional<std::string> Find(std::string_view external_id) const override {
    return FindByLookup(Lookup(external_id));
  }

  std::optional<std::string> FindByLookup(std::string_view lookup) const override {
    std::string subject;
    if (!Get(LookupKey(lookup), &subject)) return std::nullopt;
    return subject;
  }

  void Store(const std::vector<NewSubject>& subjects) override {
    rocksdb::WriteBatch b;
    for (const auto& s : subjects) {
      b.Put(LookupKey(s.lookup), s.id);
      b.Put(DataKeyKey(s.id), s.lookup + kek_->Wrap(s.data_key, DataKeyLabel(s.id)));
    }
    Write(b);
  }

  std::optional<std::string> DataKey(std::string_view subject) const override {
    std::string value;
    if (!Get(DataKeyKey(subject), &value)) return std::nullopt;
    if (value.size() <= kLookupSize) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("the key store's key of {} is damaged", subject));
    }
    return kek_->Unwrap(std::string_view(value).substr(kLookupSize), DataKeyLabel(subject));
  }

  bool Erase(std::string_view subject) override {
    std::string value;
    if (!Get(DataKeyKey(subject), &value)) return false;
    std::string lookup = value.substr(0, kLookupSize);
    rocksdb::WriteBatch b;
    b.Delete(DataKeyKey(subject));
    std::string named;
    if (Get(LookupKey(lookup), &named) && named == subject) b.Delete(LookupKey(lookup));
    b.Put(kPurgePending, "1");
    Write(b);
    std::lock_guard lock(mu_);
    erased_values_.push_back(value.substr(kLookupSize));
    erased_keys_.push_back(LookupKey(lookup));
    return true;
  }

  bool PurgePending() const override {
    std::string v;
    return Get(kPurgePending, &v);
  }

  PurgeResult Purge(const std::vector<std::string>& erased) override {
    CheckWritable();
    base::ThrowIfError(db_->Flush(rocksdb::FlushOptions()), "flushing the key store");
    rocksdb::CompactRangeOptions c;
    c.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    base::ThrowIfError(db_->CompactRange(c, nullptr, nullptr), "compacting the key store");
    // Keys may stay in the MANIFEST (as table files' bounds), so they are
    // looked for in table files and logs; the wrapped keys everywhere.
    std::vector<std::string> keys, values;
    {
      std::lock_guard lock(mu_);
      keys = erased_keys_;
      values = erased_values_;
    }
    for (const auto& s : erased) keys.push_back(DataKeyKey(s));
    PurgeResult result;
    for (int attempt = 0;; ++attempt) {
      result = {};
      std::string holder;
      for (const auto& entry : fs::directory_iterator(dir_)) {
        if (!entry.is_regular_file()) continue;
        std::string ext = entry.path().extension().string();
        ++result.files_checked;
        bool table_or_log = ext == ".sst" || ext == ".log";
        if (FileHolds(entry.path(), values, &result.bytes_checked) ||
            (table_or_log && FileHolds(entry.path(), keys, &result.bytes_checked))) {
          holder = entry.path().filename().string();
        }
      }
      if (holder.empty()) break;
      // Obsolete files go in the background after a flush or compaction.
      if (attempt == 50) {
        throw Error(ErrorCode::kIoError,
                    fmt::format("an erased key is still in the key store's file {} after the "
                                "purge; it will be tried again",
                                holder));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    rocksdb::WriteBatch b;
    b.Delete(kPurgePending);
    Write(b);
    std::lock_guard lock(mu_);
    erased_keys_.clear();
    erased_values_.clear();
    return result;
  }

  std::string Lookup(std::string_view external_id) const override {
    return pseudonym_->MacString(external_id);
  }

 private:
  bool Get(std::string_view key, std::string* value) const {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, value);
    if (s.IsNotFound()) return false;
    base::ThrowIfError(s, fmt::format("reading the key store {}", dir_));
    return true;
  }

  void CheckWritable() {
    if (read_only_) throw Error(ErrorCode::kInvalidArgument, "the key store is open read-only");
    if (guard_->state() != base::WriteGuard::State::kOk &&
        guard_->Resume(*db_) != base::WriteGuard::State::kOk) {
      throw Error(ErrorCode::kIoError, guard_->problem());
    }
  }

  void Write(rocksdb::WriteBatch& b) {
    std::lock_guard lock(write_mu_);
    CheckWritable();
    rocksdb::WriteOptions w;
    w.sync = true;
    rocksdb::Status s = db_->Write(w, &b);
    if (!s.ok()) {
      guard_->Failed(*db_, s);
      base::ThrowIfError(s, fmt::format("writing the key store {}", dir_));
    }
  }

  const std::string dir_;
  std::shared_ptr<const KeyEncryptionKey> kek_;
  std::shared_ptr<base::WriteGuard> guard_;
  std::unique_ptr<rocksdb::DB> db_;
  bool read_only_ = false;
  std::unique_ptr<base::HmacSha256> pseudonym_;  // keyed with the pseudonym key
  std::mutex write_mu_;                          // a Resume() never runs beside a write
  mutable std::mutex mu_;
  std::vector<std::string> erased_keys_, erased_values_;  // since the last purge
};

}  // namespace

bool KeyStore::IsSubjectId(std::string_view id) {
  if (id.size() != kSubjectPrefix.size() + 32 ||
      id.substr(0, kSubjectPrefix.size()) != kSubjectPrefix)
    return false;
  for (char c : id.substr(kSubjectPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

NewSubject KeyStore::MakeSubjectByLookup(std::string lookup) {
  NewSubject s;
  s.id = std::string(kSubjectPrefix) + base::ToHex(base::RandomBytes(16));
  s.data_key = base::RandomBytes(kKeySize);
  s.lookup = std::move(lookup);
  return s;
}

std::unique_ptr<KeyStore> KeyStore::Open(const std::string& dir,
                                         std::shared_ptr<const KeyEncryptionKey> kek,
                                         const Options& options) {
  if (!kek) throw Error(ErrorCode::kInvalidArgument, "the key store needs a key-encryption key");
  auto store = std::make_unique<KeyStoreImpl>(dir, std::move(kek));
  store->Open(options);
  return store;
}

}  // namespace jejak::privacy
