// The info log (LOG) of jejak's RocksDB databases, in place of
// RocksDB's own. Debian's librocksdb 7.8 is built with assertions, and its
// log writer asserts (SIGABRT) on the next write to a LOG file after one
// failed: a full disk or a read-only directory fails the LOG too, and
// RocksDB's error handler logs the failure it handles, so RocksDB's own LOG
// turns a failed ledger write into an abort. This logger writes each line with
// one write(2) and drops the lines it cannot write.
#pragma once

#include <rocksdb/env.h>

#include <memory>
#include <string>

namespace jejak::base {

// Appends to the file at path, created if missing (RocksDB's own LOG starts
// a new file on each open; this one appends, and moves a LOG grown past 16 MB
// to LOG.old). If the file cannot be opened, lines are dropped.
std::shared_ptr<rocksdb::Logger> NewRocksLogger(const std::string& path);

}  // namespace jejak::base
