// Internal: opening the ledger's RocksDB with its column families, and
// turning RocksDB statuses into jejak errors. Used by ledger.cpp and verify.cpp.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

namespace jejak::ledger {

// kVerify is a secondary that only scans each family once (verify.cpp): the
// writer's unflushed keys it replays go into memtables that sort once, at the
// scan, instead of on every insert.
enum class OpenMode { kWrite, kSecondary, kVerify };

struct RocksLedger {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* meta = nullptr;  // "default"
  rocksdb::ColumnFamilyHandle* entries = nullptr;
  rocksdb::ColumnFamilyHandle* by_request = nullptr;
  rocksdb::ColumnFamilyHandle* by_actor = nullptr;
  // Null only in a read-only open of a ledger made before the Merkle tree.
  rocksdb::ColumnFamilyHandle* merkle = nullptr;
  // Format v1's Merkle nodes, while a writer migrates them (merkle_store.h).
  rocksdb::ColumnFamilyHandle* merkle_v1 = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::string secondary_dir;  // removed on close
  int format = 2;             // the format marker's version (layout.h)

  ~RocksLedger();
};

// Opens (kWrite: creating if absent or empty) the ledger in dir. Before it
// writes anything it checks, read-only, that dir is a jejak ledger. A writer
// accepts format v1, which the caller migrates; a secondary refuses it.
std::unique_ptr<RocksLedger> OpenRocksLedger(const std::string& dir, OpenMode mode);

// Throws the matching events::Error if !s.ok(); what names the operation.
void ThrowIfError(const rocksdb::Status& s, const std::string& what);

}  // namespace jejak::ledger
