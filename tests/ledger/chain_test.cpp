#include "ledger/chain.h"

#include <doctest/doctest.h>

#include "base/hex.h"
#include "events/encoding.h"
#include "events/json.h"
#include "tests/format_vectors.h"

namespace jejak::ledger {
namespace {

TEST_CASE("SHA-256 known answers") {
  CHECK(HashToHex(Sha256Of("")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HashToHex(Sha256Of("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("chain hash binds position, predecessor and bytes") {
  Hash a = ChainHash(0, kGenesisChain, "x");
  CHECK(a != ChainHash(1, kGenesisChain, "x"));
  CHECK(a != ChainHash(0, a, "x"));
  CHECK(a != ChainHash(0, kGenesisChain, "y"));
  CHECK(a == ChainHash(0, kGenesisChain, "x"));
}

TEST_CASE("FORMAT.md chain vectors: the vectors form a ledger in order") {
  auto vectors = testing::FormatVectors();
  REQUIRE(vectors.size() >= 3);
  Hash chain = kGenesisChain;
  for (const auto& v : vectors) {
    CAPTURE(v["name"].get<std::string>());
    uint64_t seq = v["event"]["seq"].get<uint64_t>();
    chain = ChainHash(seq, chain, base::FromHex(v["bytes"].get<std::string>()));
    CHECK(HashToHex(chain) == v["chain"].get<std::string>());
  }
}

}  // namespace
}  // namespace jejak::ledger
