#include "ledger/merkle.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/hex.h"
#include "ledger/tiles.h"

namespace jejak::ledger {
namespace {

// The eight leaves and roots of the RFC 6962 test vectors used by Certificate
// Transparency and transparency-dev/merkle (proof/verify_test.go).
const std::vector<std::string> kLeavesHex = {"",
                                             "00",
                                             "10",
                                             "2021",
                                             "3031",
                                             "40414243",
                                             "5051525354555657",
                                             "606162636465666768696a6b6c6d6e6f"};
const std::vector<std::string> kRootsHex = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

std::vector<Hash> Hashes(const std::vector<std::string>& hex) {
  std::vector<Hash> out;
  for (const auto& h : hex) out.push_back(HashFromHex(h));
  return out;
}

// A tree in memory, built through MerkleFrontier as the ledger builds it.
struct MemoryTree {
  std::map<std::pair<int, uint64_t>, Hash> nodes;
  MerkleFrontier frontier;

  void Append(std::string_view bytes) {
    frontier.Append(MerkleLeafHash(bytes), [&](int level, uint64_t index, const Hash& h) {
      CHECK(nodes.emplace(std::make_pair(level, index), h).second);  // written once
    });
  }
  NodeSource Source() const {
    return [this](int level, uint64_t index) {
      auto it = nodes.find({level, index});
      if (it == nodes.end()) throw base::Error(base::ErrorCode::kNotFound, "no node");
      return it->second;
    };
  }
};

// The reference: RFC 6962 section 2.1 definitions, word for word, over leaf
// hashes, recomputing everything on every call.
Hash RefMth(const std::vector<Hash>& d, size_t b, size_t e) {
  if (e == b) return MerkleEmptyRoot();
  if (e - b == 1) return d[b];
  size_t k = 1;
  while (k * 2 < e - b) k *= 2;
  return MerkleNodeHash(RefMth(d, b, b + k), RefMth(d, b + k, e));
}

std::vector<Hash> RefPath(size_t m, const std::vector<Hash>& d, size_t b, size_t e) {
  if (e - b <= 1) return {};
  size_t k = 1;
  while (k * 2 < e - b) k *= 2;
  std::vector<Hash> out;
  if (m < k) {
    out = RefPath(m, d, b, b + k);
    out.push_back(RefMth(d, b + k, e));
  } else {
    out = RefPath(m - k, d, b + k, e);
    out.push_back(RefMth(d, b, b + k));
  }
  return out;
}

std::vector<Hash> RefSubproof(size_t m, const std::vector<Hash>& d, size_t b, size_t e,
                              bool complete) {
  size_t n = e - b;
  if (m == n) return complete ? std::vector<Hash>{} : std::vector<Hash>{RefMth(d, b, e)};
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  std::vector<Hash> out;
  if (m <= k) {
    out = RefSubproof(m, d, b, b + k, complete);
    out.push_back(RefMth(d, b + k, e));
  } else {
    out = RefSubproof(m - k, d, b + k, e, false);
    out.push_back(RefMth(d, b, b + k));
  }
  return out;
}

TEST_CASE("merkle: RFC 6962 known-answer roots for sizes 0 to 8") {
  CHECK(HashToHex(MerkleEmptyRoot()) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  MemoryTree t;
  CHECK(MerkleRoot(t.Source(), 0) == MerkleEmptyRoot());
  for (size_t n = 1; n <= kLeavesHex.size(); ++n) {
    t.Append(base::FromHex(kLeavesHex[n - 1]));
    CAPTURE(n);
    CHECK(HashToHex(MerkleRoot(t.Source(), n)) == kRootsHex[n - 1]);
    CHECK(HashToHex(t.frontier.Root()) == kRootsHex[n - 1]);
  }
}

TEST_CASE("merkle: known-answer inclusion proofs") {
  MemoryTree t;
  for (const auto& l : kLeavesHex) t.Append(base::FromHex(l));
  struct Vector {
    uint64_t index, size;
    std::vector<std::string> proof;
  };
  // transparency-dev/merkle inclusionProofs, with their 1-based leaf numbers
  // turned into 0-based indexes.
  std::vector<Vector> vectors = {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const auto& v : vectors) {
    CAPTURE(v.index);
    CAPTURE(v.size);
    std::vector<Hash> want = Hashes(v.proof);
    CHECK(InclusionProof(t.Source(), v.index, v.size) == want);
    Hash leaf = MerkleLeafHash(base::FromHex(kLeavesHex[v.index]));
    CHECK(VerifyInclusion(v.index, v.size, leaf, want, HashFromHex(kRootsHex[v.size - 1])));
  }
}

TEST_CASE("merkle: known-answer consistency proofs") {
  MemoryTree t;
  for (const auto& l : kLeavesHex) t.Append(base::FromHex(l));
  struct Vector {
    uint64_t m, n;
    std::vector<std::string> proof;
  };
  std::vector<Vector> vectors = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
  for (const auto& v : vectors) {
    CAPTURE(v.m);
    CAPTURE(v.n);
    std::vector<Hash> want = Hashes(v.proof);
    CHECK(ConsistencyProof(t.Source(), v.m, v.n) == want);
    CHECK(VerifyConsistency(v.m, v.n, HashFromHex(kRootsHex[v.m - 1]),
                            HashFromHex(kRootsHex[v.n - 1]), want));
  }
}

TEST_CASE("merkle: verification edge cases from RFC 9162") {
  Hash a = Sha256Of("a"), b = Sha256Of("b");
  CHECK(VerifyConsistency(0, 0, a, a, {}));
  CHECK(VerifyConsistency(0, 5, a, b, {}));
  CHECK_FALSE(VerifyConsistency(0, 5, a, b, {a}));
  CHECK(VerifyConsistency(3, 3, a, a, {}));
  CHECK_FALSE(VerifyConsistency(3, 3, a, b, {}));
  CHECK_FALSE(VerifyConsistency(3, 3, a, a, {a}));
  CHECK_FALSE(VerifyConsistency(4, 3, a, b, {}));
  CHECK_FALSE(VerifyConsistency(1, 2, a, b, {}));
  CHECK_FALSE(VerifyInclusion(0, 0, a, {}, a));
  CHECK_FALSE(VerifyInclusion(1, 1, a, {}, a));
  CHECK(VerifyInclusion(0, 1, a, {}, a));
  MemoryTree t;
  t.Append("x");
  CHECK_THROWS_AS(InclusionProof(t.Source(), 1, 1), base::Error);
  CHECK_THROWS_AS(ConsistencyProof(t.Source(), 2, 1), base::Error);
}

TEST_CASE("merkle: every inclusion and consistency proof up to 64 leaves matches the reference") {
  constexpr size_t kMax = 64;
  MemoryTree t;
  std::vector<Hash> leaves;
  std::vector<Hash> roots = {MerkleEmptyRoot()};
  for (size_t j = 0; j < kMax; ++j) {
    std::string bytes = "entry " + std::to_string(j);
    leaves.push_back(MerkleLeafHash(bytes));
    t.Append(bytes);
    roots.push_back(RefMth(leaves, 0, leaves.size()));
  }
  CHECK(t.nodes.size() == 2 * kMax - 1);  // every complete subtree, once
  Hash junk = Sha256Of("junk");
  for (size_t n = 1; n <= kMax; ++n) {
    REQUIRE(MerkleRoot(t.Source(), n) == roots[n]);
    REQUIRE(MerkleFrontier::Load(t.Source(), n).Root() == roots[n]);
    for (size_t i = 0; i < n; ++i) {
      std::vector<Hash> proof = InclusionProof(t.Source(), i, n);
      REQUIRE(proof == RefPath(i, leaves, 0, n));
      REQUIRE(VerifyInclusion(i, n, leaves[i], proof, roots[n]));
      // Wrong index, size, leaf, root, or any proof element: rejected.
      REQUIRE_FALSE(VerifyInclusion(i, n, junk, proof, roots[n]));
      REQUIRE_FALSE(VerifyInclusion(i, n, leaves[i], proof, junk));
      if (n > 1) REQUIRE_FALSE(VerifyInclusion((i + 1) % n, n, leaves[i], proof, roots[n]));
      if (n < kMax) REQUIRE_FALSE(VerifyInclusion(i, n + 1, leaves[i], proof, roots[n + 1]));
      for (size_t k = 0; k < proof.size(); ++k) {
        auto bad = proof;
        bad[k][0] ^= 1;
        REQUIRE_FALSE(VerifyInclusion(i, n, leaves[i], bad, roots[n]));
      }
      auto longer = proof;
      longer.push_back(junk);
      REQUIRE_FALSE(VerifyInclusion(i, n, leaves[i], longer, roots[n]));
    }
    for (size_t m = 0; m <= n; ++m) {
      std::vector<Hash> proof = ConsistencyProof(t.Source(), m, n);
      std::vector<Hash> ref =
          m == 0 || m == n ? std::vector<Hash>{} : RefSubproof(m, leaves, 0, n, true);
      REQUIRE(proof == ref);
      REQUIRE(VerifyConsistency(m, n, roots[m], roots[n], proof));
      if (m == 0 || m == n) continue;
      REQUIRE_FALSE(VerifyConsistency(m, n, junk, roots[n], proof));
      REQUIRE_FALSE(VerifyConsistency(m, n, roots[m], junk, proof));
      REQUIRE_FALSE(VerifyConsistency(m, n, roots[m - 1], roots[n], proof));
      for (size_t k = 0; k < proof.size(); ++k) {
        auto bad = proof;
        bad[k][31] ^= 0x80;
        REQUIRE_FALSE(VerifyConsistency(m, n, roots[m], roots[n], bad));
      }
      auto shorter = proof;
      shorter.pop_back();
      REQUIRE_FALSE(VerifyConsistency(m, n, roots[m], roots[n], shorter));
    }
  }
}

// Rows above a narrow tile's top level are empty; parsing them must not pass
// memcpy a null pointer (undefined behaviour even for 0 bytes: UBSan stops
// on it in jejak's sanitizer build).
TEST_CASE("tiles: a stored tile parses at every width, its empty rows included") {
  for (uint64_t width : {0, 1, 2, 3, 127, 255, 256}) {
    CAPTURE(width);
    tiles::Tile full;
    full.index = 7;
    for (int r = 0; r < tiles::kHeight; ++r) {
      for (uint64_t c = 0; c < (width >> r); ++c) {
        Hash h{};
        h[0] = static_cast<uint8_t>(r);
        h[1] = static_cast<uint8_t>(c);
        full.rows[r].push_back(h);
      }
    }
    std::string stored;
    full.Serialize(&stored);
    CHECK(stored.size() == tiles::HashCount(width) * 32);
    for (uint64_t w : {uint64_t{0}, width / 2, width}) {
      tiles::Tile t = tiles::Tile::Parse(7, stored, w);
      CHECK(t.index == 7);
      for (int r = 0; r < tiles::kHeight; ++r) {
        REQUIRE(t.rows[r].size() == (w >> r));
        for (uint64_t c = 0; c < t.rows[r].size(); ++c) CHECK(t.rows[r][c] == full.rows[r][c]);
      }
    }
  }
  CHECK(tiles::Tile::Parse(0, std::string_view(), 0).width() == 0);
  CHECK_THROWS_AS(tiles::Tile::Parse(0, std::string_view(), 1), base::Error);
}

}  // namespace
}  // namespace jejak::ledger
