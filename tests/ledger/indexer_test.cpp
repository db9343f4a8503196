// The background indexer: index keys are written after their entries are
// durable, below the mark jejak.ledger.indexed. These tests change the
// database behind jejak's back to stage what a crash can leave.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "events/encoding.h"
#include "events/error.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

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
  std::optional<std::string> Mark() {
    return RawDb(dir.path(), LedgerFamilies()).Get("default", layout::kIndexedKey);
  }
  // What a crash after the sync of entries from..kEntries and before their
  // indexing leaves: no keys for them, and the mark at from.
  void Unindex(uint64_t from) {
    RawDb db(dir.path(), LedgerFamilies());
    for (uint64_t n = from; n < kEntries; ++n) {
      db.Delete(layout::kByRequest, layout::IndexKey(RequestOf(n), n));
      db.Delete(layout::kByActor, layout::IndexKey(ActorOf(n), n));
    }
    db.Put("default", layout::kIndexedKey, layout::SeqKey(from));
  }
  bool HasKeys(uint64_t n) {
    RawDb db(dir.path(), LedgerFamilies());
    return db.Get(layout::kByRequest, layout::IndexKey(RequestOf(n), n)) &&
           db.Get(layout::kByActor, layout::IndexKey(ActorOf(n), n));
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
    RawDb db(f.dir.path(), LedgerFamilies());
    db.Delete("default", layout::kIndexedKey);
    db.Delete(layout::kByActor, layout::IndexKey(ActorOf(4), 4));
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
  RawDb(f.dir.path(), LedgerFamilies()).Put(layout::kByActor, layout::IndexKey(ActorOf(1), 14), "");
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
    db.Put("default", layout::kIndexedKey, layout::SeqKey(15));
  }
  VerifyReport r = VerifyLedger(f.dir.path());
  CHECK(!r.ok);
  CHECK(r.bad_seq == 15);
  CHECK(r.problem.find("which is not in the ledger") != std::string::npos);
}

TEST_CASE("indexer: a mark past the end is damage, and the writer refuses it") {
  Fixture f;
  RawDb(f.dir.path(), LedgerFamilies())
      .Put("default", layout::kIndexedKey, layout::SeqKey(kEntries + 3));
  VerifyReport r = VerifyLedger(f.dir.path());
  CHECK(!r.ok);
  CHECK(r.bad_seq == kEntries);
  CHECK(r.problem.find("the index mark says 23 entries are indexed") != std::string::npos);
  try {
    Ledger::Open(f.dir.path());
    FAIL("opened a ledger whose index mark lies past its end");
  } catch (const events::Error& e) {
    CHECK(e.code() == events::ErrorCode::kCorruption);
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

}  // namespace
}  // namespace jejak::ledger
