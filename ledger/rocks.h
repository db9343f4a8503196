// Internal: opening the ledger's RocksDB with its column families, and
// turning RocksDB statuses into jejak errors. Used by ledger.cpp and verify.cpp.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

namespace jejak::ledger {

enum class OpenMode { kWrite, kSecondary };

struct RocksLedger {
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* meta = nullptr;  // "default"
  rocksdb::ColumnFamilyHandle* entries = nullptr;
  rocksdb::ColumnFamilyHandle* by_request = nullptr;
  rocksdb::ColumnFamilyHandle* by_actor = nullptr;
  // Null only in a read-only open of a ledger made before the Merkle tree.
  rocksdb::ColumnFamilyHandle* merkle = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::string secondary_dir;  // removed on close

  ~RocksLedger();
};

// Opens (kWrite: creating if absent or empty) the ledger in dir. Before it
// writes anything it checks, read-only, that dir is a jejak ledger.
std::unique_ptr<RocksLedger> OpenRocksLedger(const std::string& dir, OpenMode mode);

// Throws the matching events::Error if !s.ok(); what names the operation.
void ThrowIfError(const rocksdb::Status& s, const std::string& what);

}  // namespace jejak::ledger
