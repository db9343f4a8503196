// Clock rules (docs/WORKFLOWS.md, "Clock rules"): a state whose clock
// pauses keeps the time it had left while the applicant has the request and
// gives it back when the request returns; one that restarts gives a whole
// new sla.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "engine/engine.h"
#include "engine/request_state.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::engine {
namespace {

namespace f = events::fields;

constexpr char kClockYaml[] = R"(workflow: jam-uji
version: 1
agency: DPMPTSP Kota Uji
title: Izin dengan jam layanan
fields:
  catatan: {type: string, title: Catatan}
states:
  diperiksa:
    title: Diperiksa
    initial: true
    sla: 5wd
    clock: CLOCK
  perbaikan:
    title: Menunggu perbaikan oleh pemohon
    sla: 10wd
  selesai: {title: Selesai, terminal: true}
actions:
  minta_perbaikan:
    title: Minta perbaikan
    from: diperiksa
    to: perbaikan
    roles: [verifikator]
  kirim_perbaikan: {title: Kirim perbaikan, from: perbaikan, to: diperiksa, roles: [applicant]}
  selesaikan: {title: Selesaikan, from: diperiksa, to: selesai, roles: [verifikator]}
)";

// Monday 2026-11-30, 09:00 WIB.
const int64_t kMonday = events::ParseRfc3339("2026-11-30T09:00:00+07:00");
constexpr int64_t kHourUs = 3'600'000'000;
constexpr int64_t kDayUs = 24 * kHourUs;
constexpr char kApplicant[] = "3273010101900001";

struct ClockFixture {
  testing::TempDir dir;
  std::atomic<int64_t> now{kMonday};
  std::unique_ptr<Engine> engine;

  explicit ClockFixture(const std::string& clock) {
    Open();
    std::string yaml = kClockYaml;
    yaml.replace(yaml.find("CLOCK"), 5, clock);
    engine->Deploy(workflow::ParseWorkflow(yaml, "jam-uji.yaml"),
                   {"admin-01", "admin", "DPMPTSP Kota Uji"});
  }
  void Open() {
    engine.reset();
    engine = Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
  }
  events::Event Act(const std::string& id, const std::string& action, bool applicant) {
    ActCommand c;
    c.request_id = id;
    c.action = action;
    c.actor = applicant ? events::Actor{kApplicant, "applicant", ""}
                        : events::Actor{"NIP-001", "verifikator", "DPMPTSP Kota Uji"};
    return engine->Act(c).event;
  }
  int64_t DeadlineOf(const std::string& id) {
    int64_t d = 0;
    engine->Read([&](const EngineState& s) { d = s.Request(id)->deadline.value_or(0); });
    return d;
  }
};

std::string SubmitOne(ClockFixture& fx) {
  SubmitCommand c;
  c.workflow = "jam-uji";
  c.applicant = kApplicant;
  return fx.engine->Submit(c).event.request_id;
}

TEST_CASE("clock rules: a paused clock gives back the working time left, across a restart") {
  ClockFixture fx("pause");
  std::string id = SubmitOne(fx);
  CHECK(fx.DeadlineOf(id) == kMonday + 7 * kDayUs);  // five working days
  // Wednesday 09:00: three working days (Wednesday, Thursday, Friday... to
  // Monday 09:00) are left when the verifier asks for corrections.
  fx.now = kMonday + 2 * kDayUs;
  events::Event sent_back = fx.Act(id, "minta_perbaikan", false);
  CHECK(sent_back.fields.at(f::kPausedState).text() == "diperiksa");
  CHECK(sent_back.fields.at(f::kTimeLeft).number() == 3 * kDayUs);
  // The paused clock is rebuilt from the ledger.
  fx.Open();
  // The applicant answers the next Tuesday 09:00: the three working days
  // run from then, to Friday 09:00, not a whole new five.
  fx.now = kMonday + 8 * kDayUs;
  events::Event back = fx.Act(id, "kirim_perbaikan", true);
  CHECK(back.fields.at(f::kClockResumed).boolean());
  CHECK(back.fields.at(f::kDeadline).number() == kMonday + 11 * kDayUs);
  CHECK(fx.DeadlineOf(id) == kMonday + 11 * kDayUs);
  fx.Open();
  CHECK(fx.DeadlineOf(id) == kMonday + 11 * kDayUs);
  fx.engine->Read([&](const EngineState& s) { CHECK(s.Request(id)->paused_clocks.empty()); });

  // Sent back after its deadline passed, nothing is left: due at once.
  fx.now = kMonday + 12 * kDayUs;
  CHECK(fx.Act(id, "minta_perbaikan", false).fields.at(f::kTimeLeft).number() == 0);
  fx.now += kDayUs;
  CHECK(fx.Act(id, "kirim_perbaikan", true).fields.at(f::kDeadline).number() == fx.now.load());
}

TEST_CASE("clock rules: a clock that restarts gives a whole new sla and records no pause") {
  ClockFixture fx("restart");
  std::string id = SubmitOne(fx);
  fx.now = kMonday + 2 * kDayUs;
  events::Event sent_back = fx.Act(id, "minta_perbaikan", false);
  CHECK_FALSE(sent_back.fields.count(f::kPausedState));
  CHECK_FALSE(sent_back.fields.count(f::kTimeLeft));
  fx.now = kMonday + 8 * kDayUs;  // Tuesday
  events::Event back = fx.Act(id, "kirim_perbaikan", true);
  CHECK_FALSE(back.fields.count(f::kClockResumed));
  CHECK(back.fields.at(f::kDeadline).number() == kMonday + 15 * kDayUs);  // next Tuesday
}

}  // namespace
}  // namespace jejak::engine
