// The Merkle tree inside the ledger: maintained on append, migrated on open,
// checked by verify; signed notes and checkpoints; receipts and exports with
// every member tampered.
#include <doctest/doctest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <functional>

#include "base/error.h"
#include "base/hex.h"
#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/receipt.h"
#include "ledger/tiles.h"
#include "ledger/verify.h"
#include "tests/ledger_v1.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;
using testing::SampleEvent;
using testing::SampleEventBytes;
using testing::TempDir;

Hash ReferenceRoot(uint64_t n) {
  MerkleFrontier f;
  for (uint64_t i = 0; i < n; ++i) f.Append(MerkleLeafHash(SampleEventBytes(i)), nullptr);
  return f.Root();
}

// Drops the column families added with the Merkle tree: a ledger as jejak
// wrote it before.
void MakeOldLedger(const std::string& dir) {
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<rocksdb::ColumnFamilyDescriptor> d;
  for (const auto& f : testing::LedgerFamilies()) d.emplace_back(f, rocksdb::ColumnFamilyOptions());
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir, d, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (auto* h : handles) {
    if (h->GetName() == layout::kMerkle || h->GetName() == layout::kCheckpoints) {
      REQUIRE(db->DropColumnFamily(h).ok());
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();
}

TEST_CASE("proofs: the ledger's tree matches the reference at every size") {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path());
  CHECK(ledger->MerkleRoot(0) == MerkleEmptyRoot());
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < 37; ++i) {
    if (i % 5 == 4) {
      ledger->AppendBatch(std::move(batch));
      batch.clear();
    }
    if (ledger->size() == i) {
      ledger->Append(SampleEventBytes(i));
    } else {
      batch.push_back(SampleEventBytes(i));
    }
  }
  ledger->AppendBatch(std::move(batch));
  REQUIRE(ledger->size() == 37);
  for (uint64_t n = 1; n <= 37; ++n) {
    Hash root = ReferenceRoot(n);
    REQUIRE(ledger->MerkleRoot(n) == root);
    for (uint64_t i = 0; i < n; i += 3) {
      CHECK(VerifyInclusion(i, n, MerkleLeafHash(SampleEventBytes(i)), ledger->InclusionProof(i, n), root));
    }
    CHECK(VerifyConsistency(n / 2, n, ReferenceRoot(n / 2), root,
                            ledger->ConsistencyProof(n / 2, n)));
  }
  CHECK_THROWS_AS(ledger->MerkleRoot(38), Error);
  ledger.reset();
  auto reader = Ledger::OpenReadOnly(dir.path());
  CHECK(reader->MerkleRoot(37) == ReferenceRoot(37));
  VerifyReport r = VerifyLedger(dir.path());
  CHECK(r.ok);
  CHECK(r.merkle);
  CHECK(r.merkle_root == ReferenceRoot(37));
}

TEST_CASE("proofs: a ledger made before the tree opens and gets its tree") {
  TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path());
    for (uint64_t i = 0; i < 21; ++i) ledger->Append(SampleEventBytes(i));
  }
  MakeOldLedger(dir.path());
  {
    auto reader = Ledger::OpenReadOnly(dir.path());
    CHECK(reader->size() == 21);
    try {
      reader->MerkleRoot(21);
      FAIL("no tree expected");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kNotFound);
    }
    VerifyReport r = VerifyLedger(dir.path());
    CHECK(r.ok);
    CHECK_FALSE(r.merkle);
  }
  auto ledger = Ledger::Open(dir.path());
  CHECK(ledger->MerkleRoot(21) == ReferenceRoot(21));
  ledger->Append(SampleEventBytes(21));
  CHECK(ledger->MerkleRoot(22) == ReferenceRoot(22));
  ledger.reset();
  CHECK(VerifyLedger(dir.path()).ok);
}

TEST_CASE("proofs: verify names a changed Merkle node and a checkpoint beyond the entries") {
  TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path());
    for (uint64_t i = 0; i < 8; ++i) ledger->Append(SampleEventBytes(i));
  }
  SUBCASE("changed node in a tile") {
    {
      testing::RawDb db(dir.path(), testing::LedgerFamilies());
      std::string tile = *db.Get(layout::kMerkle, layout::MerkleKey(0, 0));
      REQUIRE(tile.size() == tiles::HashCount(8) * 32);
      tile[tiles::Offset(8, 1, 2) + 5] ^= 1;  // node (level 1, index 2): leaves 4 and 5
      db.Put(layout::kMerkle, layout::MerkleKey(0, 0), tile);
    }
    VerifyReport r = VerifyLedger(dir.path());
    CHECK_FALSE(r.ok);
    CHECK(r.problem.find("level 1, index 2") != std::string::npos);
    CHECK(*r.bad_seq == 5);
  }
  SUBCASE("checkpoint beyond") {
    testing::RawDb(dir.path(), testing::LedgerFamilies())
        .Put(layout::kCheckpoints, layout::SeqKey(9), "x\n9\nAAAA\n\n");
    VerifyReport r = VerifyLedger(dir.path());
    CHECK_FALSE(r.ok);
    CHECK(r.problem.find("beyond") != std::string::npos);
  }
}

// 600 entries: full tiles (0, 0) and (0, 1), partial tiles (0, 2) of width
// 88 and (1, 0) of width 2.
TEST_CASE("proofs: verify names the first bad node of a tampered tile") {
  TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path());
    std::vector<std::string> batch;
    for (uint64_t i = 0; i < 600; ++i) batch.push_back(SampleEventBytes(i));
    ledger->AppendBatch(std::move(batch));
    CHECK(ledger->MerkleRoot(600) == ReferenceRoot(600));
  }
  auto change = [&](uint64_t tile_index, const std::function<void(std::string*)>& fn) {
    testing::RawDb db(dir.path(), testing::LedgerFamilies());
    std::string tile = *db.Get(layout::kMerkle, layout::MerkleKey(0, tile_index));
    fn(&tile);
    db.Put(layout::kMerkle, layout::MerkleKey(0, tile_index), tile);
  };
  auto fails_at = [&](uint64_t seq, const std::string& problem) {
    VerifyReport r = VerifyLedger(dir.path());
    CAPTURE(r.problem);
    CHECK_FALSE(r.ok);
    REQUIRE(r.bad_seq.has_value());
    CHECK(*r.bad_seq == seq);
    CHECK(r.problem.find(problem) != std::string::npos);
  };
  SUBCASE("a flipped bit in a full tile") {
    // Node (level 3, index 40) covers leaves 320..327; tile 1's row 3, column 8.
    change(1, [](std::string* t) { (*t)[tiles::Offset(256, 3, 8)] ^= 0x40; });
    fails_at(327, "Merkle node (level 3, index 40) does not match");
  }
  SUBCASE("a leaf changed in the partial tile") {
    change(2, [](std::string* t) { (*t)[tiles::Offset(88, 0, 10) + 31] ^= 1; });
    fails_at(522, "Merkle node (level 0, index 522) does not match");
  }
  SUBCASE("a partial tile cut short") {
    change(2, [](std::string* t) { t->resize(tiles::HashCount(87) * 32); });
    // Every row after the bottom one moved: the first node read there differs.
    fails_at(513, "Merkle node (level 1, index 256) does not match");
  }
  SUBCASE("a tile with a malformed size") {
    change(1, [](std::string* t) { t->pop_back(); });
    fails_at(256, "Merkle tile (level 0, index 1) is malformed");
  }
  SUBCASE("a deleted tile") {
    testing::RawDb(dir.path(), testing::LedgerFamilies())
        .Delete(layout::kMerkle, layout::MerkleKey(0, 1));
    fails_at(256, "Merkle node (level 0, index 256) is missing");
  }
  SUBCASE("a tile beyond the entries") {
    testing::RawDb(dir.path(), testing::LedgerFamilies())
        .Put(layout::kMerkle, layout::MerkleKey(0, 7), std::string(32, 'x'));
    fails_at(600, "Merkle tile (level 0, index 7) is beyond");
  }
}

TEST_CASE("proofs: a format v1 ledger migrates to tiles on the writer's open") {
  TempDir dir;
  constexpr uint64_t kN = 700;
  testing::MakeV1Ledger(dir.path(), kN);
  std::vector<std::string> families;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::Options(), dir.path(), &families).ok());
  CHECK(std::find(families.begin(), families.end(), layout::kMerkleV1) != families.end());
  CHECK(std::find(families.begin(), families.end(), layout::kMerkle) == families.end());
  // Readers cannot migrate, and say how to.
  try {
    Ledger::OpenReadOnly(dir.path());
    FAIL("a v1 ledger opened read-only");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("jejak-ledger-v1") != std::string::npos);
    CHECK(std::string(e.what()).find("migrate") != std::string::npos);
  }
  {
    auto ledger = Ledger::Open(dir.path());
    CHECK(ledger->size() == kN);
    CHECK(ledger->MerkleRoot(kN) == ReferenceRoot(kN));
    ledger->Append(SampleEventBytes(kN));
  }
  families.clear();
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::Options(), dir.path(), &families).ok());
  CHECK(std::find(families.begin(), families.end(), layout::kMerkleV1) == families.end());
  CHECK(std::find(families.begin(), families.end(), layout::kByRequest) == families.end());
  CHECK(std::find(families.begin(), families.end(), layout::kByActor) == families.end());
  CHECK(*testing::RawDb(dir.path(), testing::LedgerFamilies())
             .Get(rocksdb::kDefaultColumnFamilyName, layout::kFormatKey) == layout::kFormatValue);
  auto reader = Ledger::OpenReadOnly(dir.path());
  uint64_t n = kN + 1;
  Hash root = ReferenceRoot(n);
  CHECK(reader->MerkleRoot(n) == root);
  for (uint64_t i : {uint64_t{0}, uint64_t{255}, uint64_t{256}, uint64_t{511}, kN}) {
    CHECK(VerifyInclusion(i, n, MerkleLeafHash(SampleEventBytes(i)), reader->InclusionProof(i, n), root));
  }
  CHECK(VerifyConsistency(300, n, ReferenceRoot(300), root, reader->ConsistencyProof(300, n)));
  VerifyReport r = VerifyLedger(dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.merkle_root == root);
}

TEST_CASE("proofs: a v1 tree that disagrees with the entries stops the migration") {
  TempDir dir;
  testing::MakeV1Ledger(dir.path(), 40);
  {
    std::vector<std::string> families = testing::V2Families();
    families.erase(std::find(families.begin(), families.end(), layout::kMerkle));
    families.push_back(layout::kMerkleV1);
    testing::RawDb(dir.path(), families)
        .Put(layout::kMerkleV1, layout::MerkleKey(5, 0), std::string(32, 'x'));
  }
  try {
    Ledger::Open(dir.path());
    FAIL("migrated a tree that disagrees");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kCorruption);
    CHECK(std::string(e.what()).find("v1 tree") != std::string::npos);
  }
  // The indexes stay where format v1 keeps them.
  std::vector<std::string> families;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::Options(), dir.path(), &families).ok());
  CHECK(std::find(families.begin(), families.end(), layout::kByRequest) != families.end());
}

TEST_CASE("note: signs the Go sumdb/note known answer byte for byte") {
  // golang.org/x/mod/sumdb/note, the package documentation's example.
  SigningKey k = ParseSigningKey(
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
  CHECK(FormatVerifierKey(k.verifier) ==
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  std::string text =
      "If you think cryptography is the answer to your problem,\n"
      "then you don't know what your problem is.\n";
  std::string note = SignNote(text, k);
  CHECK(note ==
        text +
            "\n\xE2\x80\x94 PeterNeumann "
            "x08go/ZJkuBS9UG/"
            "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
  VerifierKey v = ParseVerifierKey(FormatVerifierKey(k.verifier));
  std::string opened, problem;
  CHECK(OpenNote(note, v, &opened, &problem));
  CHECK(opened == text);
  std::string changed = note;
  changed[3] = 'X';
  CHECK_FALSE(OpenNote(changed, v, &opened, &problem));
  CHECK(problem.find("does not verify") != std::string::npos);
  CHECK_THROWS_AS(
      ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
      Error);
}

// A ledger with a key, a checkpoint and a few entries.
struct Signed {
  TempDir dir;
  SigningKey key = GenerateSigningKey("jejak.go.id/test");
  std::unique_ptr<Ledger> ledger = Ledger::Open(dir.path());
  std::string checkpoint;

  Signed() {
    for (uint64_t i = 0; i < 11; ++i) ledger->Append(SampleEventBytes(i));
    checkpoint = AnnounceAndCheckpoint(*ledger, key, {"admin", "admin", ""});
  }
};

TEST_CASE("checkpoint: announces a new key once and records every checkpoint") {
  Signed s;
  // The signing_key_added event, then the checkpoint's record.
  CHECK(s.ledger->size() == 13);
  auto e = events::Decode(s.ledger->Get(11)->bytes);
  CHECK(e.type == "signing_key_added");
  CHECK(e.fields.at("verifier_key").text() == FormatVerifierKey(s.key.verifier));
  Checkpoint c;
  std::string problem;
  REQUIRE(VerifyCheckpoint(s.checkpoint, s.key.verifier, &c, &problem));
  CHECK(c.size == 12);
  CHECK(c.root == s.ledger->MerkleRoot(12));
  auto record = events::Decode(s.ledger->Get(12)->bytes);
  CHECK(record.type == "checkpoint_signed");
  CHECK(RecordedCheckpoint(record) == s.checkpoint);
  CHECK(s.ledger->GetCheckpoint(12) == s.checkpoint);
  // Nothing but its own record follows it: nothing new to sign.
  CHECK(MakeCheckpoint(*s.ledger, s.key) == s.checkpoint);
  CHECK(s.ledger->size() == 13);
  s.ledger->Append(SampleEventBytes(99));
  std::string second = AnnounceAndCheckpoint(*s.ledger, s.key, {"admin", "admin", ""});
  CHECK(s.ledger->size() == 15);  // no second announcement; one record
  CHECK(ParseCheckpoint(second).size == 14);
  CHECK(s.ledger->GetCheckpoint(12) == s.checkpoint);
  CHECK(s.ledger->LatestCheckpoint() == second);
  // A rotated key is announced before it signs.
  SigningKey next = GenerateSigningKey("jejak.go.id/test");
  CHECK_THROWS_AS(MakeCheckpoint(*s.ledger, next), Error);
  AnnounceAndCheckpoint(*s.ledger, next, {"admin", "admin", ""});
  CHECK(s.ledger->size() == 17);
  VerifyReport r = VerifyLedger(s.dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.checkpoints == 3);
}

TEST_CASE("checkpoint: a v3 ledger's stored checkpoints are recorded when it is upgraded") {
  TempDir dir;
  SigningKey key = GenerateSigningKey("jejak.go.id/test");
  std::string note;
  {
    auto ledger = Ledger::Open(dir.path());
    ledger->Append(events::Encode(SigningKeyEvent(key.verifier, {"admin", "admin", ""}, 1)));
    for (uint64_t i = 0; i < 5; ++i) ledger->Append(SampleEventBytes(i));
    note = SignCheckpoint({key.verifier.name, 6, ledger->MerkleRoot(6), ""}, key);
  }
  {
    // What format v3 kept: the checkpoint, without a record.
    testing::RawDb raw(dir.path(), testing::LedgerFamilies());
    raw.Put(layout::kCheckpoints, layout::SeqKey(6), note);
    raw.Put("default", layout::kFormatKey, layout::kFormatV3);
  }
  CHECK_THROWS_WITH_AS(Ledger::OpenReadOnly(dir.path()), doctest::Contains("jejak-ledger-v3"),
                       Error);
  {
    auto ledger = Ledger::Open(dir.path());
    REQUIRE(ledger->size() == 7);
    auto record = events::Decode(ledger->Get(6)->bytes);
    CHECK(RecordedCheckpoint(record) == note);
  }
  VerifyReport r = VerifyLedger(dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.checkpoints == 1);
  CHECK(testing::RawDb(dir.path(), testing::LedgerFamilies()).Get("default", layout::kFormatKey) ==
        layout::kFormatValue);
}

TEST_CASE("checkpoint: a record must be a well-formed checkpoint that covers no entry after it") {
  TempDir dir;
  SigningKey key = GenerateSigningKey("jejak.go.id/test");
  auto ledger = Ledger::Open(dir.path());
  for (uint64_t i = 0; i < 3; ++i) ledger->Append(SampleEventBytes(i));
  events::Actor system{"system", "system", ""};
  std::string ahead = SignCheckpoint({key.verifier.name, 5, Hash{}, ""}, key);
  CHECK_THROWS_AS(ledger->Append(events::Encode(CheckpointEvent(ahead, 0, system, 1))), Error);
  CHECK_THROWS_AS(ledger->Append(events::Encode(CheckpointEvent("not a note", 0, system, 1))),
                  Error);
  CHECK(ledger->size() == 3);
  CHECK(!ledger->LatestCheckpoint());
}

TEST_CASE("checkpoint: extension lines are kept byte for byte and an empty one is malformed") {
  SigningKey k = GenerateSigningKey("jejak.go.id/test");
  Checkpoint c{k.verifier.name, 7, Hash{}, "Timestamp: 1700000000\nanother line\n"};
  c.root[0] = 1;
  std::string note = SignCheckpoint(c, k);
  Checkpoint read;
  std::string problem;
  REQUIRE(VerifyCheckpoint(note, k.verifier, &read, &problem));
  CHECK(read.extensions == c.extensions);
  CHECK(CheckpointText(read) == note.substr(0, note.find("\n\n") + 1));
  CHECK(ParseCheckpoint(note).extensions == c.extensions);
  // The text of a note holds no blank line, but a forged one may claim to.
  std::string forged = CheckpointText({k.verifier.name, 7, c.root, ""}) + "\n" +
                       "x\n\n\xE2\x80\x94 jejak.go.id/test AAAAAAAA\n";
  CHECK_THROWS_AS(ParseCheckpoint(forged), Error);
}

TEST_CASE("receipt: verifies and any changed member fails naming it") {
  Signed s;
  json r = MakeReceipt(*s.ledger, 4, s.checkpoint);
  REQUIRE(VerifyReceipt(r, s.key.verifier).ok);
  CHECK_FALSE(VerifyReceipt(r, GenerateSigningKey("jejak.go.id/test").verifier).ok);
  struct Change {
    const char* name;
    std::function<void(json&)> change;
    const char* problem;
  };
  std::vector<Change> changes = {
      {"format", [](json& j) { j["format"] = "jejak-receipt-v0"; }, "format:"},
      {"seq", [](json& j) { j["seq"] = 5; }, "event: member \"seq\""},
      {"event and seq",
       [](json& j) {
         j["seq"] = 5;
         j["event"]["seq"] = 5;
       },
       "chain:"},
      {"chain", [](json& j) { j["chain"] = std::string(64, '0'); }, "chain:"},
      {"previous_chain", [](json& j) { j["previous_chain"] = std::string(64, '1'); }, "chain:"},
      {"event actor", [](json& j) { j["event"]["actor"]["subject"] = "x"; }, "member \"actor\""},
      {"event time", [](json& j) { j["event"]["time"] = "2027-01-01T00:00:00.000000Z"; },
       "member \"time\""},
      {"event extra", [](json& j) { j["event"]["extra"] = 1; }, "not in the bytes"},
      {"bytes", [](json& j) { j["bytes"] = j["bytes"].get<std::string>() + "00"; }, "bytes:"},
      {"checkpoint size",
       [](json& j) {
         std::string c = j["checkpoint"];
         j["checkpoint"] = c.replace(c.find("\n12\n"), 4, "\n13\n");
       },
       "checkpoint: the signature"},
      {"checkpoint signature",
       [](json& j) {
         std::string c = j["checkpoint"];
         c[c.size() - 6] = c[c.size() - 6] == 'A' ? 'B' : 'A';
         j["checkpoint"] = c;
       },
       "checkpoint:"},
      {"inclusion_proof", [](json& j) { j["inclusion_proof"][1] = std::string(64, 'a'); },
       "inclusion_proof:"},
      {"inclusion_proof shorter", [](json& j) { j["inclusion_proof"].erase(0); },
       "inclusion_proof:"},
      {"missing member", [](json& j) { j.erase("previous_chain"); }, "previous_chain:"},
  };
  for (const auto& c : changes) {
    CAPTURE(c.name);
    json bad = r;
    c.change(bad);
    OfflineCheck check = VerifyReceipt(bad, s.key.verifier);
    CHECK_FALSE(check.ok);
    CHECK(check.problem.find(c.problem) != std::string::npos);
    CAPTURE(check.problem);
  }
}

TEST_CASE("export: every range verifies and changes fail") {
  Signed s;
  for (uint64_t from = 0; from <= 12; from += 3) {
    for (uint64_t to = from; to <= 12; to += 4) {
      CAPTURE(from);
      CAPTURE(to);
      json doc = MakeExport(*s.ledger, from, to, s.checkpoint);
      CHECK(VerifyExport(doc, s.key.verifier).ok);
      if (to == from) continue;
      json bad = doc;
      bad["entries"][0]["bytes"] = base::ToHex(SampleEventBytes(1000));
      CHECK(VerifyExport(bad, s.key.verifier).problem.find("entries[0].") == 0);
      if (from > 0) {
        bad = doc;
        bad["left_subtrees"][0] = std::string(64, 'c');
        CHECK(VerifyExport(bad, s.key.verifier).problem.find("consistency_proof:") == 0);
      }
      bad = doc;
      bad["entries"].erase(bad["entries"].size() - 1);
      CHECK_FALSE(VerifyExport(bad, s.key.verifier).ok);
    }
  }
}

}  // namespace
}  // namespace jejak::ledger
