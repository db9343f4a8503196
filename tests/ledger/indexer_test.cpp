// The background indexer: index keys are written after their entries are
// durable, below the mark jejak.ledger.indexed, in the index database. These
// tests change the databases behind jejak's back to stage what a crash can
// leave.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/ledger/index_tamper.h"
#include "tests/ledger_v1.h"
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

// Entry n is SampleEvent(n): request "REQ-<n % 97>", actor "officer-<n % 5>".
std::string RequestOf(uint64_t n) { return "REQ-" + std::to_string(n % 97); }
std::string ActorOf(uint64_t n) { return "officer-" + std::to_string(n % 5); }

struct Fixture {
  TempDir dir;
  Fixture() {
    auto ledger = Ledger::Open(dir.path());
    for (uint64_t n = 0; n < kEntries; ++n) ledger->Append(events::Encode(SampleEvent(n)));
  }
  std::optional<std::string> Mark() { return Index().Get("default", layout::kIndexedKey); }
  // What a crash after the sync of entries from..kEntries and before their
  // indexing leaves: no keys for them, and the mark at from.
  RawDb Index() { return RawDb(IndexDir(dir.path()), IndexFamilies()); }
  void Unindex(uint64_t from) {
    RawDb db(IndexDir(dir.path()), IndexFamilies());
    for (uint64_t n = from; n < kEntries; ++n) {
      REQUIRE(testing::Unlist(db, layout::kByRequest, RequestOf(n), n));
      REQUIRE(testing::Unlist(db, layout::kByActor, ActorOf(n), n));
    }
    db.Put("default", layout::kIndexedKey, layout::SeqKey(from));
  }
  bool HasKeys(uint64_t n) {
    RawDb db(IndexDir(dir.path()), IndexFamilies());
    return testing::Indexed(db, layout::kByRequest, RequestOf(n), n) &&
           testing::Indexed(db, layout::kByActor, ActorOf(n), n);
  }
};

void CheckVerifies(const std::string& dir) {
  VerifyReport r = VerifyLedger(dir);
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.entries == kEntries);
}

TEST_CASE("indexer: a closed ledger is indexed up to its end") {
  Fixture f;
  CHECK(f.Mark() == layout::SeqKey(kEntries));
  for (uint64_t n = 0; n < kEntries; ++n) CHECK(f.HasKeys(n));
  CheckVerifies(f.dir.path());
}

TEST_CASE("indexer: keys lost between an entry's sync and its indexing come back on open") {
  Fixture f;
  f.Unindex(12);
  CHECK(!f.HasKeys(12));
  CheckVerifies(f.dir.path());  // not indexed yet is not damage
  {
    auto ledger = Ledger::Open(f.dir.path());
    CHECK(ledger->ReadRequest(RequestOf(15)).size() == 1);
    CHECK(ledger->SeqsByActor(ActorOf(19)).back() == 19);
  }
  CHECK(f.Mark() == layout::SeqKey(kEntries));
  for (uint64_t n = 12; n < kEntries; ++n) CHECK(f.HasKeys(n));
  CheckVerifies(f.dir.path());
}

TEST_CASE("indexer: a ledger without a mark is checked whole and re-indexed on open") {
  Fixture f;
  {
    RawDb db(IndexDir(f.dir.path()), IndexFamilies());
    db.Delete("default", layout::kIndexedKey);
    REQUIRE(testing::Unlist(db, layout::kByActor, ActorOf(4), 4));
  }
  VerifyReport r = VerifyLedger(f.dir.path());
  CHECK(!r.ok);
  CHECK(r.bad_seq == 4);
  CHECK(r.problem.find("has no key for entry 4") != std::string::npos);
  Ledger::Open(f.dir.path());
  CHECK(f.Mark() == layout::SeqKey(kEntries));
  CHECK(f.HasKeys(4));
  CheckVerifies(f.dir.path());
}

TEST_CASE("indexer: keys above the mark must still point where they belong") {
  Fixture f;
  f.Unindex(12);
  RawDb(IndexDir(f.dir.path()), IndexFamilies())
      .Put(layout::kByActor, layout::IndexKey(ActorOf(1), 14), "");
  VerifyReport r = VerifyLedger(f.dir.path());
  CHECK(!r.ok);
  CHECK(r.bad_seq == 14);
  CHECK(r.problem.find("points to entry 14, which belongs elsewhere") != std::string::npos);
}

TEST_CASE("indexer: a truncated tail with a forged head and a lowered mark is caught") {
  Fixture f;
  std::string head_record;
  {
    auto ledger = Ledger::Open(f.dir.path());
    head_record = layout::SeqKey(15);
    head_record += AsBytes(ledger->Get(14)->chain);
  }
  {
    RawDb db(f.dir.path(), LedgerFamilies());
    for (uint64_t seq = 15; seq < kEntries; ++seq) db.Delete(layout::kEntries, layout::SeqKey(seq));
    db.Put("default", layout::kHeadKey, head_record);
  }
  RawDb(IndexDir(f.dir.path()), IndexFamilies())
      .Put("default", layout::kIndexedKey, layout::SeqKey(15));
  VerifyReport r = VerifyLedger(f.dir.path());
  CHECK(!r.ok);
  CHECK(r.bad_seq == 15);
  CHECK(r.problem.find("which is not in the ledger") != std::string::npos);
}

TEST_CASE("indexer: a mark past the end is damage, and the writer refuses it") {
  Fixture f;
  RawDb(IndexDir(f.dir.path()), IndexFamilies())
      .Put("default", layout::kIndexedKey, layout::SeqKey(kEntries + 3));
  VerifyReport r = VerifyLedger(f.dir.path());
  CHECK(!r.ok);
  CHECK(r.bad_seq == kEntries);
  CHECK(r.problem.find("the index mark says 23 entries are indexed") != std::string::npos);
  try {
    Ledger::Open(f.dir.path());
    FAIL("opened a ledger whose index mark lies past its end");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kCorruption);
  }
}

TEST_CASE("indexer: index reads on the writer see every append made before them") {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path());
  std::atomic<int> stale{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string request = "REQ-T" + std::to_string(t);
      for (uint64_t i = 0; i < 100; ++i) {
        std::vector<std::string> batch;
        for (int k = 0; k < 10; ++k) {
          batch.push_back(events::Encode(SampleEvent(t * 10'000 + i * 10 + k, request)));
        }
        ledger->AppendBatch(std::move(batch));
        if (ledger->ReadRequest(request).size() != (i + 1) * 10) ++stale;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(stale == 0);
  CHECK(ledger->SeqsByActor("officer-0").size() == 800);
}

TEST_CASE("indexer: an id's entries of one index write share a key") {
  TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path());
    std::vector<std::string> batch;
    for (uint64_t n = 0; n < 300; ++n) batch.push_back(events::Encode(SampleEvent(n)));
    ledger->AppendBatch(std::move(batch));
  }
  RawDb index(IndexDir(dir.path()), IndexFamilies());
  auto actors = index.Scan(layout::kByActor);
  REQUIRE(actors.size() == 5);  // one write, five officers
  CHECK(actors[0].first == layout::IndexKey("officer-0", 0));
  std::vector<uint64_t> want;
  for (uint64_t n = 0; n < 300; n += 5) want.push_back(n);
  CHECK(testing::IndexedSeqs(actors[0].first, actors[0].second) == want);
  CHECK(index.Scan(layout::kByRequest).size() == 97);
  auto reader = Ledger::OpenReadOnly(dir.path());
  CHECK(reader->SeqsByActor("officer-0") == want);
  CHECK(reader->ReadRequest("REQ-3").size() == 4);  // 3, 100, 197, 294
}

TEST_CASE("indexer: index values are LEB128 differences, and malformed ones are refused") {
  std::string value;
  for (uint64_t d : {uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}}) {
    layout::AppendIndexDelta(&value, d);
  }
  CHECK(value == std::string("\x01\x7f\x80\x01\xac\x02", 6));
  std::vector<uint64_t> seqs;
  CHECK(layout::ParseIndexValue(10, value, &seqs));
  CHECK(seqs == std::vector<uint64_t>{10, 11, 138, 266, 566});
  CHECK(layout::ParseIndexValue(7, "", &seqs));
  CHECK(seqs.back() == 7);
  for (std::string bad : {std::string("\x80"), std::string("\x00", 1), std::string("\x80\x00", 2),
                          std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01")}) {
    CAPTURE(bad);
    CHECK(!layout::ParseIndexValue(5, bad, &seqs));
  }
}

std::vector<std::string> MainFamilies(const std::string& dir) {
  std::vector<std::string> families;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::Options(), dir, &families).ok());
  return families;
}

bool Has(const std::vector<std::string>& families, const std::string& f) {
  return std::find(families.begin(), families.end(), f) != families.end();
}

// What the writer's open leaves of a migrated ledger: the indexes only in the
// index database, complete, and the current format marker.
void CheckMigrated(const std::string& dir) {
  std::vector<std::string> families = MainFamilies(dir);
  CHECK(!Has(families, layout::kByRequest));
  CHECK(!Has(families, layout::kByActor));
  RawDb main(dir, LedgerFamilies());
  CHECK(main.Get("default", layout::kFormatKey) == layout::kFormatValue);
  CHECK(!main.Get("default", layout::kIndexedKey));
  RawDb index(IndexDir(dir), IndexFamilies());
  CHECK(index.Get("default", layout::kIndexedKey) == layout::SeqKey(kEntries));
  for (uint64_t n = 0; n < kEntries; ++n) {
    CHECK(testing::Indexed(index, layout::kByRequest, RequestOf(n), n));
    CHECK(testing::Indexed(index, layout::kByActor, ActorOf(n), n));
  }
}

TEST_CASE("indexer: a format v2 ledger moves its indexes out on the writer's open") {
  TempDir dir;
  testing::MakeV2Ledger(dir.path(), kEntries);
  CHECK(Has(MainFamilies(dir.path()), layout::kByRequest));
  CHECK(!std::filesystem::exists(IndexDir(dir.path())));
  // Readers cannot migrate, and say how to.
  for (auto open : {std::function<void()>([&] { Ledger::OpenReadOnly(dir.path()); }),
                    std::function<void()>([&] { VerifyLedger(dir.path()); })}) {
    try {
      open();
      FAIL("a v2 ledger opened for reading");
    } catch (const base::Error& e) {
      CHECK(e.code() == base::ErrorCode::kInvalidArgument);
      CHECK(std::string(e.what()).find("jejak-ledger-v2") != std::string::npos);
      CHECK(std::string(e.what()).find("migrate") != std::string::npos);
    }
  }
  {
    auto ledger = Ledger::Open(dir.path());
    CHECK(ledger->size() == kEntries);
    CHECK(ledger->ReadRequest(RequestOf(15)).front().seq == 15);
    CHECK(ledger->SeqsByActor(ActorOf(19)).back() == 19);
  }
  CheckMigrated(dir.path());
  CheckVerifies(dir.path());
  auto reader = Ledger::OpenReadOnly(dir.path());
  CHECK(reader->SeqsByActor(ActorOf(3)) == std::vector<uint64_t>{3, 8, 13, 18});
}

TEST_CASE("indexer: a migration cut short after the format marker ends on the next open") {
  TempDir dir;
  testing::MakeV2Ledger(dir.path(), kEntries);
  RawDb(dir.path(), testing::V2Families()).Put("default", layout::kFormatKey, layout::kFormatValue);
  // No index database yet: readers say what to do.
  try {
    Ledger::OpenReadOnly(dir.path());
    FAIL("opened a ledger without its index database");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kCorruption);
    CHECK(std::string(e.what()).find("index database") != std::string::npos);
    CHECK(std::string(e.what()).find("rebuilds it") != std::string::npos);
  }
  Ledger::Open(dir.path());
  CheckMigrated(dir.path());
  CheckVerifies(dir.path());
}

TEST_CASE("indexer: a lost index database is rebuilt by the writer") {
  Fixture f;
  std::filesystem::remove_all(IndexDir(f.dir.path()));
  Ledger::Open(f.dir.path());
  CheckMigrated(f.dir.path());
  CheckVerifies(f.dir.path());
}

}  // namespace
}  // namespace jejak::ledger
