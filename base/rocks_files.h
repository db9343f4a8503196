// The numbered files of a RocksDB database (write-ahead logs NNNNNN.log,
// table files NNNNNN.sst), found by name, for the readers that work without
// RocksDB (base/wal_reader.h, ledger/salvage.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::base {

// The number of the file named name (no directory) if it is NNNNNN<suffix>
// (suffix ".log", ".sst"), else 0: RocksDB never numbers a file 0.
uint64_t RocksFileNumber(std::string_view name, std::string_view suffix);

// The paths of the regular files NNNNNN<suffix> in dir, in number order
// (the order RocksDB wrote them). Empty if dir does not exist; throws
// Error(kIoError) with the system's reason if it cannot be listed.
std::vector<std::string> RocksFiles(const std::string& dir, std::string_view suffix);

}  // namespace jejak::base
