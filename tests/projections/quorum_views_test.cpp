// Quorum approvals in the views: the status says how many of the needed
// approvals are in, the history numbers them, and each counts as the
// approving officer's work.
#include <doctest/doctest.h>

#include <atomic>
#include <map>

#include "engine/engine.h"
#include "events/time.h"
#include "projections/projector.h"
#include "projections/reports.h"
#include "projections/status.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/projections/ledger_events.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

constexpr char kTpaYaml[] = R"(workflow: tpa-uji
version: 1
agency: Dinas PUPR Kota Uji
title: Konsultasi TPA
states:
  konsultasi: {title: Konsultasi teknis, initial: true, sla: 10wd}
  selesai: {title: Selesai, terminal: true}
actions:
  setujui: {title: Desain disetujui TPA, from: konsultasi, to: selesai, roles: [tpa], quorum: 2}
)";

const int64_t kTuesday10 = events::ParseRfc3339("2026-12-01T10:00:00+07:00");

TEST_CASE("quorum views: one of two approvals, numbered in the history, counted per officer") {
  testing::TempDir dir;
  std::atomic<int64_t> now{kTuesday10};
  auto engine = engine::Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
  engine->Deploy(workflow::ParseWorkflow(kTpaYaml, "tpa-uji.yaml"), {"admin", "admin", ""});
  std::string id = engine->Submit({"tpa-uji", "3273010101900001", {}, ""}).event.request_id;
  auto approve = [&](const std::string& who) {
    engine::ActCommand c;
    c.request_id = id;
    c.action = "setujui";
    c.actor = {who, "tpa", ""};
    engine->Act(c);
  };
  approve("TPA-01");
  testing::TempDir out;
  auto p = std::make_unique<Projector>(Store::Open(out.Sub("one")));
  p->Apply(testing::LedgerEvents(engine->ledger()));
  json status = *RequestStatus(p->store(), id, now);
  CHECK(status["state"] == "konsultasi");
  REQUIRE(status["next"].size() == 1);
  CHECK(status["next"][0]["quorum"] == 2);
  CHECK(status["next"][0]["approvals"] == 1);
  CHECK(status["next"][0]["approvals_text"] == "1 dari 2 persetujuan (1 of 2 approvals)");
  CHECK(status["history"].back()["title"] == "Persetujuan 1 dari 2: Desain disetujui TPA");
  CHECK(status["history"].back()["type"] == "approval");

  approve("TPA-02");
  auto whole = std::make_unique<Projector>(Store::Open(out.Sub("two")));
  whole->Apply(testing::LedgerEvents(engine->ledger()));
  json done = *RequestStatus(whole->store(), id, now);
  CHECK(done["state"] == "selesai");
  CHECK(done["history"].size() == 3);  // submitted, the approval, the action that moved it
  CHECK(done["history"][1]["title"] == "Persetujuan 1 dari 2: Desain disetujui TPA");
  CHECK(done["history"][2]["to"] == "selesai");
  std::map<std::string, json> by_id;
  for (const auto& o : OfficerReport(whole->store(), ReportOptions())) by_id[o["officer"]] = o;
  CHECK(by_id.at("TPA-01")["actions"]["setujui"] == 1);
  CHECK(by_id.at("TPA-02")["actions"]["setujui"] == 1);
}

}  // namespace
}  // namespace jejak::projections
