// Reaching behind jejak: a RocksDB opened directly, a ledger's files, and
// snapshots of a directory, to build foreign data and to damage or compare it.
#pragma once

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/layout.h"  // the families and keys RawDb reaches

namespace jejak::testing {

// Every regular file under dir (relative path) with its size and a hash of
// its content: equal snapshots mean nothing was added, removed or changed.
std::map<std::string, std::string> SnapshotDir(const std::string& dir);

// The column families of a ledger's main RocksDB, for RawDb.
std::vector<std::string> LedgerFamilies();
// The ledger's index database (format v3) and its column families, for RawDb.
std::string IndexDir(const std::string& ledger_dir);
std::vector<std::string> IndexFamilies();

// A RocksDB opened directly, not through jejak, with the named column families
// (all of them, as RocksDB requires): to build foreign databases and to change
// a ledger behind jejak's back. Closing it leaves every write on disk.
class RawDb {
 public:
  RawDb(const std::string& dir, const std::vector<std::string>& families, bool create = false);
  ~RawDb();
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  std::optional<std::string> Get(const std::string& family, const std::string& key);
  void Put(const std::string& family, const std::string& key, const std::string& value);
  void Delete(const std::string& family, const std::string& key);
  // Every key and value of family, in order.
  std::vector<std::pair<std::string, std::string>> Scan(const std::string& family);
  // How many of family's table files SstFileWriter made (ingested ones).
  size_t IngestedFiles(const std::string& family);

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

// Every key and value of every column family of the RocksDB in dir, read
// through RocksDB (read-only), as "family/key" -> value.
std::map<std::string, std::string> DbContents(const std::string& dir);

// The first regular file under root whose raw bytes hold needle (its path),
// or empty: for write-ahead logs and uncompressed files.
std::string FileHolding(const std::string& root, const std::string& needle);

// Where needle is under root: in a key or value of any RocksDB database
// below it, read through RocksDB (compression hides text from a raw search),
// or in the raw bytes of any file (write-ahead logs, Kafka segments). A
// description of the first place found; empty if nowhere.
std::string WhereIs(const std::string& root, const std::string& needle);

// The live table files (paths) of one column family of the ledger in dir,
// as RocksDB records them: to damage a ledger's files behind jejak's back.
std::vector<std::string> LedgerTables(const std::string& dir, const std::string& family);

}  // namespace jejak::testing
