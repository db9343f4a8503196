// Reads RocksDB write-ahead log files without RocksDB, to say where
// one is damaged and to salvage what a damaged one still holds (ledger/salvage.h).
//
// The format (RocksDB's db/log_format.h, stable since LevelDB): 32 KiB
// blocks of physical records, each a header (masked CRC32C, length, type)
// and a payload; a logical record (one WriteBatch) is one record or a first,
// middle and last fragment. Damage is what RocksDB's recovery in mode
// kTolerateCorruptedTailRecords (ledger/rocks_options.h) refuses: a checksum that
// does not match, a length beyond its block, fragments out of order. A record
// cut short by the end of the file is a write in progress when the writer
// stopped, not damage (RocksDB drops it, and so does this reader).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::base {

struct WalRecord {
  uint64_t offset = 0;  // in the file, of the record's first fragment
  std::string data;     // the payload: a WriteBatch, or what was found of it
  // Empty if the record is intact; else the first damage in it, such as
  // "checksum mismatch at offset 4711". A damaged record's data holds every
  // fragment whose length fits its block, checksum or not: salvage checks
  // each entry in it on its own.
  std::string problem;
};

// Calls fn for each logical record of the log file at path, in order, intact
// or damaged, and returns the first damage (file offset and what), if any.
// Throws base::Error(kIoError) if the file cannot be read.
struct WalDamage {
  std::string file;
  uint64_t offset = 0;
  std::string problem;
};
std::optional<WalDamage> ReadWal(const std::string& path,
                                 const std::function<void(const WalRecord&)>& fn);

// The write-ahead logs in dir (NNNNNN.log), in number order: RocksFiles(dir,
// ".log") of base/rocks_files.h.
std::vector<std::string> WalFiles(const std::string& dir);

// The first damage in dir's write-ahead logs, or nullopt.
std::optional<WalDamage> FindWalDamage(const std::string& dir);

// One Put of a WriteBatch: column family id, key and value.
struct BatchPut {
  uint32_t family = 0;
  std::string_view key, value;
};
// Calls fn for each Put in the WriteBatch bytes batch, in order, until the
// batch ends or holds something else than puts and deletions (or is
// malformed). Returns false in the latter case. Parses the format itself:
// RocksDB's WriteBatch::Iterate asserts on some malformed batches.
bool ForEachPut(std::string_view batch, const std::function<void(const BatchPut&)>& fn);

}  // namespace jejak::base
