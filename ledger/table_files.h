// Internal: the table files a RocksDB database's MANIFEST records, read
// without RocksDB, to find one that is missing or short.
//
// A secondary instance (every read-only open of the ledger) opens without
// such a file: it takes the last version of the database whose files are all
// there, so a ledger whose entries' table file was deleted read as holding no
// entries. RocksDB's own check (a writable open, with paranoid_checks) names
// a missing file with its legacy .ldb name. So every open compares the
// MANIFEST's table files with the directory itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jejak::ledger {

struct TableFile {
  uint64_t number = 0;
  uint64_t size = 0;   // as recorded
  std::string family;  // the column family's name
  std::string path;    // DIR/NNNNNN.sst
};

// The live table files of the database in dir, as its current MANIFEST
// (named by CURRENT) records them. Throws base::Error if CURRENT or the
// MANIFEST cannot be read (kNotFound, kIoError), Error(kCorruption) if
// CURRENT is malformed, and Error(kInvalidArgument) for a MANIFEST with
// records this reader does not know (blob files).
std::vector<TableFile> LiveTableFiles(const std::string& dir);

// What is wrong with the first live table file of the database in dir that
// is missing or whose size differs from the recorded one, naming it; "" if
// none is (or the MANIFEST cannot be read: RocksDB reports that). A writer
// may be replacing files meanwhile, so a difference counts only if it is
// still there on a second reading of the MANIFEST.
std::string TableFileDamage(const std::string& dir);

}  // namespace jejak::ledger
