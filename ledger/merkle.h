// The RFC 6962 / RFC 9162 Merkle tree over the ledger's entries
// (docs/FORMAT.md, "Merkle tree"):
//   leaf  = SHA-256(0x00 || entry bytes)
//   node  = SHA-256(0x01 || left || right)
//   MTH({}) = SHA-256(""), MTH of n > 1 leaves splits at the largest power of
//   two below n.
//
// Proofs are built from the hashes of complete subtrees only: node (level,
// index) covers leaves [index << level, (index + 1) << level). Those nodes
// never change once their last leaf exists, so a store can keep them forever
// and no proof ever rehashes entries. The verification functions are pure
// and need nothing but their arguments.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "ledger/hash.h"

namespace jejak::ledger {

Hash MerkleLeafHash(std::string_view entry_bytes);
Hash MerkleNodeHash(const Hash& left, const Hash& right);
// MTH of the empty tree: SHA-256 of nothing.
Hash MerkleEmptyRoot();

// Returns the hash of the complete subtree (level, index). Must throw
// base::Error if the node is not available.
using NodeSource = std::function<Hash(int level, uint64_t index)>;

// MTH of the first n leaves. Reads at most 64 nodes.
Hash MerkleRoot(const NodeSource& nodes, uint64_t n);
// RFC 9162 2.1.3.1 PATH(i, D[n]): Throws Error(kInvalidArgument) unless i < n.
std::vector<Hash> InclusionProof(const NodeSource& nodes, uint64_t i, uint64_t n);
// RFC 9162 2.1.4.1 PROOF(m, D[n]); empty when m == 0 or m == n. Throws
// Error(kInvalidArgument) unless m <= n.
std::vector<Hash> ConsistencyProof(const NodeSource& nodes, uint64_t m, uint64_t n);

// RFC 9162 2.1.3.2: the root that proof leads to from leaf i of a tree of
// size n, or false when the proof has the wrong shape.
bool RootFromInclusionProof(uint64_t i, uint64_t n, const Hash& leaf,
                            const std::vector<Hash>& proof, Hash* root);
bool VerifyInclusion(uint64_t i, uint64_t n, const Hash& leaf, const std::vector<Hash>& proof,
                     const Hash& root);
// RFC 9162 2.1.4.2, plus the trivial cases: m == n needs an empty proof and
// equal roots, m == 0 an empty proof.
bool VerifyConsistency(uint64_t m, uint64_t n, const Hash& old_root, const Hash& new_root,
                       const std::vector<Hash>& proof);

// The right edge of a tree: the roots of the complete subtrees that the
// first size() leaves decompose into, largest (leftmost) first. Appending a
// leaf merges equal-sized subtrees, reporting every node it completes, which
// is exactly what a node store must keep.
class MerkleFrontier {
 public:
  using NodeSink = std::function<void(int level, uint64_t index, const Hash& hash)>;

  MerkleFrontier() = default;
  // The frontier of a tree of size n, read from a store.
  static MerkleFrontier Load(const NodeSource& nodes, uint64_t n);

  // Reports the leaf (level 0) and each completed node to sink, bottom up.
  void Append(const Hash& leaf, const NodeSink& sink);
  uint64_t size() const { return size_; }
  Hash Root() const;

  struct Subtree {
    int level;
    Hash hash;
  };
  const std::vector<Subtree>& subtrees() const { return subtrees_; }

 private:
  uint64_t size_ = 0;
  std::vector<Subtree> subtrees_;
};

}  // namespace jejak::ledger
