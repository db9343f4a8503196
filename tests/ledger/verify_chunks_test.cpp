// VerifyLedger on ledgers of several chunks (entry_chunks.h: 8192 entries
// each, checked on worker threads): the tree derived in pieces equals the
// reference, and damage is named at the same sequence number as by an
// entry-by-entry pass, whether a worker or the in-order thread finds it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tiles.h"
#include "ledger/verify.h"
#include "tests/ledger/verify_fails.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using testing::LedgerFamilies;
using testing::RawDb;
using testing::SampleEvent;
using testing::SampleEventBytes;
using testing::TempDir;

// Three full chunks and part of a fourth: tile (1, 0) has width 97 and holds
// nodes of levels 8 to 14; node (14, 0) lies above the chunks.
constexpr uint64_t kSize = 3 * 8192 + 500;

void AppendRange(Ledger& ledger, uint64_t from, uint64_t to) {
  std::vector<std::string> batch;
  for (uint64_t n = from; n < to; ++n) batch.push_back(SampleEventBytes(n));
  ledger.AppendBatch(std::move(batch));
}

// A ledger of entries 0..n-1 in dir, appended in batches as a writer would.
void Open(const std::string& dir, uint64_t n) {
  auto ledger = Ledger::Open(dir);
  for (uint64_t from = 0; from < n; from += 5000)
    AppendRange(*ledger, from, std::min(n, from + 5000));
}

Hash ReferenceRoot(uint64_t n) {
  MerkleFrontier f;
  for (uint64_t i = 0; i < n; ++i) f.Append(MerkleLeafHash(SampleEventBytes(i)), nullptr);
  return f.Root();
}

// Flips a bit of node (row, col) of stored tile (tile_level, index).
void FlipNode(const std::string& dir, int tile_level, uint64_t index, int row, uint64_t col) {
  RawDb db(dir, LedgerFamilies());
  std::string key = layout::MerkleKey(tile_level, index);
  std::string tile = *db.Get(layout::kMerkle, key);
  int width = tiles::WidthOf(tile.size());
  REQUIRE(width > 0);
  tile[tiles::Offset(width, row, col) + 7] ^= 0x10;
  db.Put(layout::kMerkle, key, tile);
}

TEST_CASE("verify chunks: the tree derived chunk by chunk is the reference tree") {
  for (uint64_t n : {uint64_t{2 * 8192}, kSize}) {
    CAPTURE(n);
    TempDir dir;
    Open(dir.path(), n);
    VerifyReport r = VerifyLedger(dir.path());
    CAPTURE(r.problem);
    REQUIRE(r.ok);
    CHECK(r.entries == n);
    CHECK(r.merkle_root == ReferenceRoot(n));
  }
}

TEST_CASE("verify chunks: the first bad node, inside a chunk or above the chunks") {
  TempDir dir;
  Open(dir.path(), kSize);
  SUBCASE("a node inside chunk 1, in tile (1, 0)") {
    FlipNode(dir.path(), 1, 0, 2, 9);  // node (10, 9): leaves 9216..10239
    testing::CheckVerifyFailsAt(dir.path(), 10239,
                                "Merkle node (level 10, index 9) does not match");
  }
  SUBCASE("a node above the chunks") {
    FlipNode(dir.path(), 1, 0, 6, 0);  // node (14, 0): leaves 0..16383
    testing::CheckVerifyFailsAt(dir.path(), 16383,
                                "Merkle node (level 14, index 0) does not match");
  }
  SUBCASE("a chunk's root before the node above it, completed by the same entry") {
    FlipNode(dir.path(), 1, 0, 6, 0);
    FlipNode(dir.path(), 1, 0, 5, 1);  // node (13, 1): chunk 1's root
    testing::CheckVerifyFailsAt(dir.path(), 16383,
                                "Merkle node (level 13, index 1) does not match");
  }
  SUBCASE("a changed chain hash before a changed leaf in the same chunk") {
    FlipNode(dir.path(), 0, 20000 / 256, 0, 20000 % 256);
    testing::CheckVerifyFailsAt(dir.path(), 20000,
                                "Merkle node (level 0, index 20000) does not match");
    {
      RawDb db(dir.path(), LedgerFamilies());
      std::string entry = *db.Get(layout::kEntries, layout::SeqKey(19000));
      entry[3] ^= 1;
      db.Put(layout::kEntries, layout::SeqKey(19000), entry);
    }
    testing::CheckVerifyFailsAt(dir.path(), 19000, "hash mismatch");
  }
  SUBCASE("a deleted tile of a later chunk") {
    RawDb(dir.path(), LedgerFamilies()).Delete(layout::kMerkle, layout::MerkleKey(0, 70));
    testing::CheckVerifyFailsAt(dir.path(), 70 * 256,
                                "Merkle node (level 0, index 17920) is missing");
  }
}

TEST_CASE("verify chunks: damage at a chunk boundary") {
  TempDir dir;
  Open(dir.path(), kSize);
  SUBCASE("the first entry of a chunk is missing") {
    RawDb(dir.path(), LedgerFamilies()).Delete(layout::kEntries, layout::SeqKey(16384));
    testing::CheckVerifyFailsAt(dir.path(), 16384,
                                "entry 16384 is missing (the next entry present is 16385)");
  }
  SUBCASE("a malformed key between two chunks") {
    RawDb(dir.path(), LedgerFamilies())
        .Put(layout::kEntries, layout::SeqKey(8191) + "x", std::string(40, 'y'));
    testing::CheckVerifyFailsAt(dir.path(), 8192, "an entry key is not an 8-byte sequence number");
  }
  SUBCASE("the last entry of a chunk is missing") {
    RawDb(dir.path(), LedgerFamilies()).Delete(layout::kEntries, layout::SeqKey(8191));
    testing::CheckVerifyFailsAt(dir.path(), 8191,
                                "entry 8191 is missing (the next entry present is 8192)");
  }
}

TEST_CASE("verify chunks: a checkpoint inside a later chunk") {
  TempDir dir;
  SigningKey key = GenerateSigningKey("jejak.go.id/test");
  uint64_t size = 0;
  {
    auto ledger = Ledger::Open(dir.path());
    AppendRange(*ledger, 0, 20000);
    AnnounceAndCheckpoint(*ledger, key, {"admin", "admin", ""});
    size = ledger->size();
    AppendRange(*ledger, 20000, kSize);
  }
  REQUIRE(size == 20002);  // the key's announcement and the checkpoint's record
  VerifyReport r = VerifyLedger(dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.checkpoints == 1);
  SUBCASE("with a wrong root") {
    Checkpoint wrong{key.verifier.name, 20001, Sha256Of("not the root"), ""};
    RawDb(dir.path(), LedgerFamilies())
        .Put(layout::kCheckpoints, layout::SeqKey(20001), SignCheckpoint(wrong, key));
    testing::CheckVerifyFailsAt(dir.path(), 20000,
                                "the checkpoint of size 20001 does not match the entries");
  }
}

}  // namespace
}  // namespace jejak::ledger
