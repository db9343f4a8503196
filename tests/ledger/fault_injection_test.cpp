// Storage faults under a writer, injected by a failing file system
// (tests/helpers/fault_injection_fs.h): a full disk, EIO on sync, a read-only
// file system. A failed synced write is reported, never an abort; nothing of
// it is acknowledged; the ledger goes on from its last durable entry once it
// recovers, or says that it cannot in this process.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/chain.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/helpers/fault_injection_fs.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using namespace std::chrono_literals;
using base::Error;
using base::ErrorCode;
using testing::FaultInjectionFs;
using testing::SampleEvent;
using testing::TempDir;

std::vector<std::string> Events(uint64_t from, uint64_t n) {
  std::vector<std::string> out;
  for (uint64_t i = from; i < from + n; ++i) out.push_back(events::Encode(SampleEvent(i)));
  return out;
}

struct Faulty {
  std::shared_ptr<FaultInjectionFs> fs = std::make_shared<FaultInjectionFs>();
  std::unique_ptr<rocksdb::Env> env = FaultInjectionFs::NewEnv(fs);
  TempDir dir;

  std::unique_ptr<Ledger> Open() {
    OpenOptions o;
    o.env = env.get();
    return Ledger::Open(dir.path(), o);
  }
};

// Appending fails with kIoError naming the cause; nothing is acknowledged.
void CheckAppendFails(Ledger& ledger, uint64_t from, const std::string& cause) {
  uint64_t size = ledger.size();
  Hash head = ledger.head();
  try {
    ledger.AppendBatch(Events(from, 5));
    FAIL("the append was acknowledged");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kIoError);
    CHECK_MESSAGE(std::string(e.what()).find(cause) != std::string::npos, e.what());
  }
  CHECK(ledger.size() == size);
  CHECK(ledger.head() == head);
}

// Reads go on while writes fail.
void CheckReads(Ledger& ledger, uint64_t size) {
  REQUIRE(ledger.size() == size);
  auto last = ledger.Get(size - 1);
  REQUIRE(last);
  CHECK(last->bytes == events::Encode(SampleEvent(size - 1)));
  uint64_t scanned = 0;
  ledger.Scan(0, size, [&](const Entry&) { return ++scanned > 0; });
  CHECK(scanned == size);
  CHECK(ledger.MerkleRoot(size) != Hash{});
}

// Recovers appends and index writes, as a server retrying every 100 ms would.
bool RecoverWithin(Ledger& ledger, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ledger.Recover() || ledger.Health().state != WriteHealth::kOk) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

void CheckVerifies(const std::string& dir, uint64_t size) {
  VerifyReport r = VerifyLedger(dir);
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.entries == size);
}

TEST_CASE("fault injection: a full disk refuses appends until there is space, then they go on") {
  for (bool partial : {false, true}) {
    CAPTURE(partial);
    Faulty f;
    {
      auto ledger = f.Open();
      ledger->AppendBatch(Events(0, 10));
      Hash head = ledger->head();
      f.fs->SetFull(true, partial);
      CheckAppendFails(*ledger, 10, "No space left on device");
      WriteHealth h = ledger->Health();
      CHECK(h.state == WriteHealth::kDegraded);
      CHECK(!h.appends);
      CHECK(h.errors >= 1);
      CHECK(h.problem.find("No space left on device") != std::string::npos);
      // Refused without writing.
      CheckAppendFails(*ledger, 10, "refused");
      CHECK(!ledger->Recover());
      CheckReads(*ledger, 10);

      f.fs->SetFull(false);
      REQUIRE(RecoverWithin(*ledger, 30s));
      CHECK(ledger->Health().state == WriteHealth::kOk);
      // The next entry takes the failed batch's place, chained to the last
      // durable one.
      Appended a = ledger->Append(events::Encode(SampleEvent(100)));
      CHECK(a.seq == 10);
      CHECK(a.chain == ChainHash(10, head, events::Encode(SampleEvent(100))));
      ledger->AppendBatch(Events(11, 20));
      CHECK(ledger->size() == 31);
      CHECK(ledger->SeqsByActor("officer-1").size() == 6);
    }
    CheckVerifies(f.dir.path(), 31);
  }
}

TEST_CASE("fault injection: a write that fails on a freshly opened ledger can be recovered from") {
  // Every memtable is empty after an open: RocksDB resumes by flushing them,
  // and with nothing to flush it would stay on the failed write-ahead log,
  // which librocksdb 7.8 aborts on (write_guard.h). The open writes to them.
  Faulty f;
  { f.Open()->AppendBatch(Events(0, 3)); }
  {
    auto ledger = f.Open();
    f.fs->SetFull(true);
    CheckAppendFails(*ledger, 3, "No space left on device");
    f.fs->SetFull(false);
    REQUIRE(RecoverWithin(*ledger, 30s));
    CHECK(ledger->AppendBatch(Events(3, 4)).front().seq == 3);
  }
  CheckVerifies(f.dir.path(), 7);
}

TEST_CASE("fault injection: EIO on sync cannot be recovered from in this process") {
  Faulty f;
  {
    auto ledger = f.Open();
    ledger->AppendBatch(Events(0, 10));
    f.fs->SetSyncError(true);
    CheckAppendFails(*ledger, 10, "Input/output error");
    f.fs->SetSyncError(false);
    CHECK(!ledger->Recover());
    WriteHealth h = ledger->Health();
    CHECK(h.state == WriteHealth::kFailed);
    CHECK(h.problem.find("cannot write again in this process") != std::string::npos);
    CheckAppendFails(*ledger, 10, "start it again");
    CheckReads(*ledger, 10);
  }  // closes without aborting
  // A new process: every acknowledged entry is there. The batch whose sync
  // failed was written, so it may be too; it was never acknowledged.
  auto ledger = Ledger::Open(f.dir.path());
  CHECK((ledger->size() == 10 || ledger->size() == 15));
  uint64_t size = ledger->size();
  ledger->AppendBatch(Events(size, 2));
  ledger.reset();
  CheckVerifies(f.dir.path(), size + 2);
}

TEST_CASE("fault injection: a read-only file system refuses appends and closes cleanly") {
  Faulty f;
  {
    auto ledger = f.Open();
    ledger->AppendBatch(Events(0, 10));
    f.fs->SetReadOnly(true);
    CheckAppendFails(*ledger, 10, "Read-only file system");
    CHECK(!ledger->Recover());
    CHECK(ledger->Health().state == WriteHealth::kFailed);
    CheckReads(*ledger, 10);
  }
  f.fs->SetReadOnly(false);
  {
    auto ledger = Ledger::Open(f.dir.path());
    CHECK(ledger->size() == 10);
    ledger->AppendBatch(Events(10, 1));
  }
  CheckVerifies(f.dir.path(), 11);
}

TEST_CASE(
    "fault injection: a full disk under the index database stops index writes until it clears") {
  Faulty f;
  auto index_files = [](const std::string& name) {
    return name.find("/index/") != std::string::npos;
  };
  {
    auto ledger = f.Open();
    ledger->AppendBatch(Events(0, 10));
    REQUIRE(ledger->SeqsByActor("officer-2").size() == 2);
    f.fs->SetFilter(index_files);
    f.fs->SetFull(true);
    // Appends go on (their write is the main database's); index writes fail
    // within about a second, and index reads then say so.
    ledger->AppendBatch(Events(10, 10));
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (ledger->Health().state == WriteHealth::kOk &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    WriteHealth h = ledger->Health();
    CHECK(h.state == WriteHealth::kDegraded);
    CHECK(h.appends);
    // The keys it could not write are still read from memory; those of
    // later entries are not gathered, and index reads say so.
    CHECK(ledger->SeqsByActor("officer-2").size() == 4);
    ledger->AppendBatch(Events(20, 10));  // still accepted, indexed later
    CHECK_THROWS_AS(ledger->SeqsByActor("officer-2"), Error);

    f.fs->SetFull(false);
    REQUIRE(RecoverWithin(*ledger, 30s));
    CHECK(ledger->SeqsByActor("officer-2").size() == 6);
    CHECK(ledger->Health().state == WriteHealth::kOk);
  }
  CheckVerifies(f.dir.path(), 30);
}

}  // namespace
}  // namespace jejak::ledger
