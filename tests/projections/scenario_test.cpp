// A scripted day at a licensing office with hand-computed answers: twelve
// requests, two officers (A verifies, B approves), one queue-jump, one
// self-dealing, one SLA breach, one four-eyes attempt, one action after
// hours. Every figure of every report is checked exactly, after an
// incremental build, after a rebuild, and after an interrupted batch.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>

#include "base/error.h"
#include "base/hex.h"
#include "engine/engine.h"
#include "engine/tracking_code.h"
#include "events/encoding.h"
#include "events/time.h"
#include "projections/projector.h"
#include "projections/reports.h"
#include "projections/status.h"
#include "tests/projections/ledger_events.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"

namespace jejak::projections {
namespace {

using nlohmann::json;
using testing::LedgerEvents;

constexpr char kWorkflow[] = R"(workflow: izin-uji
version: 1
agency: DPMPTSP Kota Uji
title: Izin Uji
calendar: {utc_offset: "+07:00", working_days: [mon, tue, wed, thu, fri], working_hours: "08:00-16:00"}
fields:
  nama: {title: Nama, type: string, required: true}
states:
  diajukan: {title: Diajukan, initial: true, sla: 5h}
  diverifikasi: {title: Diverifikasi, sla: 1d}
  terbit: {title: Izin terbit, terminal: true}
  ditolak: {title: Ditolak, terminal: true}
actions:
  verifikasi: {title: Verifikasi, from: diajukan, to: diverifikasi, roles: [verifikator]}
  setujui: {title: Setujui, from: diverifikasi, to: terbit, roles: [kadis], four_eyes: [verifikasi]}
  tolak: {title: Tolak, from: [diajukan, diverifikasi], to: ditolak, roles: [verifikator, kadis], reason: required}
)";

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kHour = 60 * kMinute;
// Monday 2026-11-30, 00:00 WIB.
const int64_t kDay = events::ParseRfc3339("2026-11-30T00:00:00+07:00");
int64_t At(int hour, int minute) { return kDay + hour * kHour + minute * kMinute; }

const events::Actor kA{"NIP-A", "verifikator", "DPMPTSP Kota Uji"};
const events::Actor kB{"NIP-B", "kadis", "DPMPTSP Kota Uji"};

// Runs the day through the real engine and returns the data directory.
struct Day {
  testing::TempDir dir;
  std::atomic<int64_t> now{At(8, 0)};
  std::map<int, std::string> id;    // R1..R12
  std::map<int, std::string> code;  // their tracking codes
  std::map<int, uint64_t> submit_seq;
  uint64_t jump_seq = 0;

  Day() {
    engine::EngineOptions o = testing::ClockedEngineOptions(dir.path(), now);
    auto eng = engine::Engine::Open(o);
    eng->Deploy(workflow::ParseWorkflow(kWorkflow, "izin-uji.yaml"), {"admin", "admin", ""});
    for (int r = 1; r <= 12; ++r) {
      now = At(8, 0) + (r - 1) * 10 * kMinute;
      engine::SubmitCommand c{"izin-uji",
                              r == 6 ? "NIP-A" : fmt::format("C{}", r),
                              {{"nama", fmt::format("Pemohon {}", r)}},
                              ""};
      engine::Accepted a = eng->Submit(c);
      id[r] = a.event.request_id;
      code[r] = a.tracking_code;
      submit_seq[r] = a.event.seq;
    }
    auto act = [&](int h, int m, const events::Actor& who, int r, const char* action,
                   std::string reason = "") {
      now = At(h, m);
      engine::ActCommand c;
      c.request_id = id[r];
      c.action = action;
      c.actor = who;
      c.reason = reason;
      return eng->Act(c).event.seq;
    };
    act(10, 0, kA, 1, "verifikasi");
    act(10, 20, kA, 2, "verifikasi");
    act(10, 40, kA, 3, "verifikasi");
    jump_seq = act(11, 0, kA, 12, "verifikasi");  // R4..R11 waited longer
    act(12, 30, kA, 4, "verifikasi");
    act(12, 40, kA, 5, "verifikasi");
    act(12, 50, kA, 6, "verifikasi");  // R6 is A's own application
    act(13, 0, kA, 7, "verifikasi");
    act(13, 10, kA, 8, "verifikasi");
    act(13, 20, kA, 10, "verifikasi");  // R9 is left waiting
    act(13, 30, kA, 11, "verifikasi");
    act(14, 0, kB, 1, "setujui");
    act(14, 10, kB, 2, "setujui");
    act(14, 20, kB, 3, "setujui");
    now = At(14, 25);
    CHECK_THROWS_AS(act(14, 25, kA, 4, "setujui"), base::Error);  // wrong role
    now = At(14, 30);
    CHECK(eng->CheckDeadlines().size() == 1);  // R9: 09:20 + 5h
    act(14, 40, kB, 12, "tolak", "Berkas tidak sesuai");
    events::Actor a_as_head{"NIP-A", "kadis", "DPMPTSP Kota Uji"};
    CHECK_THROWS_AS(act(14, 50, a_as_head, 5, "setujui"), base::Error);  // four-eyes
    now = At(15, 0);
    eng->Withdraw({id[8], "C8", "Tidak jadi", std::nullopt, ""});
    act(16, 30, kB, 4, "setujui");  // after hours
  }

  std::vector<events::Event> Events() const {
    return LedgerEvents(*ledger::Ledger::OpenReadOnly(dir.Sub("ledger")));
  }

  // Builds projections from the ledger into dir as a rebuild does: CatchUp,
  // reading n events at a time, committing every commit_every.
  std::unique_ptr<Projector> Project(const std::string& to, size_t n = 1000,
                                     size_t commit_every = 65536) {
    auto ledger = ledger::Ledger::OpenReadOnly(dir.Sub("ledger"));
    auto p = std::make_unique<Projector>(Store::Open(to), commit_every);
    p->CatchUp([&](uint64_t from, size_t max) {
      return LedgerEvents(*ledger, from, from + std::min(max, n));
    });
    return p;
  }

  // Builds them as a live projector fed event by event does: one commit each.
  std::unique_ptr<Projector> ProjectOneByOne(const std::string& to) {
    auto p = std::make_unique<Projector>(Store::Open(to));
    for (const auto& e : Events()) CHECK(p->Apply({e}) == 1);
    return p;
  }
};

std::map<std::string, std::string> Dump(const Store& s) {
  std::map<std::string, std::string> all;
  s.Scan("", [&](std::string_view k, std::string_view v) {
    all.emplace(k, v);
    return true;
  });
  return all;
}

const json& Officer(const json& report, const std::string& id) {
  for (const auto& o : report) {
    if (o["officer"] == id) return o;
  }
  FAIL("no officer " << id);
  static json none;
  return none;
}

void CheckReports(const Store& s, const Day& day) {
  ReportOptions o;
  json officers = OfficerReport(s, o);
  REQUIRE(officers.size() == 2);
  const json& a = Officer(officers, "NIP-A");
  CHECK(a["actions"] == json({{"verifikasi", 11}}));
  CHECK(a["actions_total"] == 11);
  CHECK(a["requests_handled"] == 11);
  CHECK(a["wait_median_us"] == 3 * kHour + 50 * kMinute);
  CHECK(a["wait_p90_us"] == 4 * kHour);
  CHECK(a["sla_breaches"] == 1);
  CHECK(a["refusals"] == json({{"forbidden_role", 1}, {"four_eyes", 1}}));
  CHECK(a["reversed"] == 0);
  CHECK(a["roles"] == json({"izin-uji/verifikator"}));
  const json& b = Officer(officers, "NIP-B");
  CHECK(b["actions"] == json({{"setujui", 4}, {"tolak", 1}}));
  CHECK(b["requests_handled"] == 5);
  CHECK(b["wait_median_us"] == 3 * kHour + 50 * kMinute);
  CHECK(b["wait_p90_us"] == 4 * kHour);
  CHECK(b["sla_breaches"] == 1);  // kadis may also act (tolak) in diajukan
  CHECK(b["refusals"] == json::object());

  json anomalies = AnomalyReport(s, o);
  REQUIRE(anomalies.size() == 4);
  CHECK(anomalies[0]["type"] == "queue_jump");
  CHECK(anomalies[0]["officer"] == "NIP-A");
  CHECK(anomalies[0]["request"] == day.id.at(12));
  CHECK(anomalies[0]["other_request"] == day.id.at(4));
  CHECK(anomalies[0]["lead_us"] == 80 * kMinute);
  CHECK(anomalies[0]["events"] == json({day.submit_seq.at(4), day.jump_seq}));
  CHECK(anomalies[1]["type"] == "self_dealing");
  CHECK(anomalies[1]["request"] == day.id.at(6));
  CHECK(anomalies[2]["type"] == "four_eyes_attempt");
  CHECK(anomalies[2]["request"] == day.id.at(5));
  CHECK(anomalies[3]["type"] == "after_hours");
  CHECK(anomalies[3]["officer"] == "NIP-B");
  CHECK(anomalies[3]["time"] == "2026-11-30T09:30:00.000000Z");
  // With a grace period longer than the lead, the jump is not one.
  o.grace_us = 2 * kHour;
  CHECK(AnomalyReport(s, o).size() == 3);
  // A verified R4, R5, R6, R7, R8, R10 and R11 ten minutes apart: with more
  // than 3 actions within 31 minutes a burst, all seven in one.
  o = ReportOptions();
  o.burst_threshold = 3;
  o.burst_window_us = 31 * kMinute;
  json with_bursts = AnomalyReport(s, o);
  REQUIRE(with_bursts.size() == 4 + 1);
  CHECK(with_bursts[1]["type"] == "burst");
  CHECK(with_bursts[1]["officer"] == "NIP-A");
  CHECK(with_bursts[1]["events"].size() == 7);
  CHECK(with_bursts[1]["time"] == "2026-11-30T05:30:00.000000Z");
  o = ReportOptions();

  json agency = AgencyReport(s, o);
  REQUIRE(agency.size() == 1);
  const json& w = agency[0];
  CHECK(w["arrivals"] == 12);
  CHECK(w["completions"] == 6);
  CHECK(w["per_day"] ==
        json::array({{{"day", "2026-11-30"}, {"arrivals", 12}, {"completions", 6}}}));
  CHECK(w["completion_median_us"] == 6 * kHour);
  CHECK(w["completion_p90_us"] == 8 * kHour);
  CHECK(w["sla_met"] == 17);
  CHECK(w["sla_breached"] == 1);
  CHECK(w["sla_compliance_percent"].get<double>() == doctest::Approx(100.0 * 17 / 18));
  CHECK(
      w["requests_by_state"] ==
      json(
          {{"diajukan", 1}, {"diverifikasi", 5}, {"terbit", 4}, {"ditolak", 1}, {"withdrawn", 1}}));
  // A period with nothing in it.
  o.from_day = o.to_day = (kDay + 7 * kHour) / 86'400'000'000 + 1;  // Tuesday
  CHECK(AgencyReport(s, o)[0]["arrivals"] == 0);
  CHECK(OfficerReport(s, o).empty());
}

TEST_CASE("projections: every report figure of the scripted day is exact") {
  Day day;
  testing::TempDir out;
  auto p = day.Project(out.Sub("proj"), 3);
  CheckReports(p->store(), day);

  auto r9 = RequestStatus(p->store(), day.id[9], At(15, 0));
  REQUIRE(r9);
  CHECK((*r9)["state"] == "diajukan");
  CHECK((*r9)["state_title"] == "Diajukan");
  CHECK((*r9)["overdue"] == true);
  CHECK((*r9)["queue_ahead"] == 0);
  CHECK((*r9)["history"].size() == 2);  // submitted, deadline passed
  CHECK((*r9)["tracking_code_sha256"] == base::ToHex(engine::TrackingCodeDigest(day.code[9])));
  auto r11 = RequestStatus(p->store(), day.id[11], At(15, 0));
  CHECK((*r11)["queue_ahead"] == 4);  // R5 R6 R7 R10 entered diverifikasi earlier
  CHECK((*r11)["next"][0]["roles"] == json({"kadis"}));
  CHECK((*r11)["responsible_roles"] == json({"kadis", "verifikator"}));  // setujui, tolak
  auto r1 = RequestStatus(p->store(), day.id[1], At(15, 0));
  CHECK((*r1)["terminal"] == true);
  CHECK((*r1)["history"][1]["officer"] == OfficerCode("NIP-A"));
  CHECK((*r1)["history"][1]["role"] == "verifikator");
  CHECK(!RequestStatus(p->store(), "IZIN-2026-999999", At(15, 0)));
}

TEST_CASE("projections: a rebuild equals the incremental build byte for byte") {
  Day day;
  testing::TempDir out;
  auto one_by_one = day.ProjectOneByOne(out.Sub("a"));
  CheckReports(one_by_one->store(), day);
  auto rebuilt = day.Project(out.Sub("b"), 4096);
  CHECK(one_by_one->next_seq() == rebuilt->next_seq());
  CHECK(Dump(one_by_one->store()) == Dump(rebuilt->store()));
  CheckReports(rebuilt->store(), day);
  // Many commits, most written in the background while the next events
  // are applied.
  auto pipelined = day.Project(out.Sub("c"), 3, 5);
  CHECK(Dump(one_by_one->store()) == Dump(pipelined->store()));
}

TEST_CASE("projections: an interrupted batch leaves nothing behind and the restart agrees") {
  Day day;
  testing::TempDir out;
  auto reference = day.Project(out.Sub("ref"));
  std::vector<events::Event> all = day.Events();
  {
    Projector p(Store::Open(out.Sub("x")));
    p.Apply({all.begin(), all.begin() + 10});
    // A batch that fails half way (here: a gap after five good events)
    // commits none of it.
    std::vector<events::Event> broken(all.begin() + 10, all.begin() + 15);
    broken.push_back(all[20]);
    CHECK_THROWS_AS(p.Apply(broken), base::Error);
    CHECK(p.next_seq() == 10);
    // Redelivered events are skipped.
    CHECK(p.Apply({all.begin(), all.begin() + 12}) == 2);
  }
  Projector resumed(Store::Open(out.Sub("x")));
  CHECK(resumed.next_seq() == 12);
  resumed.Apply({all.begin() + 12, all.end()});
  CHECK(Dump(resumed.store()) == Dump(reference->store()));

  // A catch-up whose source fails after some chunks (applied, not yet
  // committed) leaves the view at its last commit; the next one agrees.
  auto read = [&](uint64_t from, size_t max) {
    size_t end = std::min<size_t>(all.size(), from + std::min<size_t>(max, 4));
    return std::vector<events::Event>(all.begin() + std::min<size_t>(from, end), all.begin() + end);
  };
  {
    Projector p(Store::Open(out.Sub("y")));
    p.Apply({all.begin(), all.begin() + 5});
    int calls = 0;
    CHECK_THROWS_AS(p.CatchUp([&](uint64_t from, size_t max) {
      if (++calls == 4) throw base::Error(base::ErrorCode::kIoError, "the source failed");
      return read(from, max);
    }),
                    base::Error);
    CHECK(p.next_seq() == 5);
  }
  Projector again(Store::Open(out.Sub("y")));
  CHECK(again.next_seq() == 5);
  again.CatchUp(read);
  CHECK(again.next_seq() == all.size());
  CHECK(Dump(again.store()) == Dump(reference->store()));
}

}  // namespace
}  // namespace jejak::projections

namespace jejak::projections {
namespace {

TEST_CASE("projections: a view of an older layout is rebuilt on opening, like jejak status does") {
  Day day;
  testing::TempDir out;
  auto reference = day.Project(out.Sub("ref"));
  { auto old = day.Project(out.Sub("old")); }
  {
    // What an older jejak left: its format marker, at the end of the ledger.
    auto s = Store::Open(out.Sub("old"));
    s->Put("meta|format", "jejak-projections-v2");
    s->Commit(s->next_seq());
  }
  auto rebuilt = day.Project(out.Sub("old"));
  CHECK(rebuilt->next_seq() == reference->next_seq());
  CHECK(Dump(rebuilt->store()) == Dump(reference->store()));
  CheckReports(rebuilt->store(), day);
}

}  // namespace
}  // namespace jejak::projections
