// Internal to verify.cpp: checks the stored Merkle tree and checkpoints
// against the tree re-derived from the entries. The entry pass's workers
// derive and check each chunk's own subtree (entry_chunks.h); the
// TreeChecker, in order, joins the chunks' roots into the nodes above them
// and checks those, the checkpoints and that nothing lies beyond the end.
// Stored tiles are read with sequential iterators, one per tile level, so
// the check costs no random reads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/entry_chunks.h"
#include "ledger/merkle.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

// Compares derived nodes with the stored tiles. Fastest when each tile
// level's nodes come in index order; any order is correct. Not thread-safe.
class TileReader {
 public:
  explicit TileReader(RocksLedger& r) : r_(r) {}
  ~TileReader();

  // Returns false, with *problem, if stored node (level, index) is missing,
  // in a malformed tile, or differs from hash.
  bool Check(int level, uint64_t index, const Hash& hash, std::string* problem);

 private:
  // The stored tile of one tile level that the last node checked belongs to.
  struct Cursor {
    std::unique_ptr<rocksdb::Iterator> it;
    uint64_t index = 0;
    int width = -1;  // of the tile under it, or -1 if there is none
  };

  RocksLedger& r_;
  std::vector<Cursor> cursors_;  // by tile level
};

class TreeChecker {
 public:
  explicit TreeChecker(RocksLedger& r);
  ~TreeChecker();

  bool present() const { return r_.merkle != nullptr; }
  // The tree's steps for entry i of c, whose chain link is checked: the
  // chunk's own first bad node if it is completed here, the nodes above the
  // chunk that this entry completes, and a checkpoint of this size. Entries
  // must come in order. Returns false, with *problem, at the first stored
  // node or checkpoint that disagrees.
  bool Add(const Chunk& c, size_t i, std::string* problem);
  // After the last entry: no stored nodes or checkpoints beyond it.
  bool Finish(std::string* problem);

  Hash root() const;
  uint64_t checkpoints() const { return checked_checkpoints_; }
  // Every stored checkpoint, by size.
  const std::map<uint64_t, std::string>& stored_checkpoints() const { return checkpoints_; }

 private:
  // The root of the tree of size_ entries, the last of which is entry i of c.
  Hash RootAt(const Chunk& c, size_t i) const;

  RocksLedger& r_;
  TileReader tiles_;
  uint64_t size_ = 0;
  // The tree whose leaves are the roots of the full chunks so far: its nodes
  // are the derived nodes of level Chunk::kLevel and above.
  MerkleFrontier upper_;
  std::vector<Hash> tail_;  // the subtrees of a partial last chunk, largest first
  std::map<uint64_t, std::string> checkpoints_;  // size -> note
  uint64_t checked_checkpoints_ = 0;
};

}  // namespace jejak::ledger
