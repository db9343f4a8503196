// Internal: the RocksDB options of the ledger's two databases (layout.h):
// how each column family is stored and its memtable kind. Used by rocks.cpp.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <string>
#include <vector>

namespace jejak::ledger {

// env: the Env of the database's files (tests inject faults), or null for
// the default one.
rocksdb::Options DbOptions(rocksdb::Env* env = nullptr);
// The descriptors of the named families. scan_only: for a secondary that
// scans each family once (OpenMode::kVerify, rocks.h), with memtables that
// sort once, at the scan.
std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(const std::vector<std::string>& names,
                                                         bool scan_only = false);

}  // namespace jejak::ledger
