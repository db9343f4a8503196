// Internal: opening the ledger's RocksDB with its column families, and
// the errors of opening it. Used by ledger.cpp and verify.cpp.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "base/write_guard.h"

namespace jejak::ledger {

// kVerify is a secondary that only scans each family once (verify.cpp): the
// writer's unflushed keys it replays go into memtables that sort once, at the
// scan, instead of on every insert.
enum class OpenMode { kWrite, kSecondary, kVerify };

struct RocksLedger {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* meta = nullptr;  // "default"
  rocksdb::ColumnFamilyHandle* entries = nullptr;
  // The index database (DIR/index, layout.h): the mark in index_meta and the
  // two indexes. Null in a RocksLedger opened only to read the main database.
  std::unique_ptr<rocksdb::DB> index_db;
  rocksdb::ColumnFamilyHandle* index_meta = nullptr;  // its "default"
  rocksdb::ColumnFamilyHandle* by_request = nullptr;
  rocksdb::ColumnFamilyHandle* by_actor = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> index_handles;
  // Null only in a read-only open of a ledger made before the Merkle tree.
  rocksdb::ColumnFamilyHandle* merkle = nullptr;
  // Format v1's Merkle nodes, while a writer migrates them (merkle_store.h).
  rocksdb::ColumnFamilyHandle* merkle_v1 = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::string dir;
  rocksdb::Env* env = nullptr;  // OpenOptions::env; null: the default
  // A writer's: what stops each database from writing (base/write_guard.h).
  std::shared_ptr<base::WriteGuard> guard = std::make_shared<base::WriteGuard>("the ledger");
  std::shared_ptr<base::WriteGuard> index_guard =
      std::make_shared<base::WriteGuard>("the ledger's index database");
  std::string secondary_dir;  // removed on close, with its index/ subdirectory
  int format = 3;             // the format marker's version (layout.h)
  // A writer flushes its memtables on close, so that the next open (a
  // verifier's, say) need not replay the write-ahead log.
  bool flush_on_close = false;

  ~RocksLedger();
};

// Opens (kWrite: creating if absent or empty) the ledger in dir, and for
// readers its index database (a writer opens it later). Before it writes anything it checks,
// read-only, that dir is a jejak ledger. A writer accepts formats v1 and v2: it moves the indexes
// out (dropping the old families; the indexer rebuilds them, indexer.h) and the caller migrates the
// Merkle tree of v1. A secondary refuses both.
// Damage (a damaged write-ahead log, a table file missing or shorter than
// RocksDB recorded: base/wal_reader.h, table_files.h) throws Error(kCorruption)
// naming the file, having changed and removed nothing.
std::unique_ptr<RocksLedger> OpenRocksLedger(const std::string& dir, OpenMode mode,
                                             rocksdb::Env* env = nullptr);

// Writer only, after the Merkle tree is migrated: opens the index database,
// creating it if it is missing. Formats v1 and v2 kept the indexes in the main
// database; they are derived data, so this drops them there (format v2 becomes
// v3, as v1 did with its tree, merkle_store.h) and the indexer rebuilds them
// (indexer.h). Each step is safe to redo after a crash: old families go
// whenever they are there.
void OpenIndexForWriting(RocksLedger& r);

// base::ThrowIfError (base/rocks_status.h) for opening the database in
// db_dir: a corruption names the damaged
// write-ahead log and offset, or the missing or short table file, if one is,
// and what to do (derived: the index database, which a writable open
// rebuilds, not the ledger).
void ThrowIfOpenError(const rocksdb::Status& s, const std::string& what, const std::string& db_dir,
                      bool derived = false);

}  // namespace jejak::ledger
