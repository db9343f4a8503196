// The Merkle tree's nodes in the ledger's RocksDB: column family
// "merkle_tiles", key u8(tile level) || be64(tile index), value the tile
// (tiles.h, docs/FORMAT.md "Ledger storage"). A full tile is written once, in
// the batch that completes it; the rightmost partial tile of each tile level
// is rewritten by every batch that adds to it, always as a prefix-extension
// of what was there (complete nodes never change).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <optional>
#include <string>

#include "ledger/merkle.h"
#include "ledger/tiles.h"

namespace jejak::ledger {

class MerkleStore {
 public:
  // db and cf must outlive the store; a null cf means the ledger has no tree
  // yet (a read-only open of a ledger that no writer has given one).
  MerkleStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) : db_(db), cf_(cf) {}

  bool present() const { return cf_ != nullptr; }
  // Throws Error(kCorruption) if the node is missing or its tile malformed,
  // and Error(kNotFound) if !present().
  Hash Node(int level, uint64_t index) const;
  // Reads each tile once per source: a proof reads a few tiles, not a node
  // each. The source must not outlive the store's db.
  NodeSource Source() const;
  // How many leaves the store holds: the width of the tree's level 0.
  uint64_t StoredLeaves() const;
  // The stored tile (tile_level, index), or nullopt if there is none.
  std::optional<std::string> ReadTile(int tile_level, uint64_t index) const;

 private:
  void RequirePresent() const;

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
};

// The writer's side: the tree's right edge and its partial tiles in memory.
class MerkleWriter {
 public:
  MerkleWriter() = default;
  MerkleWriter(rocksdb::ColumnFamilyHandle* cf, const MerkleStore& store, uint64_t size);

  // Adds the next leaf; puts each tile it completes into batch.
  void Append(const Hash& leaf, rocksdb::WriteBatch* batch);
  // Puts the partial tiles changed since the last Finish(): once per batch,
  // after its last Append().
  void Finish(rocksdb::WriteBatch* batch);
  uint64_t size() const { return frontier_.size(); }

 private:
  void Put(int tile_level, const tiles::Tile& tile, rocksdb::WriteBatch* batch);

  rocksdb::ColumnFamilyHandle* cf_ = nullptr;
  MerkleFrontier frontier_;
  tiles::TileBuilder tiles_;
};

struct RocksLedger;

// Gives the ledger in r (size entries) its complete tree: computes the tiles
// the store lacks (all of them for a ledger made before the tree existed),
// in synced batches. A ledger of format v1 has its nodes migrated to tiles:
// recomputed from the entries, checked against the v1 tree's root, then the
// format marker says v3 (indexes and checkpoint records follow, rocks.h and
// ledger.cpp) and the v1 family is dropped (a crash in between
// resumes on the next open). Returns the writer at size.
MerkleWriter BuildMerkleTree(RocksLedger& r, uint64_t size);

// Checkpoints in column family "checkpoints": be64(size) -> note.
std::optional<std::string> GetCheckpointNote(const RocksLedger& r, uint64_t size);
std::optional<std::string> LatestCheckpointNote(const RocksLedger& r);

}  // namespace jejak::ledger
