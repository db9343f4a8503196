// Deadlines across crashes: an engine taking deadline actions is killed
// (SIGKILL) before their batch is written, after it is written but before it
// is answered, and at random moments. After a restart every reminder, breach
// and system action (or its refusal) is in the ledger exactly once, and the
// actions follow the order of their deadlines.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "events/encoding.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "ledger/verify.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::engine {
namespace {

using namespace std::chrono_literals;
namespace t = events::types;
namespace f = events::fields;

// Small permits are deemed approved 3 hours after review, with a reminder an
// hour before; large ones are closed after an hour unless their guard (which
// they fail) refuses it.
constexpr char kCrashYaml[] = R"(workflow: tenggat-krisis
version: 1
agency: DPMPTSP Kota Uji
title: Izin dengan tenggat
fields:
  luas: {type: integer, title: Luas, required: true}
states:
  diperiksa: {title: Diperiksa, initial: true}
  menunggu:
    title: Menunggu keputusan
    sla: 3h
    remind_before: 1h
    on_deadline: {action: setujui_otomatis}
  besar:
    title: Usaha besar
    sla: 1h
    on_deadline: {action: tutup_otomatis}
  disetujui: {title: Disetujui, terminal: true}
  ditutup: {title: Ditutup, terminal: true}
actions:
  periksa: {title: Periksa, from: diperiksa, to: menunggu, roles: [verifikator]}
  pilah: {title: Pilah, from: diperiksa, to: besar, roles: [verifikator]}
  setujui_otomatis: {title: Disetujui otomatis, from: menunggu, to: disetujui, roles: [system]}
  tutup_otomatis:
    title: Ditutup otomatis
    from: besar
    to: ditutup
    roles: [system]
    guard: "luas < 100"
)";

const int64_t kStart = events::ParseRfc3339("2026-11-30T09:00:00+07:00");
constexpr int64_t kMinute = 60'000'000;
constexpr int kRequests = 40;
// After every deadline: the last request is reviewed at 40 × 7 minutes.
const int64_t kAllPassed = kStart + (kRequests * 7 + 4 * 60) * kMinute;

// Requests reviewed 7 minutes apart; every fourth one is large. Returns
// their ids, large ones marked in *large.
std::vector<std::string> PrepareOffice(const std::string& dir, std::map<std::string, bool>* large) {
  std::atomic<int64_t> now{kStart};
  auto engine = Engine::Open(testing::ClockedEngineOptions(dir, now));
  engine->Deploy(workflow::ParseWorkflow(kCrashYaml, "tenggat-krisis.yaml"),
                 {"admin-01", "admin", "DPMPTSP Kota Uji"});
  std::vector<std::string> ids;
  for (int i = 0; i < kRequests; ++i) {
    bool big = i % 4 == 0;
    SubmitCommand s;
    s.workflow = "tenggat-krisis";
    s.applicant = fmt::format("32730101019{:05}", i);
    s.fields = {{"luas", big ? "500" : "50"}};
    std::string id = engine->Submit(s).event.request_id;
    ActCommand a;
    a.request_id = id;
    a.action = big ? "pilah" : "periksa";
    a.actor = {"NIP-001", "verifikator", "DPMPTSP Kota Uji"};
    engine->Act(a);
    (*large)[id] = big;
    ids.push_back(id);
    now += 7 * kMinute;
  }
  return ids;
}

// Opens the engine at a time after every deadline (which catches them all up)
// and checks that each request's deadline left exactly its events, once, with
// the actions in the order of their deadlines.
void CheckExactlyOnce(const std::string& dir, const std::map<std::string, bool>& large) {
  std::atomic<int64_t> now{kAllPassed};
  auto engine = Engine::Open(testing::ClockedEngineOptions(dir, now));
  struct Seen {
    int reminders = 0, breaches = 0, approvals = 0, refusals = 0;
  };
  std::map<std::string, Seen> seen;
  std::vector<int64_t> action_deadlines;  // of the system actions, in ledger order
  engine->ledger().Scan(0, engine->ledger().size(), [&](const ledger::Entry& entry) {
    events::Event e = events::Decode(entry.bytes);
    Seen& s = seen[e.request_id];
    if (e.type == t::kSlaReminder) ++s.reminders;
    if (e.type == t::kSlaBreached) ++s.breaches;
    if (e.type == t::kCommandRejected) ++s.refusals;
    if (e.type == t::kAction && e.fields.at(f::kAction).text() == "setujui_otomatis") {
      ++s.approvals;
      action_deadlines.push_back(e.fields.at(f::kDeadlinePassed).number());
    }
    return true;
  });
  for (const auto& request : large) {
    // Named, not a structured binding: clang 14's lambdas cannot capture those.
    const std::string& id = request.first;
    bool big = request.second;
    CAPTURE(id);
    const Seen& s = seen[id];
    // Only the system acts in these states, so a deadline is a schedule: a
    // breach is recorded only where the action is refused.
    CHECK(s.breaches == (big ? 1 : 0));
    CHECK(s.reminders == (big ? 0 : 1));
    CHECK(s.approvals == (big ? 0 : 1));
    CHECK(s.refusals == (big ? 1 : 0));
    std::string state;
    engine->Read([&](const EngineState& st) { state = st.Request(id)->state; });
    CHECK(state == (big ? "besar" : "disetujui"));
  }
  CHECK(std::is_sorted(action_deadlines.begin(), action_deadlines.end()));
  engine.reset();
  ledger::VerifyReport v = ledger::VerifyLedger(dir + "/ledger");
  CHECK_MESSAGE(v.ok, v.problem);
}

TEST_CASE("deadline crash: killed before or after the write of its actions, each happens once") {
  for (const char* point : {"deadline.before_append", "deadline.after_append"}) {
    CAPTURE(point);
    testing::TempDir dir;
    std::map<std::string, bool> large;
    PrepareOffice(dir.path(), &large);
    // Opening after every deadline takes them all in one batch, which the
    // crash point kills.
    testing::RunResult killed =
        testing::Run({"env", std::string("JEJAK_CRASH_POINT=") + point, JEJAK_ENGINE_HELPER,
                      "deadlines", dir.path(), std::to_string(kAllPassed), "1"});
    REQUIRE_MESSAGE(killed.exit_code == -SIGKILL, killed.err);
    CHECK(killed.out.find("opened") == std::string::npos);  // killed while opening
    CheckExactlyOnce(dir.path(), large);
  }
}

TEST_CASE("deadline crash: killed at random moments while deadlines pass, each happens once") {
  testing::TempDir dir;
  std::map<std::string, bool> large;
  PrepareOffice(dir.path(), &large);
  std::mt19937 rng(std::random_device{}());
  // The helper moves its clock on a minute per check and checks about every
  // millisecond, so a kill within 150 ms leaves its clock at most 150
  // minutes on: each round starts where the last one could have reached,
  // and a kill may land anywhere in a check.
  size_t taken = 0;  // deadline events the killed engines answered
  for (int round = 0; round < 4; ++round) {
    CAPTURE(round);
    int64_t from = kStart + round * 150 * kMinute;
    testing::Subprocess child({JEJAK_ENGINE_HELPER, "deadlines", dir.path(), std::to_string(from),
                               std::to_string(kMinute)});
    REQUIRE(child.ReadUntil("opened\n", 30s));
    child.Drain(std::chrono::milliseconds(std::uniform_int_distribution<>(5, 150)(rng)));
    child.Kill(SIGKILL);
    REQUIRE(child.Wait() == -SIGKILL);
    taken += std::count(child.out().begin(), child.out().end(), '\n') - 1;
  }
  CHECK(taken > 0);  // the kills came while deadlines were being taken
  CheckExactlyOnce(dir.path(), large);
}

}  // namespace
}  // namespace jejak::engine
