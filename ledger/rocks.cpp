#include "ledger/rocks.h"

#include <fmt/format.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/filter_policy.h>
#include <unistd.h>

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
                                                 layout::kEntries, layout::kByRequest,
                                                 layout::kByActor};
  return names;
}

rocksdb::Options DbOptions() {
  rocksdb::Options o;
  o.IncreaseParallelism(2);
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
  if (name != layout::kEntries) {
    // Index lookups by request or actor are point-prefix seeks: a bloom
    // filter saves reads for absent ids.
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors() {
  std::vector<rocksdb::ColumnFamilyDescriptor> d;
  for (const auto& n : FamilyNames()) d.emplace_back(n, FamilyOptions(n));
  return d;
}

bool IsEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

// Read-only checks that touch nothing in dir.
void CheckIsLedger(const std::string& dir) {
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(DbOptions(), dir, &families);
  if (!s.ok()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is not a jejak ledger (not a readable RocksDB: {})", dir,
                            s.ToString()));
  }
  std::sort(families.begin(), families.end());
  std::vector<std::string> want = FamilyNames();
  std::sort(want.begin(), want.end());
  if (families != want) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is a RocksDB database but not a jejak ledger "
                            "(column families are {})",
                            dir, fmt::join(families, ", ")));
  }
}

void CheckFormatMarker(RocksLedger& r, const std::string& dir) {
  std::string value;
  rocksdb::Status s = r.db->Get(rocksdb::ReadOptions(), r.meta, layout::kFormatKey, &value);
  if (s.IsNotFound()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} is not a jejak ledger (no format marker)", dir));
  }
  ThrowIfError(s, "reading the format marker");
  if (value != layout::kFormatValue) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} holds ledger format \"{}\"; this jejak reads \"{}\"", dir, value,
                            layout::kFormatValue));
  }
}

void AssignHandles(RocksLedger& r) {
  r.meta = r.handles[0];
  r.entries = r.handles[1];
  r.by_request = r.handles[2];
  r.by_actor = r.handles[3];
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
  if (!exists && mode == OpenMode::kSecondary) {
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
  if (mode == OpenMode::kSecondary) {
    CheckIsLedger(dir);
    r->secondary_dir = fmt::format("{}/jejak-secondary-{}-{}",
                                   fs::temp_directory_path().string(), getpid(),
                                   reinterpret_cast<uintptr_t>(r.get()));
    options.max_open_files = -1;  // required by secondary instances
    rocksdb::DB* db = nullptr;
    s = rocksdb::DB::OpenAsSecondary(options, dir, r->secondary_dir, Descriptors(), &r->handles,
                                     &db);
    r->db.reset(db);
    ThrowIfError(s, fmt::format("opening ledger {} for reading", dir));
    AssignHandles(*r);
    CheckFormatMarker(*r, dir);
    return r;
  }
  if (exists) {
    CheckIsLedger(dir);
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      throw Error(ErrorCode::kIoError, fmt::format("cannot create {}: {}", dir, ec.message()));
    }
    options.create_if_missing = true;
    options.create_missing_column_families = true;
  }
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::Open(options, dir, Descriptors(), &r->handles, &db);
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
