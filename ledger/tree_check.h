// Internal to verify.cpp: checks the stored Merkle tree and checkpoints
// against the tree re-derived from the entries, in one pass beside the
// entry pass. Stored tiles are read with one sequential iterator per tile
// level, so the check costs no random reads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/merkle.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

class TreeChecker {
 public:
  explicit TreeChecker(RocksLedger& r);
  ~TreeChecker();

  bool present() const { return r_.merkle != nullptr; }
  // Adds the next entry's leaf hash. Returns false, with *problem, at the
  // first stored node or checkpoint that disagrees.
  bool Add(const Hash& leaf, std::string* problem);
  // After the last entry: no stored nodes or checkpoints beyond it.
  bool Finish(std::string* problem);

  Hash root() const { return frontier_.Root(); }
  uint64_t checkpoints() const { return checked_checkpoints_; }

 private:
  bool CheckNode(int level, uint64_t index, const Hash& hash, std::string* problem);

  // The stored tile of one tile level that the next nodes belong to.
  struct Cursor {
    std::unique_ptr<rocksdb::Iterator> it;
    uint64_t index = 0;
    int width = -1;  // of the tile under it, or -1 if there is none
  };

  RocksLedger& r_;
  MerkleFrontier frontier_;
  std::vector<Cursor> cursors_;                  // by tile level
  std::map<uint64_t, std::string> checkpoints_;  // size -> note, not yet checked
  uint64_t checked_checkpoints_ = 0;
};

}  // namespace jejak::ledger
