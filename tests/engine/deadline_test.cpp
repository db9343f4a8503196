// Deadlines that act (docs/WORKFLOWS.md, "Deadlines"): reminders before a
// deadline, escalation to a role, and actions the engine takes as "system",
// each exactly once and in deadline order.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/request_state.h"
#include "events/encoding.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::engine {
namespace {

namespace t = events::types;
namespace f = events::fields;

// A permit deemed approved when the head of office does not decide in 2
// working days, with a reminder a working day before; a review that calls
// the head in after 4 hours; and a closure whose guard can fail.
constexpr char kDeadlineYaml[] = R"(workflow: tenggat-uji
version: 1
agency: DPMPTSP Kota Uji
title: Izin dengan tenggat
fields:
  luas: {type: integer, title: Luas, required: true}
states:
  diperiksa:
    title: Diperiksa
    initial: true
    sla: 4h
    on_deadline: {escalate_to: kadis}
  menunggu_kadis:
    title: Menunggu Kepala Dinas
    sla: 2wd
    remind_before: 1wd
    on_deadline: {action: setujui_otomatis}
  besar:
    title: Usaha besar
    sla: 1d
    on_deadline: {action: tutup_otomatis}
  disetujui: {title: Disetujui, terminal: true}
  ditutup: {title: Ditutup, terminal: true}
actions:
  periksa: {title: Periksa, from: diperiksa, to: menunggu_kadis, roles: [verifikator, kadis]}
  pilah: {title: Pilah, from: diperiksa, to: besar, roles: [verifikator]}
  setujui: {title: Setujui, from: menunggu_kadis, to: disetujui, roles: [kadis]}
  setujui_otomatis: {title: Disetujui otomatis, from: menunggu_kadis, to: disetujui, roles: [system]}
  tutup: {title: Tutup, from: besar, to: ditutup, roles: [verifikator]}
  tutup_otomatis:
    title: Ditutup otomatis
    from: besar
    to: ditutup
    roles: [system]
    guard: "luas < 100"
)";

// Monday 2026-11-30, 09:00 WIB.
const int64_t kMondayMorning = events::ParseRfc3339("2026-11-30T09:00:00+07:00");
constexpr int64_t kOneHour = 3'600'000'000;
constexpr int64_t kOneDay = 24 * kOneHour;

struct DeadlineFixture {
  testing::TempDir dir;
  std::atomic<int64_t> now{kMondayMorning};
  std::unique_ptr<Engine> engine;
  events::Actor verifikator{"NIP-001", "verifikator", "DPMPTSP Kota Uji"};

  DeadlineFixture() {
    Open();
    engine->Deploy(workflow::ParseWorkflow(kDeadlineYaml, "tenggat-uji.yaml"),
                   {"admin-01", "admin", "DPMPTSP Kota Uji"});
  }
  void Open() {
    EngineOptions o = testing::ClockedEngineOptions(dir.path(), now);
    engine = Engine::Open(o);
  }
  std::string Submit(int64_t luas) {
    SubmitCommand c;
    c.workflow = "tenggat-uji";
    c.applicant = "3273010101900001";
    c.fields = {{"luas", std::to_string(luas)}};
    return engine->Submit(c).event.request_id;
  }
  void Act(const std::string& id, const std::string& action) {
    ActCommand c;
    c.request_id = id;
    c.action = action;
    c.actor = verifikator;
    engine->Act(c);
  }
  std::vector<std::string> Types(const std::vector<Accepted>& as) {
    std::vector<std::string> out;
    for (const auto& a : as) {
      out.push_back(a.event.type == t::kAction ? a.event.fields.at(f::kAction).text()
                                               : a.event.type);
    }
    return out;
  }
  std::string StateOf(const std::string& id) {
    std::string s;
    engine->Read([&](const EngineState& st) { s = st.Request(id)->state; });
    return s;
  }
};

TEST_CASE("deadline: a reminder before it, then the action as system, each once") {
  DeadlineFixture fx;
  std::string id = fx.Submit(50);
  fx.Act(id, "periksa");  // Monday 09:00: deadline Wednesday 09:00, reminder Tuesday 09:00
  fx.now += kOneDay - 1;
  CHECK(fx.engine->CheckDeadlines().empty());
  fx.now += 1;
  std::vector<Accepted> reminder = fx.engine->CheckDeadlines();
  REQUIRE(fx.Types(reminder) == std::vector<std::string>{t::kSlaReminder});
  CHECK(reminder[0].event.fields.at(f::kDeadline).number() == kMondayMorning + 2 * kOneDay);
  CHECK(fx.engine->CheckDeadlines().empty());  // once
  fx.now = kMondayMorning + 2 * kOneDay;
  std::vector<Accepted> passed = fx.engine->CheckDeadlines();
  REQUIRE(fx.Types(passed) == std::vector<std::string>{t::kSlaBreached, "setujui_otomatis"});
  const events::Event& act = passed[1].event;
  CHECK(act.actor.subject == "system");
  CHECK(act.actor.role == "system");
  CHECK(act.fields.at(f::kTo).text() == "disetujui");
  CHECK(act.fields.at(f::kDeadlinePassed).number() == kMondayMorning + 2 * kOneDay);
  CHECK(fx.StateOf(id) == "disetujui");
  fx.now += 30 * kOneDay;
  CHECK(fx.engine->CheckDeadlines().empty());
}

TEST_CASE("deadline: working days skip the weekend, for the reminder and the deadline") {
  DeadlineFixture fx;
  fx.now = kMondayMorning + 4 * kOneDay;  // Friday 09:00
  std::string id = fx.Submit(50);
  fx.Act(id, "periksa");  // deadline Tuesday 09:00, reminder Monday 09:00
  fx.now = kMondayMorning + 7 * kOneDay - 1;
  CHECK(fx.engine->CheckDeadlines().empty());
  fx.now += 1;
  CHECK(fx.Types(fx.engine->CheckDeadlines()) == std::vector<std::string>{t::kSlaReminder});
  fx.now = kMondayMorning + 8 * kOneDay;
  CHECK(fx.Types(fx.engine->CheckDeadlines()) ==
        std::vector<std::string>{t::kSlaBreached, "setujui_otomatis"});
}

TEST_CASE("deadline: an escalation calls a role in, and leaving the state ends it") {
  DeadlineFixture fx;
  std::string id = fx.Submit(50);
  fx.now += 4 * kOneHour;
  std::vector<Accepted> passed = fx.engine->CheckDeadlines();
  REQUIRE(fx.Types(passed) == std::vector<std::string>{t::kSlaBreached, t::kSlaEscalated});
  CHECK(passed[1].event.fields.at(f::kEscalatedTo).text() == "kadis");
  fx.engine->Read([&](const EngineState& s) {
    CHECK(s.Request(id)->escalated_to == std::vector<std::string>{"kadis"});
    CHECK(s.Request(id)->state == "diperiksa");  // it still waits there
  });
  fx.Act(id, "periksa");
  fx.engine->Read([&](const EngineState& s) { CHECK(s.Request(id)->escalated_to.empty()); });
}

TEST_CASE("deadline: a system action its guard refuses is recorded with the reason, once") {
  DeadlineFixture fx;
  std::string small = fx.Submit(50), big = fx.Submit(500);
  fx.Act(small, "pilah");
  fx.Act(big, "pilah");
  fx.now += kOneDay;
  std::vector<Accepted> passed = fx.engine->CheckDeadlines();
  REQUIRE(passed.size() == 4);
  CHECK(passed[1].event.request_id == small);
  CHECK(passed[1].event.fields.at(f::kAction).text() == "tutup_otomatis");
  CHECK(passed[3].event.type == t::kCommandRejected);
  CHECK(passed[3].event.request_id == big);
  CHECK(passed[3].event.actor.role == "system");
  CHECK(passed[3].event.fields.at(f::kAttempted).text() == "tutup_otomatis");
  CHECK(passed[3].event.fields.at(f::kRefusal).text() == "guard_failed");
  CHECK(fx.StateOf(big) == "besar");  // an officer decides it now
  fx.now += 10 * kOneDay;
  CHECK(fx.engine->CheckDeadlines().empty());
}

TEST_CASE("deadline: several passed while the engine was down are taken in deadline order") {
  DeadlineFixture fx;
  std::string first = fx.Submit(50);
  fx.Act(first, "pilah");  // deadline Tuesday 09:00
  fx.now += kOneHour;
  std::string second = fx.Submit(60);  // escalates at 14:00 Monday
  fx.engine.reset();
  fx.now = kMondayMorning + 5 * kOneDay;
  fx.Open();  // catches up at once
  // The second's deadline (Monday 14:00) passed before the first's (Tuesday).
  std::vector<std::string> breached;
  fx.engine->ledger().Scan(0, fx.engine->ledger().size(), [&](const ledger::Entry& e) {
    events::Event ev = events::Decode(e.bytes);
    if (ev.type == t::kSlaBreached) breached.push_back(ev.request_id);
    return true;
  });
  CHECK(breached == std::vector<std::string>{second, first});
  fx.engine->Read([&](const EngineState& s) {
    CHECK(s.Request(second)->escalated_to == std::vector<std::string>{"kadis"});
    CHECK(s.Request(first)->state == "ditutup");
  });
  fx.engine.reset();
  fx.Open();
  CHECK(fx.engine->CheckDeadlines().empty());  // nothing twice after a restart
}

// A change that takes effect on the first day of the next month (Mobile
// JKN's facility change): the deadline is a computed date, and passing it
// takes the system action.
constexpr char kNextMonthYaml[] = R"(workflow: berlaku-uji
version: 1
agency: BPJS Kesehatan
title: Perubahan berlaku bulan depan
states:
  menunggu_berlaku:
    title: Disetujui, berlaku mulai bulan depan
    initial: true
    deadline_at: start_of_month(today + 1 month)
    on_deadline: {action: berlakukan}
  berlaku: {title: Berlaku, terminal: true}
actions:
  berlakukan: {title: Berlaku, from: menunggu_berlaku, to: berlaku, roles: [system]}
)";

TEST_CASE("deadline: a computed date, the first of next month, acts at its local midnight") {
  testing::TempDir dir;
  std::atomic<int64_t> now{events::ParseRfc3339("2026-12-31T23:30:00+07:00")};
  auto engine = Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
  engine->Deploy(workflow::ParseWorkflow(kNextMonthYaml, "berlaku-uji.yaml"),
                 {"admin-01", "admin", "BPJS Kesehatan"});
  SubmitCommand c;
  c.workflow = "berlaku-uji";
  c.applicant = "3273010101900001";
  Accepted submitted = engine->Submit(c);
  int64_t new_year = events::ParseRfc3339("2027-01-01T00:00:00+07:00");
  CHECK(submitted.event.fields.at(f::kDeadline).number() == new_year);
  now = new_year - 1;
  CHECK(engine->CheckDeadlines().empty());
  now = new_year;
  // Only the system acts there: the date is a schedule, not a breach.
  std::vector<Accepted> passed = engine->CheckDeadlines();
  REQUIRE(passed.size() == 1);
  CHECK(passed[0].event.fields.at(f::kTo).text() == "berlaku");
  CHECK(passed[0].event.fields.at(f::kDeadlinePassed).number() == new_year);
  CHECK(engine->CheckDeadlines().empty());
}

}  // namespace
}  // namespace jejak::engine
