#include "ledger/rocks.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "base/error.h"
#include "base/rocks_log.h"
#include "base/rocks_status.h"
#include "base/wal_reader.h"
#include "ledger/layout.h"
#include "ledger/rocks_options.h"
#include "ledger/table_files.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using base::FindWalDamage;
using base::NewRocksLogger;
using base::WalDamage;
namespace fs = std::filesystem;

const std::vector<std::string>& FamilyNames() {
  static const std::vector<std::string> names = {
      rocksdb::kDefaultColumnFamilyName, layout::kEntries, layout::kMerkle, layout::kCheckpoints};
  return names;
}

const std::vector<std::string>& IndexFamilyNames() {
  static const std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                                 layout::kByRequest, layout::kByActor};
  return names;
}

bool IsLegacyIndex(const std::string& family) {
  return family == layout::kByRequest || family == layout::kByActor;
}

// A ledger made before the Merkle tree lacks the families added with it, one
// of format v1 has kMerkleV1, and formats v1 and v2 have the two indexes; a
// writable open adds the missing ones and drops the old ones (migrating or
// building the tree, merkle_store.h).
bool IsLedgerFamilySet(const std::vector<std::string>& families) {
  size_t core = 0;
  for (const auto& f : families) {
    if (f == rocksdb::kDefaultColumnFamilyName || f == layout::kEntries) {
      ++core;
    } else if (f != layout::kMerkle && f != layout::kCheckpoints && f != layout::kMerkleV1 &&
               !IsLegacyIndex(f)) {
      return false;
    }
  }
  return core == 2;
}

bool IsEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

void CheckFormatMarker(RocksLedger& r, const std::string& dir);

// What a damaged write-ahead log in dir means, or "" if none is found.
// derived: the index database, which a writable open rebuilds.
std::string WalDamageText(const std::string& dir, bool derived = false) {
  std::optional<WalDamage> damage;
  try {
    damage = FindWalDamage(dir);
  } catch (const Error&) {
    return "";  // unreadable: RocksDB's own message says so
  }
  if (!damage) return "";
  return fmt::format(
      "the write-ahead log {} is damaged at offset {} ({}). Nothing was changed or removed{}",
      damage->file, damage->offset, damage->problem,
      derived ? ""
              : ". Keep every file: entries written after that point may have been "
                "acknowledged. 'jejak ledger salvage --data DATA --out NEWDATA' copies every "
                "entry that verifies into a new data directory and lists those it cannot save "
                "(docs/FORMAT.md, \"Durability and recovery\")");
}

// Throws Error(kCorruption) if a table file of the database in db_dir is
// missing or short (table_files.h); what names the open, derived as above.
void CheckTableFiles(const std::string& db_dir, const std::string& what, bool derived = false) {
  std::string damage = TableFileDamage(db_dir);
  if (damage.empty()) return;
  throw Error(ErrorCode::kCorruption,
              fmt::format("{}: {}. Nothing was changed or removed{}", what, damage,
                          derived ? ""
                                  : ". Restore the file from a backup, or copy out every entry "
                                    "that verifies with 'jejak ledger salvage --data DATA --out "
                                    "NEWDATA' (docs/FORMAT.md, \"Durability and recovery\")"));
}

// Read-only checks that touch nothing in dir, which holds a CURRENT file. A
// read-only open writes nothing there either (not even a LOG), and finds
// damage that listing the column families misses, such as a garbage MANIFEST
// or a damaged write-ahead log.
void CheckIsLedger(const std::string& dir, bool check_marker, rocksdb::Env* env) {
  auto damaged = [&](const rocksdb::Status& s) {
    // CURRENT exists, so a file RocksDB cannot find is damage too.
    bool corrupt = s.IsCorruption() || s.IsPathNotFound();
    std::string what = fmt::format("opening ledger {}", dir);
    if (corrupt) {
      std::string wal = WalDamageText(dir);
      if (!wal.empty()) throw Error(ErrorCode::kCorruption, fmt::format("{}: {}", what, wal));
      CheckTableFiles(dir, what);
    }
    return Error(corrupt ? ErrorCode::kCorruption : ErrorCode::kIoError,
                 fmt::format("{} holds a damaged RocksDB database: {}", dir, s.ToString()));
  };
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(DbOptions(env), dir, &families);
  if (!s.ok()) throw damaged(s);
  bool foreign = !IsLedgerFamilySet(families);
  if (!foreign && !check_marker) return;
  RocksLedger probe;
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::OpenForReadOnly(
      DbOptions(env), dir, {{rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}},
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
  base::ThrowIfError(s, "reading the format marker");
  if (value == layout::kFormatValue) {
    r.format = layout::kFormatVersion;
  } else if (value == layout::kFormatV4) {
    r.format = 4;
  } else if (value == layout::kFormatV3) {
    r.format = 3;
  } else if (value == layout::kFormatV2) {
    r.format = 2;
  } else if (value == layout::kFormatV1) {
    r.format = 1;
  } else {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} holds ledger format \"{}\"; this jejak reads \"{}\" to \"{}\"", dir,
                            value, layout::kFormatV1, layout::kFormatValue));
  }
}

// A secondary cannot migrate: an older format needs one writable open first.
void RequireCurrentFormat(const RocksLedger& r, const std::string& dir) {
  if (r.format == layout::kFormatVersion) return;
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("{} holds ledger format \"{}\"; open it for writing once with this "
                          "jejak to upgrade it to \"{}\" ('jejak ledger migrate --data DIR', or "
                          "any command that writes)",
                          dir, layout::FormatMarker(r.format), layout::kFormatValue));
}

// The main database's handles; the old index families are left out.
void AssignHandles(RocksLedger& r) {
  for (auto* h : r.handles) {
    const std::string& n = h->GetName();
    if (n == rocksdb::kDefaultColumnFamilyName) r.meta = h;
    if (n == layout::kEntries) r.entries = h;
    if (n == layout::kMerkle) r.merkle = h;
    if (n == layout::kMerkleV1) r.merkle_v1 = h;
    if (n == layout::kCheckpoints) r.checkpoints = h;
  }
}

std::string IndexDir(const std::string& dir) {
  return (fs::path(dir) / layout::kIndexDir).string();
}

// Opens the index database of the ledger in dir: a writer creates it if it is
// missing, a secondary needs it.
void OpenIndex(RocksLedger& r, const std::string& dir, OpenMode mode) {
  std::string index_dir = IndexDir(dir);
  rocksdb::DBOptions options(DbOptions(r.env));
  rocksdb::DB* db = nullptr;
  rocksdb::Status s;
  if (mode == OpenMode::kWrite) {
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::error_code ec;
    fs::create_directories(index_dir, ec);  // for the LOG; RocksDB reports failures
    options.info_log = NewRocksLogger(index_dir + "/LOG");
    options.listeners.push_back(r.index_guard);
    s = rocksdb::DB::Open(options, index_dir, Descriptors(IndexFamilyNames()), &r.index_handles,
                          &db);
  } else {
    if (!fs::exists(fs::path(index_dir) / "CURRENT")) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("the ledger's index database {} is missing; opening the ledger for "
                              "writing rebuilds it",
                              index_dir));
    }
    options.max_open_files = -1;
    std::string secondary = r.secondary_dir + "/" + layout::kIndexDir;
    std::error_code ec;
    fs::create_directories(secondary, ec);
    options.info_log = NewRocksLogger(secondary + "/LOG");
    s = rocksdb::DB::OpenAsSecondary(options, index_dir, secondary,
                                     Descriptors(IndexFamilyNames(), mode == OpenMode::kVerify),
                                     &r.index_handles, &db);
  }
  r.index_db.reset(db);
  ThrowIfOpenError(s,
                   fmt::format("opening the ledger's index database {} (derived data: removing "
                               "it makes the next writable open rebuild it)",
                               index_dir),
                   index_dir, /*derived=*/true);
  if (mode != OpenMode::kWrite) {
    CheckTableFiles(index_dir,
                    fmt::format("opening the ledger's index database {} (derived data: removing "
                                "it makes the next writable open rebuild it)",
                                index_dir),
                    /*derived=*/true);
  }
  r.index_meta = r.index_handles[0];
  r.by_request = r.index_handles[1];
  r.by_actor = r.index_handles[2];
}

}  // namespace

RocksLedger::~RocksLedger() {
  // Best effort: everything is in the write-ahead log already.
  if (flush_on_close && index_db) index_db->Flush(rocksdb::FlushOptions(), index_handles);
  if (flush_on_close && db) db->Flush(rocksdb::FlushOptions(), handles);
  if (index_db) {
    for (auto* h : index_handles) index_db->DestroyColumnFamilyHandle(h);
    index_db->Close();
    index_db.reset();
  }
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

void ThrowIfOpenError(const rocksdb::Status& s, const std::string& what, const std::string& db_dir,
                      bool derived) {
  if (s.IsCorruption()) {
    std::string wal = WalDamageText(db_dir, derived);
    if (!wal.empty()) throw Error(ErrorCode::kCorruption, fmt::format("{}: {}", what, wal));
    CheckTableFiles(db_dir, what, derived);
  }
  base::ThrowIfError(s, what);
}

std::unique_ptr<RocksLedger> OpenRocksLedger(const std::string& dir, OpenMode mode,
                                             rocksdb::Env* env) {
  auto r = std::make_unique<RocksLedger>();
  r->env = env;
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
  rocksdb::DBOptions options(DbOptions(env));
  rocksdb::Status s;
  if (mode != OpenMode::kWrite) {
    CheckIsLedger(dir, /*check_marker=*/false, env);  // checked once open
    r->secondary_dir = fmt::format("{}/jejak-secondary-{}-{}", fs::temp_directory_path().string(),
                                   getpid(), reinterpret_cast<uintptr_t>(r.get()));
    options.max_open_files = -1;  // required by secondary instances
    std::error_code ec;
    fs::create_directories(r->secondary_dir, ec);
    options.info_log = NewRocksLogger(r->secondary_dir + "/LOG");
    rocksdb::DB* db = nullptr;
    std::vector<std::string> families;
    base::ThrowIfError(rocksdb::DB::ListColumnFamilies(DbOptions(env), dir, &families),
                       fmt::format("opening ledger {} for reading", dir));
    s = rocksdb::DB::OpenAsSecondary(options, dir, r->secondary_dir,
                                     Descriptors(families, mode == OpenMode::kVerify), &r->handles,
                                     &db);
    r->db.reset(db);
    ThrowIfOpenError(s, fmt::format("opening ledger {} for reading", dir), dir);
    // A secondary opens without a missing table file, as if its keys had
    // never been written (table_files.h).
    CheckTableFiles(dir, fmt::format("opening ledger {} for reading", dir));
    AssignHandles(*r);
    CheckFormatMarker(*r, dir);
    RequireCurrentFormat(*r, dir);
    OpenIndex(*r, dir, mode);
    return r;
  }
  if (exists) {
    CheckIsLedger(dir, /*check_marker=*/true, env);
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
  options.info_log = NewRocksLogger(dir + "/LOG");
  options.listeners.push_back(r->guard);
  std::vector<std::string> names = FamilyNames();
  if (exists) {
    // A family of format v1 must be opened too, to migrate and drop it.
    std::vector<std::string> families;
    base::ThrowIfError(rocksdb::DB::ListColumnFamilies(DbOptions(env), dir, &families),
                       fmt::format("opening ledger {}", dir));
    for (const auto& f : families) {
      if (std::find(names.begin(), names.end(), f) == names.end()) names.push_back(f);
    }
  }
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::Open(options, dir, Descriptors(names), &r->handles, &db);
  r->db.reset(db);
  if (base::IsLocked(s)) {
    throw Error(ErrorCode::kBusy,
                fmt::format("the ledger in {} is open for writing in another process; stop it "
                            "first (read-only commands such as 'jejak ledger verify' work beside "
                            "it)",
                            dir));
  }
  ThrowIfOpenError(s, fmt::format("opening ledger {}", dir), dir);
  AssignHandles(*r);
  if (!exists) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    base::ThrowIfError(r->db->Put(wo, r->meta, layout::kFormatKey, layout::kFormatValue),
                       "writing the format marker");
  }
  CheckFormatMarker(*r, dir);
  r->dir = dir;
  return r;
}

void OpenIndexForWriting(RocksLedger& r) {
  if (r.format < 3) {
    // Not expected, but a stale index database must not survive the rebuild.
    std::error_code ec;
    fs::remove_all(IndexDir(r.dir), ec);
    if (ec) {
      throw Error(ErrorCode::kIoError,
                  fmt::format("cannot remove {}: {}", IndexDir(r.dir), ec.message()));
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (r.format == 2) {
    base::ThrowIfError(r.db->Put(wo, r.meta, layout::kFormatKey, layout::kFormatV3),
                       "writing the format marker");
    r.format = 3;
  }
  bool dropped = false;
  for (auto it = r.handles.begin(); it != r.handles.end();) {
    if (!IsLegacyIndex((*it)->GetName())) {
      ++it;
      continue;
    }
    base::ThrowIfError(r.db->DropColumnFamily(*it),
                       fmt::format("dropping the old index {}", (*it)->GetName()));
    r.db->DestroyColumnFamilyHandle(*it);
    it = r.handles.erase(it);
    dropped = true;
  }
  if (dropped) {
    base::ThrowIfError(r.db->Delete(wo, r.meta, layout::kIndexedKey),
                       "dropping the old index mark");
  }
  OpenIndex(r, r.dir, OpenMode::kWrite);
}

}  // namespace jejak::ledger
