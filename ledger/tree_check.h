// Internal to verify.cpp: checks the stored Merkle tree and checkpoints
// against the tree re-derived from the entries, in one pass beside the
// entry pass. Stored nodes are read with one sequential iterator per level,
// so the check costs no random reads.
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
  // Adds the next entry's leaf. Returns false, with *problem, at the first
  // stored node or checkpoint that disagrees.
  bool Add(std::string_view entry_bytes, std::string* problem);
  // After the last entry: no stored nodes or checkpoints beyond it.
  bool Finish(std::string* problem);

  Hash root() const { return frontier_.Root(); }
  uint64_t checkpoints() const { return checked_checkpoints_; }

 private:
  bool CheckNode(int level, uint64_t index, const Hash& hash, std::string* problem);

  RocksLedger& r_;
  MerkleFrontier frontier_;
  std::vector<std::unique_ptr<rocksdb::Iterator>> levels_;
  std::map<uint64_t, std::string> checkpoints_;  // size -> note, not yet checked
  uint64_t checked_checkpoints_ = 0;
};

}  // namespace jejak::ledger
