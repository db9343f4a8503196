// Internal: the RocksDB options of the ledger's two databases (layout.h):
// how each column family is stored and its memtable kind. Used by rocks.cpp.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <string>
#include <vector>

namespace jejak::ledger {

rocksdb::Options DbOptions();

// Background work, RocksDB's flushes and compactions and the writer's indexer,
// runs at the lowest CPU priority (nice 19): on a small machine it otherwise
// takes a core from the appender's synced path, and it catches up whenever
// the appenders wait for the disk or for callers. RocksDB's thread pools are
// the process's (Env::Default()), so this holds for every database in it.
void LowerBackgroundPriority();
// The same for the calling thread.
void LowerThisThreadsPriority();
// The descriptors of the named families. scan_only: for a secondary that
// scans each family once (OpenMode::kVerify, rocks.h), with memtables that
// sort once, at the scan.
std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(const std::vector<std::string>& names,
                                                         bool scan_only = false);

}  // namespace jejak::ledger
