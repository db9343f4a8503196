// Salvage: copies every entry of a damaged ledger that verifies into a new
// ledger, and says exactly which sequence numbers it could not save
// (`jejak ledger salvage`, docs/FORMAT.md "Durability and recovery").
//
// It reads the damaged ledger's files one by one, never through RocksDB's
// recovery and never changing them: each table file (*.sst) with RocksDB's
// SstFileReader, each write-ahead log (*.log) with base/wal_reader.h, which keeps
// even a record whose checksum fails, so that each entry in it is judged on
// its own. An entry verifies if its bytes are a canonical event and its
// stored chain hash links it to entry seq - 1 (chain.h). A missing or short
// table file, a damaged log record, lose only the entries nowhere else.
//
// Entries 0 .. saved-1 verify and go into the new ledger at the same
// sequence numbers, so their chain hashes, Merkle roots, receipts and the
// checkpoints within them stay valid. Entry `saved` is missing or fails, and
// no later entry can be chained after it: the new ledger's next entry would
// get another chain hash. So every seq from `saved` to the end is not saved;
// those entries that were found are written, as found, to a JSON-lines file
// for forensic use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jejak::ledger {

struct SalvageReport {
  uint64_t saved = 0;     // entries [0, saved) are in the new ledger
  uint64_t expected = 0;  // entries the damaged ledger held, as far as it says
  // Why entry `saved` is not saved; empty if every entry was.
  std::string first_problem;
  // Values found for entries at or after `saved`, each exported (one line
  // each; a damaged log may hold two values for one entry).
  uint64_t exported = 0;
  uint64_t checkpoints = 0;  // checkpoints copied (those of sizes <= saved)
  // Files that could not be read (or only in part), each with why.
  std::vector<std::string> damaged_files;

  bool complete() const { return saved == expected; }
};

// Salvages the ledger in from (a ledger directory: DATA/ledger) into the
// new ledger directory to, which must not exist or be empty; writes the
// entries not saved to unsaved_path (JSON lines: seq, chain and bytes in
// hex, the file they were found in, and why they are not saved). Throws
// Error(kNotFound) if from holds no RocksDB files, Error(kInvalidArgument)
// if to is not empty, Error(kIoError) on a failed write.
SalvageReport Salvage(const std::string& from, const std::string& to,
                      const std::string& unsaved_path);

}  // namespace jejak::ledger
