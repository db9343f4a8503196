// What deadlines that act leave in the views: an escalation shows in the
// request's status (the role called in, its step in the history) and in the
// reports of that role's holders; the agency report counts the actions the
// engine took as system (deemed approvals are the agency's failures), the
// escalations and the reminders.
#include <doctest/doctest.h>

#include <atomic>

#include "engine/engine.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "projections/projector.h"
#include "projections/reports.h"
#include "projections/status.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/projections/ledger_events.h"
#include "tests/testutil.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

constexpr char kEscalatingYaml[] = R"(workflow: izin-tenggat
version: 1
agency: DPMPTSP Kota Uji
title: Izin bertenggat
fields:
  nama: {title: Nama, type: string, required: true}
states:
  diperiksa:
    title: Diperiksa
    initial: true
    sla: 2h
    on_deadline: {escalate_to: kadis}
  menunggu_kadis:
    title: Menunggu Kepala Dinas
    sla: 3h
    remind_before: 1h
    on_deadline: {action: setujui_otomatis}
  disetujui: {title: Disetujui, terminal: true}
actions:
  periksa: {title: Periksa, from: diperiksa, to: menunggu_kadis, roles: [verifikator, kadis]}
  setujui: {title: Setujui, from: menunggu_kadis, to: disetujui, roles: [kadis]}
  setujui_otomatis: {title: Disetujui otomatis, from: menunggu_kadis, to: disetujui, roles: [system]}
)";

constexpr int64_t kHourUs = 3'600'000'000;
// Monday 2026-11-30, 08:00 WIB.
const int64_t kMonday8 = events::ParseRfc3339("2026-11-30T08:00:00+07:00");

struct EscalatingOffice {
  testing::TempDir dir;
  std::atomic<int64_t> now{kMonday8};
  std::unique_ptr<engine::Engine> engine;
  std::string late, on_time;  // escalated, then deemed approved / approved by the head

  EscalatingOffice() {
    engine = engine::Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
    engine->Deploy(workflow::ParseWorkflow(kEscalatingYaml, "izin-tenggat.yaml"),
                   {"admin", "admin", ""});
    late = Submit("3273010101900001");
    on_time = Submit("3273010101900002");
    now += 2 * kHourUs;  // 10:00: both reviews are overdue, the head is called in
    CHECK(engine->CheckDeadlines().size() == 4);  // two breaches, two escalations
    Act(late, "periksa", {"NIP-V", "verifikator", ""});
    Act(on_time, "periksa", {"NIP-K", "kadis", ""});
    now += 3 * kHourUs;  // 13:00: both decisions' deadlines passed, reminders first
    Act(on_time, "setujui", {"NIP-K2", "kadis", ""});
    now += kHourUs;
    CHECK(engine->CheckDeadlines().size() == 3);  // reminder, breach, deemed approval of late
  }
  std::string Submit(const std::string& nik) {
    engine::SubmitCommand c{"izin-tenggat", nik, {{"nama", "Budi"}}, ""};
    return engine->Submit(c).event.request_id;
  }
  void Act(const std::string& id, const std::string& action, const events::Actor& who) {
    engine::ActCommand c;
    c.request_id = id;
    c.action = action;
    c.actor = who;
    engine->Act(c);
  }
  std::unique_ptr<Projector> Project(const std::string& to) {
    auto p = std::make_unique<Projector>(Store::Open(to));
    p->Apply(testing::LedgerEvents(engine->ledger()));
    return p;
  }
};

TEST_CASE("deadline views: an escalation shows in the status until the request moves on") {
  EscalatingOffice office;
  testing::TempDir out;
  // Projected up to the escalations, before anyone acted at 10:00.
  auto p = std::make_unique<Projector>(Store::Open(out.Sub("early")));
  std::vector<events::Event> first;
  for (const auto& e : testing::LedgerEvents(office.engine->ledger())) {
    if (e.type == events::types::kAction) break;
    first.push_back(e);
  }
  REQUIRE(first.back().type == events::types::kSlaEscalated);
  p->Apply(first);
  auto status = RequestStatus(p->store(), office.late, kMonday8 + 2 * kHourUs);
  REQUIRE(status);
  CHECK((*status)["escalated_to"] == "kadis");
  const json& history = (*status)["history"];
  REQUIRE(history.size() == 3);  // submitted, breached, escalated
  CHECK(history[2]["type"] == "sla_escalated");
  CHECK(history[2]["title"] == "Diteruskan ke atasan: kadis");

  // Once it moved on, the new state owes nothing to the escalation.
  auto later = office.Project(out.Sub("all"));
  auto moved = RequestStatus(later->store(), office.late, kMonday8 + 6 * kHourUs);
  REQUIRE(moved);
  CHECK(moved->find("escalated_to") == moved->end());
  CHECK((*moved)["state"] == "disetujui");
}

TEST_CASE("deadline views: the reports count escalations, reminders and automatic actions") {
  EscalatingOffice office;
  testing::TempDir out;
  auto p = office.Project(out.Sub("proj"));
  json agency = AgencyReport(p->store(), ReportOptions());
  REQUIRE(agency.size() == 1);
  CHECK(agency[0]["automatic_actions"] == json({{"setujui_otomatis", 1}}));
  CHECK(agency[0]["escalations"] == 2);
  CHECK(agency[0]["reminders"] == 1);
  CHECK(agency[0]["sla_breached"] == 3);
  // The heads of office (kadis) were called in twice; the verifier was not.
  json officers = OfficerReport(p->store(), ReportOptions());
  std::map<std::string, json> by_id;
  for (const auto& o : officers) by_id[o["officer"]] = o;
  CHECK(by_id.at("NIP-K")["escalations"] == 2);
  CHECK(by_id.at("NIP-K2")["escalations"] == 2);
  CHECK(by_id.at("NIP-V")["escalations"] == 0);
}

TEST_CASE("deadline views: a rebuild gives the same escalations as the live build") {
  EscalatingOffice office;
  testing::TempDir out;
  auto whole = office.Project(out.Sub("whole"));
  auto one_by_one = std::make_unique<Projector>(Store::Open(out.Sub("one")));
  for (const auto& e : testing::LedgerEvents(office.engine->ledger())) one_by_one->Apply({e});
  CHECK(AgencyReport(whole->store(), ReportOptions()) ==
        AgencyReport(one_by_one->store(), ReportOptions()));
  CHECK(OfficerReport(whole->store(), ReportOptions()) ==
        OfficerReport(one_by_one->store(), ReportOptions()));
}

// A clarification request resets the clock: the best-known complaint about
// OSS. Two requests are sent back to their applicants, one 2 hours before
// its deadline and one 3 days before; a third is approved an hour before.
constexpr char kResetYaml[] = R"(workflow: izin-klarifikasi
version: 1
agency: DPMPTSP Kota Uji
title: Izin dengan klarifikasi
fields:
  nama: {title: Nama, type: string, required: true}
states:
  diperiksa: {title: Diperiksa, initial: true, sla: 5d}
  perlu_klarifikasi: {title: Menunggu klarifikasi pemohon, sla: 10d}
  disetujui: {title: Disetujui, terminal: true}
actions:
  minta_klarifikasi: {title: Minta klarifikasi, from: diperiksa, to: perlu_klarifikasi, roles: [verifikator]}
  kirim_klarifikasi: {title: Kirim klarifikasi, from: perlu_klarifikasi, to: diperiksa, roles: [applicant]}
  setujui: {title: Setujui, from: diperiksa, to: disetujui, roles: [verifikator]}
)";

TEST_CASE(
    "deadline views: a request sent back to its applicant just before its deadline is a deadline "
    "reset") {
  testing::TempDir dir;
  std::atomic<int64_t> now{kMonday8};
  auto engine = engine::Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
  engine->Deploy(workflow::ParseWorkflow(kResetYaml, "izin-klarifikasi.yaml"),
                 {"admin", "admin", ""});
  auto submit = [&](const std::string& nik) {
    return engine->Submit({"izin-klarifikasi", nik, {{"nama", "Budi"}}, ""}).event.request_id;
  };
  auto act = [&](const std::string& id, const std::string& action) {
    engine::ActCommand c;
    c.request_id = id;
    c.action = action;
    c.actor = {"NIP-V", "verifikator", ""};
    return engine->Act(c).event.seq;
  };
  std::string late = submit("3273010101900001"), early = submit("3273010101900002"),
              approved = submit("3273010101900003");
  now += 2 * 24 * kHourUs;  // Wednesday 08:00: three days left
  act(early, "minta_klarifikasi");
  now += 3 * 24 * kHourUs - 2 * kHourUs;  // Saturday 06:00: two hours left
  uint64_t reset_seq = act(late, "minta_klarifikasi");
  now += kHourUs;
  act(approved, "setujui");
  testing::TempDir out;
  auto p = std::make_unique<Projector>(Store::Open(out.Sub("proj")));
  p->Apply(testing::LedgerEvents(engine->ledger()));

  auto resets = [&](ReportOptions o) {
    std::vector<json> found;
    for (const auto& a : AnomalyReport(p->store(), o)) {
      if (a["type"] == "deadline_reset") found.push_back(a);
    }
    return found;
  };
  std::vector<json> within_2h = resets(ReportOptions());  // the default window
  REQUIRE(within_2h.size() == 1);
  CHECK(within_2h[0]["request"] == late);
  CHECK(within_2h[0]["officer"] == "NIP-V");
  CHECK(within_2h[0]["state"] == "diperiksa");
  CHECK(within_2h[0]["time_left_us"] == 2 * kHourUs);
  CHECK(within_2h[0]["events"].back() == reset_seq);
  ReportOptions wide;
  wide.reset_window_us = 4 * 24 * kHourUs;
  CHECK(resets(wide).size() == 2);  // the early one too, with three days left
  ReportOptions narrow;
  narrow.reset_window_us = kHourUs;
  CHECK(resets(narrow).empty());
}

TEST_CASE("deadline views: sending a request back is no deadline reset where the clock pauses") {
  std::string yaml = kResetYaml;
  yaml.replace(yaml.find("sla: 5d}"), 8, "sla: 5d, clock: pause}");
  testing::TempDir dir;
  std::atomic<int64_t> now{kMonday8};
  auto engine = engine::Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
  engine->Deploy(workflow::ParseWorkflow(yaml, "izin-klarifikasi.yaml"), {"admin", "admin", ""});
  std::string id = engine->Submit({"izin-klarifikasi", "3273010101900001", {{"nama", "Budi"}}, ""})
                       .event.request_id;
  now += 5 * 24 * kHourUs - 2 * kHourUs;  // two hours left
  engine::ActCommand c;
  c.request_id = id;
  c.action = "minta_klarifikasi";
  c.actor = {"NIP-V", "verifikator", ""};
  engine->Act(c);
  testing::TempDir out;
  auto p = std::make_unique<Projector>(Store::Open(out.Sub("proj")));
  p->Apply(testing::LedgerEvents(engine->ledger()));
  ReportOptions wide;
  wide.reset_window_us = 10 * 24 * kHourUs;
  for (const auto& a : AnomalyReport(p->store(), wide)) CHECK(a["type"] != "deadline_reset");
  // The applicant sees the clock waiting, with the time it keeps for them.
  json waiting = *RequestStatus(p->store(), id, now);
  CHECK(waiting["clock_paused"]["state"] == "diperiksa");
  CHECK(waiting["clock_paused"]["time_left_us"] == 2 * kHourUs);
  CHECK(waiting["clock_paused"]["text"].get<std::string>().starts_with(
      "Waktu layanan berhenti selama menunggu Anda: sisa 0.1 hari ("));
  now += 24 * kHourUs;
  engine::ActCommand back;
  back.request_id = id;
  back.action = "kirim_klarifikasi";
  back.actor = {"3273010101900001", "applicant", ""};
  engine->Act(back);
  p->Apply(testing::LedgerEvents(engine->ledger(), p->store().next_seq()));
  json returned = *RequestStatus(p->store(), id, now);
  CHECK_FALSE(returned.contains("clock_paused"));
  CHECK(returned["deadline"] == events::FormatRfc3339(now + 2 * kHourUs));
}

}  // namespace
}  // namespace jejak::projections
