// The demo's office simulation: one working day on a fake clock, through the
// real engine, on the embedded example workflows.
#include "demo/simulation.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "demo/examples.h"
#include "engine/engine.h"
#include "events/encoding.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "ledger/verify.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::demo {
namespace {

namespace t = events::types;

// 2026-11-30 was a Monday and no holiday; the simulation starts at midnight.
const int64_t kMonday = events::ParseRfc3339("2026-11-30T00:00:00+07:00");
constexpr int64_t kDayUs = 86'400'000'000;
constexpr int kRequests = 150;

struct SimulatedDay {
  SimulationReport report;
  std::map<std::string, uint64_t> events;  // event type -> entries the run wrote
  int64_t first_time = INT64_MAX, last_time = INT64_MIN;
  std::set<std::string> initial_states;  // "workflow / state" of each initial state
  uint64_t progress_calls = 0, progress_done = 0, progress_total = 0;
  int64_t clock_after = 0;
  bool verified = false;
};

SimulatedDay Simulate(const std::string& dir, uint64_t seed, int days, int requests_per_day) {
  SimulatedDay day;
  std::atomic<int64_t> clock{kMonday};
  engine::EngineOptions o = testing::ClockedEngineOptions(dir, clock);
  auto engine = engine::Engine::Open(std::move(o));
  events::Actor admin{"admin-uji", "admin", "DPMPTSP Kota Uji"};
  REQUIRE(!ExampleWorkflows().empty());
  for (const auto& ex : ExampleWorkflows()) {
    auto wf = workflow::ParseWorkflow(ex.yaml, ex.file);
    REQUIRE(engine->Deploy(wf, admin));
    day.initial_states.insert(wf->name + " / " + wf->InitialState().name);
  }
  uint64_t before = engine->ledger().size();

  SimulationOptions so;
  so.days = days;
  so.requests_per_day = requests_per_day;
  so.seed = seed;
  so.start_us = kMonday;
  std::atomic<bool> stop{false};
  day.report = RunSimulation(
      *engine, clock, so,
      [&](uint64_t done, uint64_t total) {
        ++day.progress_calls;
        day.progress_done = done;
        day.progress_total = total;
      },
      stop);
  day.clock_after = clock.load();

  for (uint64_t seq = before; seq < engine->ledger().size(); ++seq) {
    events::Event e = events::Decode(engine->ledger().Get(seq)->bytes);
    ++day.events[e.type];
    day.first_time = std::min(day.first_time, e.time_us);
    day.last_time = std::max(day.last_time, e.time_us);
  }
  engine.reset();
  day.verified = ledger::VerifyLedger(dir + "/ledger").ok;
  return day;
}

// The report's action and deadline figures are the ledger's. Actions are the
// officers' and applicants' (actions) or the engine's own on deadlines
// (automatic_actions).
void CheckDeadlineFigures(SimulatedDay& run) {
  const SimulationReport& r = run.report;
  uint64_t automatic = 0;
  for (const auto& [what, n] : r.automatic_actions) automatic += n;
  CHECK(run.events[t::kAction] + run.events[t::kWithdrawn] == r.actions + automatic);
  CHECK(run.events[t::kSlaBreached] == r.sla_breaches);
  CHECK(run.events[t::kSlaReminder] == r.reminders);
  CHECK(run.events[t::kSlaEscalated] == r.escalations);
}

SimulatedDay SimulateMonday(const std::string& dir, uint64_t seed) {
  return Simulate(dir, seed, 1, kRequests);
}

TEST_CASE("demo: a simulated Monday writes what its report says, within the day") {
  testing::TempDir dir;
  SimulatedDay day = SimulateMonday(dir.path(), 7);
  const SimulationReport& r = day.report;

  CHECK(!r.interrupted);
  CHECK(r.first_day_us == kMonday);
  CHECK(r.last_day_us == kMonday);
  CHECK(r.officers > 0);
  // Every arrival is a submission, accepted unless its data breaks a rule
  // (a typo in the NIK now and then).
  CHECK(r.submitted <= static_cast<uint64_t>(kRequests));
  CHECK(r.submitted >= static_cast<uint64_t>(kRequests) * 8 / 10);
  CHECK(day.events[t::kSubmitted] == r.submitted);
  CheckDeadlineFigures(day);
  CHECK(r.actions > 0);

  // Each request submitted is either still open somewhere or finished.
  uint64_t open = 0;
  bool moved_on = false;
  for (const auto& [state, n] : r.open_states) {
    open += n;
    if (!day.initial_states.count(state)) moved_on = true;
  }
  CHECK(open + r.closed + r.rejected + r.withdrawn == r.submitted);
  CHECK_MESSAGE(moved_on, "no open request left its initial state");
  CHECK(r.example_request.empty() == (open == 0));

  // Everything happened on the simulated clock, on that Monday.
  CHECK(day.first_time >= kMonday);
  CHECK(day.last_time < kMonday + kDayUs);
  CHECK(day.clock_after >= kMonday + 16 * 3'600'000'000LL);
  CHECK(day.clock_after < kMonday + kDayUs);
  CHECK(day.progress_calls > 0);
  CHECK(day.progress_done == day.progress_total);
  CHECK(day.verified);
}

TEST_CASE("demo: the same seed makes the same decisions") {
  testing::TempDir a, b;
  SimulatedDay first = SimulateMonday(a.path(), 11), second = SimulateMonday(b.path(), 11);
  CHECK(first.report.submitted == second.report.submitted);
  CHECK(first.report.actions == second.report.actions);
  CHECK(first.report.refusals == second.report.refusals);
  CHECK(first.report.open_states == second.report.open_states);
  CHECK(first.report.example_request == second.report.example_request);
  CHECK(first.events == second.events);
}

TEST_CASE(
    "demo: over four weeks deadlines pass, and the engine acts on them as each workflow says") {
  testing::TempDir dir;
  SimulatedDay weeks = Simulate(dir.path(), 3, 20, 90);
  const SimulationReport& r = weeks.report;
  CHECK(weeks.last_time - weeks.first_time > 25 * kDayUs);
  CHECK(r.absences > 0);
  // Licences deemed approved, complaints closed for the reporter's silence.
  CHECK(r.automatic_actions.count("oss-izin-usaha / setujui_otomatis") == 1);
  CHECK(r.automatic_actions.count("lapor-pengaduan / tutup_otomatis") == 1);
  // Facility changes take effect on the 1st of the month (a schedule: no breach).
  CHECK(r.automatic_actions.count("jkn-pindah-faskes / berlakukan") == 1);
  // Tax objections get through verification into research.
  uint64_t researched = 0;
  for (const auto& [state, n] : r.open_states) {
    if (state == "pajak-keberatan / diteliti") researched += n;
  }
  CHECK(researched > 0);
  CHECK(r.escalations > 0);
  CHECK(r.reminders > 0);
  CheckDeadlineFigures(weeks);
  CHECK(weeks.verified);
}

}  // namespace
}  // namespace jejak::demo
