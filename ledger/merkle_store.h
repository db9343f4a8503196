// The Merkle tree's nodes in the ledger's RocksDB: column family "merkle",
// key u8(level) || be64(index), value the 32-byte hash of that complete
// subtree (docs/FORMAT.md, "Ledger storage"). Nodes are written once, in the
// same batch as the entry that completes them, and never change.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <optional>
#include <string>

#include "ledger/merkle.h"

namespace jejak::ledger {

class MerkleStore {
 public:
  // db and cf must outlive the store; a null cf means the ledger has no tree
  // yet (a read-only open of a ledger that no writer has migrated).
  MerkleStore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf) : db_(db), cf_(cf) {}

  bool present() const { return cf_ != nullptr; }
  // Throws Error(kCorruption) if the node is missing or malformed, and
  // Error(kNotFound) if !present().
  Hash Node(int level, uint64_t index) const;
  NodeSource Source() const;
  // How many leaves the store holds: the index of the last leaf plus one.
  uint64_t StoredLeaves() const;

  // Appends leaf to frontier, putting the leaf and every node it completes
  // into batch.
  void Append(MerkleFrontier* frontier, const Hash& leaf, rocksdb::WriteBatch* batch) const;

 private:
  void RequirePresent() const;

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
};

struct RocksLedger;

// Gives the ledger in r (size entries) its complete tree: computes the nodes
// of the entries the store lacks (all of them for a ledger made before the
// tree existed), in synced batches. Returns the frontier at size.
MerkleFrontier BuildMerkleTree(RocksLedger& r, uint64_t size);

// Checkpoints in column family "checkpoints": be64(size) -> note.
void PutCheckpointNote(RocksLedger& r, uint64_t size, const std::string& note);
std::optional<std::string> GetCheckpointNote(const RocksLedger& r, uint64_t size);
std::optional<std::string> LatestCheckpointNote(const RocksLedger& r);

}  // namespace jejak::ledger
