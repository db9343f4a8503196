// Reports over periods of several days: an officer who acts on the same
// request on several days (and, with a clock set back, on an earlier day
// after a later one) counts it once in every period, and each period's
// figures match a brute-force count over the actions.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <set>

#include "engine/engine.h"
#include "events/encoding.h"
#include "events/time.h"
#include "projections/projector.h"
#include "projections/reports.h"
#include "tests/projections/ledger_events.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

constexpr char kWorkflow[] = R"(workflow: izin-hari
version: 1
agency: DPMPTSP Kota Uji
title: Izin Hari
fields:
  nama: {title: Nama, type: string, required: true}
states:
  diajukan: {title: Diajukan, initial: true}
  diverifikasi: {title: Diverifikasi}
  terbit: {title: Terbit, terminal: true}
  ditolak: {title: Ditolak, terminal: true}
actions:
  verifikasi: {title: Verifikasi, from: diajukan, to: diverifikasi, roles: [verifikator]}
  kembalikan: {title: Kembalikan, from: diverifikasi, to: diajukan, roles: [verifikator], reason: required}
  setujui: {title: Setujui, from: diverifikasi, to: terbit, roles: [kadis]}
  tolak: {title: Tolak, from: [diajukan, diverifikasi], to: ditolak, roles: [verifikator], reason: required}
)";

// Monday 2026-11-30 10:00 WIB is day 1.
const int64_t kDay1 = events::ParseRfc3339("2026-11-30T10:00:00+07:00");
constexpr int64_t kDayUs = 86'400'000'000;
int64_t LocalDay(int d) { return (kDay1 + 7 * 3'600'000'000LL) / kDayUs + d - 1; }

struct Action {
  int day, request;
  const char* action;
  const char* officer;
};

TEST_CASE("projections: requests handled count once in every period") {
  testing::TempDir dir;
  std::atomic<int64_t> now{kDay1};
  engine::EngineOptions o = testing::ClockedEngineOptions(dir.path(), now);
  // Days out of order (3 after 5) are a clock set back.
  const std::vector<Action> actions = {
      {1, 1, "verifikasi", "NIP-A"}, {1, 3, "verifikasi", "NIP-A"}, {1, 5, "verifikasi", "NIP-A"},
      {2, 2, "verifikasi", "NIP-A"}, {2, 2, "tolak", "NIP-A"},      {3, 1, "kembalikan", "NIP-A"},
      {3, 1, "verifikasi", "NIP-A"}, {4, 3, "setujui", "NIP-B"},    {5, 1, "tolak", "NIP-A"},
      {5, 4, "verifikasi", "NIP-A"}, {2, 4, "tolak", "NIP-A"},      {5, 5, "kembalikan", "NIP-A"},
      {3, 5, "verifikasi", "NIP-A"}, {4, 5, "setujui", "NIP-B"},
  };
  std::map<int, std::string> id;
  {
    auto eng = engine::Engine::Open(o);
    eng->Deploy(workflow::ParseWorkflow(kWorkflow, "izin-hari.yaml"), {"admin", "admin", ""});
    for (int r = 1; r <= 5; ++r) {
      now = kDay1 - 3'600'000'000LL + r * 60'000'000LL;
      id[r] =
          eng->Submit({"izin-hari", fmt::format("C{}", r), {{"nama", "P"}}, ""}).event.request_id;
    }
    int minute = 0;
    for (const auto& a : actions) {
      now = kDay1 + (a.day - 1) * kDayUs + ++minute * 60'000'000LL;
      engine::ActCommand c;
      c.request_id = id[a.request];
      c.action = a.action;
      c.actor = {a.officer, a.officer == std::string("NIP-A") ? "verifikator" : "kadis", "DPMPTSP"};
      if (std::string(a.action) == "tolak" || std::string(a.action) == "kembalikan") c.reason = "x";
      eng->Act(c);
    }
  }
  testing::TempDir out;
  std::vector<events::Event> all =
      testing::LedgerEvents(*ledger::Ledger::OpenReadOnly(dir.Sub("ledger")));
  Projector live(Store::Open(out.Sub("live")));
  for (const auto& e : all) live.Apply({e});
  Projector rebuilt(Store::Open(out.Sub("rebuilt")));
  rebuilt.CatchUp([&](uint64_t from, size_t) {
    return std::vector<events::Event>(all.begin() + std::min(from, all.size()),
                                      all.begin() + std::min(from + 2, all.size()));
  });
  auto dump = [](const Store& s) {
    std::map<std::string, std::string> m;
    s.Scan("", [&](std::string_view k, std::string_view v) {
      m.emplace(k, v);
      return true;
    });
    return m;
  };
  CHECK(dump(live.store()) == dump(rebuilt.store()));

  for (int from = 1; from <= 5; ++from) {
    for (int to = from; to <= 5; ++to) {
      ReportOptions ro;
      ro.from_day = LocalDay(from);
      ro.to_day = LocalDay(to);
      std::map<std::string, std::set<int>> requests;
      std::map<std::string, int> total;
      for (const auto& a : actions) {
        if (a.day < from || a.day > to) continue;
        requests[a.officer].insert(a.request);
        ++total[a.officer];
      }
      json report = OfficerReport(rebuilt.store(), ro);
      INFO("days " << from << " to " << to << ": " << report.dump());
      REQUIRE(report.size() == requests.size());
      for (const auto& officer : report) {
        std::string name = officer["officer"];
        CHECK(officer["requests_handled"] == requests[name].size());
        CHECK(officer["actions_total"] == total[name]);
      }
      json agency = AgencyReport(rebuilt.store(), ro);
      REQUIRE(agency.size() == 1);
      int completions = 0;
      for (const auto& a : actions) {
        std::string act = a.action;
        if (a.day >= from && a.day <= to && (act == "tolak" || act == "setujui")) ++completions;
      }
      CHECK(agency[0]["completions"] == completions);
      size_t days = 0;  // with arrivals (1) or completions (2, 4, 5)
      for (int d : {1, 2, 4, 5}) days += d >= from && d <= to;
      CHECK(agency[0]["per_day"].size() == days);
    }
  }
  // Over the whole week. A sent R1 and R5 back after verifying them
  // themselves: not a decision reversed by someone else.
  json week = OfficerReport(rebuilt.store(), ReportOptions());
  CHECK(week[0]["officer"] == "NIP-A");
  CHECK(week[0]["requests_handled"] == 5);
  CHECK(week[0]["reversed"] == 0);
  CHECK(week[1]["requests_handled"] == 2);
}

}  // namespace
}  // namespace jejak::projections
