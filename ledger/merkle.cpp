#include "ledger/merkle.h"

#include <fmt/format.h>

#include <bit>

#include "base/error.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;

// The largest power of two strictly below n (n >= 2): RFC 6962's split point.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH of leaves [begin, end), begin < end, from complete-subtree nodes. In
// every range the RFC algorithms ask for, a power-of-two range is aligned,
// so it is one stored node; the right edge of the tree splits into at most
// one node per bit of its size.
Hash RangeHash(const NodeSource& nodes, uint64_t begin, uint64_t end) {
  uint64_t size = end - begin;
  if (std::has_single_bit(size) && begin % size == 0) {
    int level = std::countr_zero(size);
    return nodes(level, begin >> level);
  }
  uint64_t k = SplitPoint(size);
  return MerkleNodeHash(RangeHash(nodes, begin, begin + k), RangeHash(nodes, begin + k, end));
}

// PATH(i, D[begin:end]), deepest sibling first.
void Path(const NodeSource& nodes, uint64_t i, uint64_t begin, uint64_t end,
          std::vector<Hash>* out) {
  if (end - begin <= 1) return;
  uint64_t k = SplitPoint(end - begin);
  if (i < begin + k) {
    Path(nodes, i, begin, begin + k, out);
    out->push_back(RangeHash(nodes, begin + k, end));
  } else {
    Path(nodes, i, begin + k, end, out);
    out->push_back(RangeHash(nodes, begin, begin + k));
  }
}

// SUBPROOF(m, D[begin:end], complete) with m the old size, begin < m <= end.
void SubProof(const NodeSource& nodes, uint64_t m, uint64_t begin, uint64_t end, bool complete,
              std::vector<Hash>* out) {
  if (m == end) {
    if (!complete) out->push_back(RangeHash(nodes, begin, end));
    return;
  }
  uint64_t k = SplitPoint(end - begin);
  if (m <= begin + k) {
    SubProof(nodes, m, begin, begin + k, complete, out);
    out->push_back(RangeHash(nodes, begin + k, end));
  } else {
    SubProof(nodes, m, begin + k, end, false, out);
    out->push_back(RangeHash(nodes, begin, begin + k));
  }
}

// Right-shifts fn and sn until fn's lowest bit is set or fn is 0 (RFC 9162).
void ShiftToOdd(uint64_t* fn, uint64_t* sn) {
  while ((*fn & 1) == 0 && *fn != 0) {
    *fn >>= 1;
    *sn >>= 1;
  }
}

}  // namespace

Hash MerkleLeafHash(std::string_view entry_bytes) {
  thread_local Sha256 sha;
  return sha.Update(std::string_view("\x00", 1)).Update(entry_bytes).Finish();
}

Hash MerkleNodeHash(const Hash& left, const Hash& right) {
  thread_local Sha256 sha;
  return sha.Update(std::string_view("\x01", 1)).Update(left).Update(right).Finish();
}

Hash MerkleEmptyRoot() { return Sha256Of(""); }

Hash MerkleRoot(const NodeSource& nodes, uint64_t n) {
  return n == 0 ? MerkleEmptyRoot() : RangeHash(nodes, 0, n);
}

std::vector<Hash> InclusionProof(const NodeSource& nodes, uint64_t i, uint64_t n) {
  if (i >= n) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("no inclusion proof for entry {} in a tree of {} entries", i, n));
  }
  std::vector<Hash> out;
  Path(nodes, i, 0, n, &out);
  return out;
}

std::vector<Hash> ConsistencyProof(const NodeSource& nodes, uint64_t m, uint64_t n) {
  if (m > n) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("no consistency proof from size {} to the smaller size {}", m, n));
  }
  std::vector<Hash> out;
  if (m == 0 || m == n) return out;
  SubProof(nodes, m, 0, n, true, &out);
  return out;
}

bool RootFromInclusionProof(uint64_t i, uint64_t n, const Hash& leaf,
                            const std::vector<Hash>& proof, Hash* root) {
  if (i >= n) return false;
  uint64_t fn = i, sn = n - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = MerkleNodeHash(p, r);
      ShiftToOdd(&fn, &sn);
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return false;
  *root = r;
  return true;
}

bool VerifyInclusion(uint64_t i, uint64_t n, const Hash& leaf, const std::vector<Hash>& proof,
                     const Hash& root) {
  Hash derived;
  return RootFromInclusionProof(i, n, leaf, proof, &derived) && derived == root;
}

bool VerifyConsistency(uint64_t m, uint64_t n, const Hash& old_root, const Hash& new_root,
                       const std::vector<Hash>& proof) {
  if (m > n) return false;
  if (m == n) return proof.empty() && old_root == new_root;
  if (m == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(m)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = m - 1, sn = n - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t j = 1; j < path.size(); ++j) {
    const Hash& c = path[j];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      ShiftToOdd(&fn, &sn);
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

MerkleFrontier MerkleFrontier::Load(const NodeSource& nodes, uint64_t n) {
  MerkleFrontier f;
  f.size_ = n;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((n & width) == 0) continue;
    f.subtrees_.push_back({level, nodes(level, begin >> level)});
    begin += width;
  }
  return f;
}

void MerkleFrontier::Append(const Hash& leaf, const NodeSink& sink) {
  uint64_t index = size_;
  if (sink) sink(0, index, leaf);
  subtrees_.push_back({0, leaf});
  while (subtrees_.size() >= 2 && subtrees_[subtrees_.size() - 2].level == subtrees_.back().level) {
    Subtree right = subtrees_.back();
    subtrees_.pop_back();
    Subtree& left = subtrees_.back();
    left.hash = MerkleNodeHash(left.hash, right.hash);
    left.level += 1;
    if (sink) sink(left.level, index >> left.level, left.hash);
  }
  ++size_;
}

Hash MerkleFrontier::Root() const {
  if (subtrees_.empty()) return MerkleEmptyRoot();
  Hash h = subtrees_.back().hash;
  for (size_t j = subtrees_.size() - 1; j-- > 0;) h = MerkleNodeHash(subtrees_[j].hash, h);
  return h;
}

}  // namespace jejak::ledger
