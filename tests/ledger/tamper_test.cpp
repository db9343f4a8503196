// Changes a ledger's RocksDB behind jejak's back and checks that VerifyLedger
// names the first bad sequence number and the kind of damage.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

#include "events/encoding.h"
#include "ledger/chain.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/ledger/index_tamper.h"
#include "tests/ledger/verify_fails.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using testing::IndexDir;
using testing::IndexFamilies;
using testing::LedgerFamilies;
using testing::RawDb;
using testing::SampleEvent;
using testing::TempDir;

constexpr uint64_t kEntries = 20;

// A ledger of kEntries entries; entry n is SampleEvent(n), request "REQ-n"
// and actor "officer-<n % 5>".
struct Fixture {
  TempDir dir;
  std::vector<Hash> chains;
  Fixture() {
    auto ledger = Ledger::Open(dir.path());
    for (uint64_t n = 0; n < kEntries; ++n) {
      chains.push_back(ledger->Append(events::Encode(SampleEvent(n))).chain);
    }
  }
  std::string HeadRecord(uint64_t size) const {
    std::string r = layout::SeqKey(size);
    r += AsBytes(chains[size - 1]);
    return r;
  }
};

std::string RequestOf(uint64_t n) { return "REQ-" + std::to_string(n); }
std::string ActorOf(uint64_t n) { return "officer-" + std::to_string(n % 5); }

TEST_CASE("tamper: a clean ledger verifies with its count and head") {
  Fixture f;
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  VerifyReport r = VerifyLedger(
      f.dir.path(), [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); });
  CHECK(r.ok);
  CHECK(r.entries == kEntries);
  CHECK(r.head == f.chains.back());
  CHECK(!r.bad_seq);
  CHECK(r.problem.empty());
  REQUIRE(!progress.empty());
  CHECK(progress.back() == std::pair<uint64_t, uint64_t>(kEntries, kEntries));
}

TEST_CASE("tamper: an empty ledger verifies") {
  TempDir dir;
  Ledger::Open(dir.path());
  VerifyReport r = VerifyLedger(dir.path());
  CHECK(r.ok);
  CHECK(r.entries == 0);
  CHECK(r.head == kGenesisChain);
}

TEST_CASE("tamper: one flipped byte in an entry's bytes") {
  for (uint64_t seq : {uint64_t{0}, uint64_t{7}, kEntries - 1}) {
    CAPTURE(seq);
    Fixture f;
    {
      RawDb db(f.dir.path(), LedgerFamilies());
      std::string value = db.Get(layout::kEntries, layout::SeqKey(seq)).value();
      REQUIRE(value.size() > layout::kChainSize + 10);
      value[layout::kChainSize + (value.size() - layout::kChainSize) / 2] ^= 0x01;
      db.Put(layout::kEntries, layout::SeqKey(seq), value);
    }
    testing::CheckVerifyFailsAt(f.dir.path(), seq, "hash mismatch");
  }
}

TEST_CASE("tamper: one flipped byte in an entry's stored chain hash") {
  for (uint64_t seq : {uint64_t{0}, uint64_t{7}, kEntries - 1}) {
    CAPTURE(seq);
    Fixture f;
    {
      RawDb db(f.dir.path(), LedgerFamilies());
      std::string value = db.Get(layout::kEntries, layout::SeqKey(seq)).value();
      value[5] ^= 0x80;
      db.Put(layout::kEntries, layout::SeqKey(seq), value);
    }
    testing::CheckVerifyFailsAt(f.dir.path(), seq, "hash mismatch");
  }
}

TEST_CASE("tamper: a deleted entry in the middle is a gap") {
  Fixture f;
  RawDb(f.dir.path(), LedgerFamilies()).Delete(layout::kEntries, layout::SeqKey(10));
  testing::CheckVerifyFailsAt(f.dir.path(), 10, "entry 10 is missing");
}

TEST_CASE("tamper: two swapped entries are reported as reordered") {
  for (auto pair : {std::pair<uint64_t, uint64_t>{5, 12}, {5, 6}, {0, kEntries - 1}}) {
    uint64_t a = pair.first, b = pair.second;
    CAPTURE(a);
    CAPTURE(b);
    Fixture f;
    {
      RawDb db(f.dir.path(), LedgerFamilies());
      std::string va = db.Get(layout::kEntries, layout::SeqKey(a)).value();
      std::string vb = db.Get(layout::kEntries, layout::SeqKey(b)).value();
      db.Put(layout::kEntries, layout::SeqKey(a), vb);
      db.Put(layout::kEntries, layout::SeqKey(b), va);
    }
    testing::CheckVerifyFailsAt(f.dir.path(), a,
                                "entries reordered: the entry that belongs at " +
                                    std::to_string(a) + " is stored at " + std::to_string(b));
  }
}

TEST_CASE("tamper: a truncated tail is caught by the head record") {
  Fixture f;
  {
    RawDb db(f.dir.path(), LedgerFamilies());
    for (uint64_t seq = 15; seq < kEntries; ++seq) db.Delete(layout::kEntries, layout::SeqKey(seq));
  }
  testing::CheckVerifyFailsAt(f.dir.path(), 15, "head record says 20 entries");
}

TEST_CASE("tamper: a truncated tail with a forged head record is caught by the indexes") {
  Fixture f;
  {
    RawDb db(f.dir.path(), LedgerFamilies());
    for (uint64_t seq = 15; seq < kEntries; ++seq) db.Delete(layout::kEntries, layout::SeqKey(seq));
    db.Put(rocksdb::kDefaultColumnFamilyName, layout::kHeadKey, f.HeadRecord(15));
  }
  testing::CheckVerifyFailsAt(f.dir.path(), 15, "which is not in the ledger");
}

// For each index: takes entry seq out of its id's list, calls edit(db, index,
// id), and checks that verification fails at bad with problem (index's name
// in place of {}).
void CheckIndexTamper(uint64_t seq,
                      const std::function<void(RawDb&, const char*, const std::string&)>& edit,
                      uint64_t bad, const std::string& problem) {
  for (const char* index : {layout::kByRequest, layout::kByActor}) {
    CAPTURE(index);
    Fixture f;
    std::string id = index == layout::kByRequest ? RequestOf(seq) : ActorOf(seq);
    {
      RawDb db(IndexDir(f.dir.path()), IndexFamilies());
      REQUIRE(testing::Unlist(db, index, id, seq));
      edit(db, index, id);
    }
    testing::CheckVerifyFailsAt(f.dir.path(), bad, fmt::format(fmt::runtime(problem), index));
  }
}

TEST_CASE("tamper: a removed index key is missing") {
  CheckIndexTamper(
      7, [](RawDb&, const char*, const std::string&) {}, 7, "index {} has no key for entry 7");
}

TEST_CASE("tamper: an index key pointing elsewhere") {
  // Entry 9's key is moved to entry 3, which has another request and actor.
  CheckIndexTamper(
      9,
      [](RawDb& db, const char* index, const std::string& id) {
        db.Put(index, layout::IndexKey(id, 3), "");
      },
      3, "points to entry 3, which belongs elsewhere");
}

TEST_CASE("tamper: an index value that is not a list of seqs") {
  CheckIndexTamper(
      11,
      [](RawDb& db, const char* index, const std::string& id) {
        db.Put(index, layout::IndexKey(id, 11), "\x80");  // a truncated varint
      },
      11, "at entry 11 has a malformed value");
}

TEST_CASE("tamper: a head record that disagrees") {
  SUBCASE("wrong head hash") {
    Fixture f;
    std::string record = f.HeadRecord(kEntries);
    record.back() ^= 0x01;
    RawDb(f.dir.path(), LedgerFamilies()).Put("default", layout::kHeadKey, record);
    testing::CheckVerifyFailsAt(f.dir.path(), kEntries - 1, "the head record says 20 entries");
  }
  SUBCASE("too few entries") {
    Fixture f;
    RawDb(f.dir.path(), LedgerFamilies()).Put("default", layout::kHeadKey, f.HeadRecord(12));
    testing::CheckVerifyFailsAt(f.dir.path(), 12, "the head record says 12 entries");
  }
  SUBCASE("malformed") {
    Fixture f;
    RawDb(f.dir.path(), LedgerFamilies()).Put("default", layout::kHeadKey, "garbage");
    testing::CheckVerifyFailsAt(f.dir.path(), kEntries - 1, "head record is malformed");
  }
  SUBCASE("missing") {
    Fixture f;
    RawDb(f.dir.path(), LedgerFamilies()).Delete("default", layout::kHeadKey);
    testing::CheckVerifyFailsAt(f.dir.path(), kEntries - 1, "no head record");
  }
}

}  // namespace
}  // namespace jejak::ledger
