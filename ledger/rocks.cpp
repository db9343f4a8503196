#include "ledger/rocks.h"

#include <fmt/format.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "events/error.h"
#include "ledger/layout.h"

namespace jejak::ledger {
namespace {

using events::Error;
using events::ErrorCode;
namespace fs = std::filesystem;

const std::vector<std::string>& FamilyNames() {
  static const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                                 layout::kEntries,
                                                 layout::kByRequest,
                                                 layout::kByActor,
                                                 layout::kMerkle,
                                                 layout::kCheckpoints};
  return names;
}

// A ledger made before the Merkle tree lacks the families added with it, and
// one of format v1 has kMerkleV1; a writable open adds the missing ones (and
// migrates or builds the tree, merkle_store.h).
bool IsLedgerFamilySet(const std::vector<std::string>& families) {
  size_t core = 0;
  for (const auto& f : families) {
    if (f == rocksdb::kDefaultColumnFamilyName || f == layout::kEntries ||
        f == layout::kByRequest || f == layout::kByActor) {
      ++core;
    } else if (f != layout::kMerkle && f != layout::kCheckpoints && f != layout::kMerkleV1) {
      return false;
    }
  }
  return core == 4;
}

// An index key's prefix, be32(len) || id: all keys of one id, in seq order.
// Damaged keys (too short to hold a prefix) are their own prefix, since
// RocksDB's hash memtable transforms keys without checking InDomain().
class IndexPrefixTransform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "jejak.IndexPrefix.v1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    size_t n = layout::IndexPrefixSize(key.ToStringView());
    return n == 0 ? key : rocksdb::Slice(key.data(), n);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return layout::IndexPrefixSize(key.ToStringView()) != 0;
  }
};

rocksdb::Options DbOptions() {
  rocksdb::Options o;
  o.IncreaseParallelism(2);
  // The hash memtable of by_request cannot take concurrent inserts.
  o.allow_concurrent_memtable_write = false;
  // Not enable_pipelined_write: it let the group-commit leader's synced
  // batches skip waiting for the indexer's memtable inserts (+10% on the
  // single-appender bench row), but with many appenders it brought 12 ms
  // stalls (engine rows: p99 1 ms -> 12 ms, commands/s halved).
  o.max_background_jobs = 2;
  o.write_buffer_size = 64 << 20;
  o.keep_log_file_num = 3;
  o.max_open_files = 512;
  return o;
}

rocksdb::ColumnFamilyOptions FamilyOptions(const std::string& name) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 64 << 20;
  rocksdb::BlockBasedTableOptions t;
  if (name == layout::kMerkle) {
    // Tiles are hashes: nothing to compress, and a Get is always for a tile
    // that exists, so a filter saves nothing. Proofs read a few tiles each.
    o.compression = rocksdb::kNoCompression;
    t.block_size = 16 << 10;
  } else if (name != layout::kEntries) {
    // Index lookups by request or actor are point-prefix seeks: a bloom
    // filter saves reads for absent ids.
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // Index keys arrive in random id order, and inserting them into one big
  // skip list (a cache miss per level) cost more than the rest of an append
  // together. Each id's keys, though, arrive in seq order.
  if (name == layout::kByRequest) {
    // Many ids with few keys each per memtable: a hash table of short sorted
    // lists, one bucket per request id (a list turns into a skip list past 256
    // keys). Reads are prefix seeks (ReadRequest); a full scan (verify) must
    // set total_order_seek.
    o.prefix_extractor = std::make_shared<IndexPrefixTransform>();
    o.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(
        /*bucket_count=*/1 << 18, /*huge_page_tlb_size=*/0,
        /*bucket_entries_logging_threshold=*/4096, /*if_log_bucket_dist_when_flash=*/false,
        /*threshold_use_skiplist=*/256));
  } else if (name == layout::kByActor) {
    // Fewer ids with many keys each: one skip list, remembering where each
    // id's last key went as the place to insert its next key.
    o.memtable_insert_with_hint_prefix_extractor = std::make_shared<IndexPrefixTransform>();
  }
  return o;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(
    const std::vector<std::string>& names = FamilyNames(), bool scan_only = false) {
  std::vector<rocksdb::ColumnFamilyDescriptor> d;
  for (const auto& n : names) {
    rocksdb::ColumnFamilyOptions o = FamilyOptions(n);
    if (scan_only && n != rocksdb::kDefaultColumnFamilyName) {
      // A total-order scan of by_request's hash memtable copies it into a
      // skip list, key by key: slower than all the verifier's hashing.
      o.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
    }
    d.emplace_back(n, std::move(o));
  }
  return d;
}

bool IsEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

void CheckFormatMarker(RocksLedger& r, const std::string& dir);

// Read-only checks that touch nothing in dir, which holds a CURRENT file. A
// read-only open writes nothing there either (not even a LOG), and finds
// damage that listing the column families misses, such as a garbage MANIFEST.
void CheckIsLedger(const std::string& dir, bool check_marker) {
  auto damaged = [&](const rocksdb::Status& s) {
    // CURRENT exists, so a file RocksDB cannot find is damage too.
    return Error(
        s.IsCorruption() || s.IsPathNotFound() ? ErrorCode::kCorruption : ErrorCode::kIoError,
        fmt::format("{} holds a damaged RocksDB database: {}", dir, s.ToString()));
  };
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(DbOptions(), dir, &families);
  if (!s.ok()) throw damaged(s);
  bool foreign = !IsLedgerFamilySet(families);
  if (!foreign && !check_marker) return;
  RocksLedger probe;
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(
      DbOptions(), dir, {{rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}},
      &probe.handles, &db);
  probe.db.reset(db);
  if (s.IsCorruption()) throw damaged(s);
  if (foreign) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is a RocksDB database but not a jejak ledger "
                            "(column families are {})",
                            dir, fmt::join(families, ", ")));
  }
  // Otherwise the writable open reports the error, or that the ledger is busy.
  if (!s.ok()) return;
  probe.meta = probe.handles[0];
  CheckFormatMarker(probe, dir);
}

void CheckFormatMarker(RocksLedger& r, const std::string& dir) {
  std::string value;
  rocksdb::Status s = r.db->Get(rocksdb::ReadOptions(), r.meta, layout::kFormatKey, &value);
  if (s.IsNotFound()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is not a jejak ledger (no format marker)", dir));
  }
  ThrowIfError(s, "reading the format marker");
  if (value == layout::kFormatValue) {
    r.format = 2;
  } else if (value == layout::kFormatV1) {
    r.format = 1;
  } else {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} holds ledger format \"{}\"; this jejak reads \"{}\" and \"{}\"",
                            dir, value, layout::kFormatValue, layout::kFormatV1));
  }
}

// A secondary cannot migrate: format v1 needs one writable open first.
void RequireCurrentFormat(const RocksLedger& r, const std::string& dir) {
  if (r.format == 2) return;
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("{} holds ledger format \"{}\"; open it for writing once with this "
                          "jejak to upgrade it to \"{}\" ('jejak ledger migrate --data DIR', or "
                          "any command that writes)",
                          dir, layout::kFormatV1, layout::kFormatValue));
}

void AssignHandles(RocksLedger& r) {
  for (auto* h : r.handles) {
    const std::string& n = h->GetName();
    if (n == rocksdb::kDefaultColumnFamilyName) r.meta = h;
    if (n == layout::kEntries) r.entries = h;
    if (n == layout::kByRequest) r.by_request = h;
    if (n == layout::kByActor) r.by_actor = h;
    if (n == layout::kMerkle) r.merkle = h;
    if (n == layout::kMerkleV1) r.merkle_v1 = h;
    if (n == layout::kCheckpoints) r.checkpoints = h;
  }
}

}  // namespace

RocksLedger::~RocksLedger() {
  if (db) {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
    db.reset();
  }
  if (!secondary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_dir, ec);
  }
}

void ThrowIfError(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return;
  std::string message = fmt::format("{}: {}", what, s.ToString());
  if (s.IsCorruption()) throw Error(ErrorCode::kCorruption, message);
  if (s.IsNotFound()) throw Error(ErrorCode::kNotFound, message);
  if (s.IsInvalidArgument()) throw Error(ErrorCode::kInvalidArgument, message);
  throw Error(ErrorCode::kIoError, message);
}

std::unique_ptr<RocksLedger> OpenRocksLedger(const std::string& dir, OpenMode mode) {
  auto r = std::make_unique<RocksLedger>();
  bool exists = fs::exists(fs::path(dir) / "CURRENT");
  if (!exists && mode != OpenMode::kWrite) {
    throw Error(ErrorCode::kNotFound, fmt::format("no jejak ledger in {}", dir));
  }
  bool fresh = !exists && (!fs::exists(dir) || IsEmptyDir(dir));
  if (!exists && !fresh) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is not empty and holds no jejak ledger; refusing to create one "
                            "there",
                            dir));
  }
  rocksdb::DBOptions options(DbOptions());
  rocksdb::Status s;
  if (mode != OpenMode::kWrite) {
    CheckIsLedger(dir, /*check_marker=*/false);  // checked once open
    r->secondary_dir = fmt::format("{}/jejak-secondary-{}-{}", fs::temp_directory_path().string(),
                                   getpid(), reinterpret_cast<uintptr_t>(r.get()));
    options.max_open_files = -1;  // required by secondary instances
    rocksdb::DB* db = nullptr;
    std::vector<std::string> families;
    ThrowIfError(rocksdb::DB::ListColumnFamilies(DbOptions(), dir, &families),
                 fmt::format("opening ledger {} for reading", dir));
    s = rocksdb::DB::OpenAsSecondary(options, dir, r->secondary_dir,
                                     Descriptors(families, mode == OpenMode::kVerify), &r->handles,
                                     &db);
    r->db.reset(db);
    ThrowIfError(s, fmt::format("opening ledger {} for reading", dir));
    AssignHandles(*r);
    CheckFormatMarker(*r, dir);
    RequireCurrentFormat(*r, dir);
    return r;
  }
  if (exists) {
    CheckIsLedger(dir, /*check_marker=*/true);
    options.create_missing_column_families = true;  // those added with the Merkle tree
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      throw Error(ErrorCode::kIoError, fmt::format("cannot create {}: {}", dir, ec.message()));
    }
    options.create_if_missing = true;
    options.create_missing_column_families = true;
  }
  std::vector<std::string> names = FamilyNames();
  if (exists) {
    // A family of format v1 must be opened too, to migrate and drop it.
    std::vector<std::string> families;
    ThrowIfError(rocksdb::DB::ListColumnFamilies(DbOptions(), dir, &families),
                 fmt::format("opening ledger {}", dir));
    for (const auto& f : families) {
      if (std::find(names.begin(), names.end(), f) == names.end()) names.push_back(f);
    }
  }
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::Open(options, dir, Descriptors(names), &r->handles, &db);
  r->db.reset(db);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    throw Error(ErrorCode::kBusy,
                fmt::format("the ledger in {} is open for writing in another process; stop it "
                            "first (read-only commands such as 'jejak ledger verify' work beside "
                            "it)",
                            dir));
  }
  ThrowIfError(s, fmt::format("opening ledger {}", dir));
  AssignHandles(*r);
  if (!exists) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    ThrowIfError(r->db->Put(wo, r->meta, layout::kFormatKey, layout::kFormatValue),
                 "writing the format marker");
  }
  CheckFormatMarker(*r, dir);
  return r;
}

}  // namespace jejak::ledger
