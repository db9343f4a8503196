// The engine on a failing disk (tests/helpers/fault_injection_fs.h): every
// command in flight gets io_error, none is acknowledged, and once the disk
// has space again commands go on from the last durable event, with the state
// rebuilt from the ledger.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "base/error.h"
#include "engine/engine.h"
#include "events/encoding.h"
#include "ledger/verify.h"
#include "tests/helpers/fault_injection_fs.h"
#include "tests/testutil.h"
#include "tests/workflow/fixture.h"
#include "workflow/workflow.h"

namespace jejak::engine {
namespace {

using namespace std::chrono_literals;
using base::Error;
using base::ErrorCode;
using testing::FaultInjectionFs;

struct FaultyEngine {
  std::shared_ptr<FaultInjectionFs> fs = std::make_shared<FaultInjectionFs>();
  std::unique_ptr<rocksdb::Env> env = FaultInjectionFs::NewEnv(fs);
  testing::TempDir dir;
  std::unique_ptr<Engine> engine;
  events::Actor staff{"NIP-1", "staff", "A"};

  FaultyEngine() {
    EngineOptions o;
    o.data_dir = dir.path();
    o.kek = testing::TestKek();
    o.sla_interval = 0ms;
    o.ledger.env = env.get();
    engine = Engine::Open(o);
    std::string yaml = std::string(workflow::fixture::kHead) + workflow::fixture::kTail;
    engine->Deploy(workflow::ParseWorkflow(yaml, "uji.yaml"), events::Actor{"admin", "admin", "A"});
  }

  SubmitCommand Submit(std::string key = "") {
    SubmitCommand c;
    c.workflow = "uji";
    c.applicant = "3273010101900001";
    c.idempotency_key = std::move(key);
    return c;
  }
};

TEST_CASE("engine storage faults: commands on a full disk get io_error, then go on") {
  FaultyEngine f;
  Accepted first = f.engine->Submit(f.Submit());
  uint64_t size = f.engine->ledger().size();

  f.fs->SetFull(true);
  // Many commands in flight at once: every one is answered, none acknowledged.
  std::vector<std::future<Accepted>> inflight;
  for (int i = 0; i < 50; ++i) inflight.push_back(f.engine->SubmitAsync(f.Submit()));
  for (auto& fut : inflight) {
    try {
      fut.get();
      FAIL("a command was acknowledged on a full disk");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kIoError);
    }
  }
  ActCommand act;
  act.request_id = first.event.request_id;
  act.action = "go";
  act.actor = f.staff;
  CHECK_THROWS_AS(f.engine->Act(act), Error);
  CHECK(f.engine->ledger().size() == size);
  // Reads of the state go on, and show nothing that was not acknowledged.
  f.engine->Read([&](const EngineState& s) { CHECK(s.request_count() == 1); });

  f.fs->SetFull(false);
  // The engine retries the ledger at most every second, as commands come.
  Accepted again;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    try {
      again = f.engine->Act(act);
      break;
    } catch (const Error& e) {
      REQUIRE(e.code() == ErrorCode::kIoError);
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(200ms);
    }
  }
  // The state was rebuilt from the durable events: the request is at
  // version 2, not 2 + the refused commands.
  CHECK(again.event.seq == size);
  CHECK(again.request_version == 2);
  Accepted next = f.engine->Submit(f.Submit());
  CHECK(next.event.seq == size + 1);
  CHECK(next.event.request_id.ends_with("000002"));  // the refused ones took no number
  f.engine.reset();
  ledger::VerifyReport r = ledger::VerifyLedger(f.dir.path() + "/ledger");
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.entries == size + 2);
}

TEST_CASE("engine storage faults: EIO on sync refuses every command until a new process") {
  FaultyEngine f;
  f.engine->Submit(f.Submit());
  f.fs->SetSyncError(true);
  CHECK_THROWS_AS(f.engine->Submit(f.Submit()), Error);
  f.fs->SetSyncError(false);
  std::this_thread::sleep_for(1100ms);  // past the engine's retry interval
  try {
    f.engine->Submit(f.Submit());
    FAIL("acknowledged after a fatal write error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kIoError);
    CHECK(std::string(e.what()).find("start it again") != std::string::npos);
  }
  CHECK(f.engine->ledger().Health().state == ledger::WriteHealth::kFailed);
}

}  // namespace
}  // namespace jejak::engine
