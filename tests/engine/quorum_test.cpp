// Quorum approvals (docs/WORKFLOWS.md, "Quorum approvals"): an action that
// k distinct officers must take before the request moves, each approval
// ledgered, four-eyes across them.
#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "base/error.h"
#include "engine/engine.h"
#include "engine/request_state.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::engine {
namespace {

namespace t = events::types;
namespace f = events::fields;

// Two of the building-approval experts (TPA) must pass a design; the head
// of office who signs may not be one of them.
constexpr char kQuorumYaml[] = R"(workflow: kuorum-uji
version: 1
agency: Dinas PUPR Kota Uji
title: Persetujuan dengan kuorum
fields:
  catatan: {type: string, title: Catatan}
states:
  konsultasi: {title: Konsultasi teknis, initial: true, sla: 10wd}
  penetapan: {title: Penetapan}
  selesai: {title: Selesai, terminal: true}
actions:
  setujui_desain:
    title: Desain memenuhi standar teknis
    from: konsultasi
    to: penetapan
    roles: [tpa]
    fields: [catatan]
    quorum: 2
  tetapkan:
    title: Tetapkan
    from: penetapan
    to: selesai
    roles: [tpa, kepala_dinas]
    four_eyes: [setujui_desain]
)";

const int64_t kMonday = events::ParseRfc3339("2026-11-30T09:00:00+07:00");

struct QuorumFixture {
  testing::TempDir dir;
  std::atomic<int64_t> now{kMonday};
  std::unique_ptr<Engine> engine;

  QuorumFixture() {
    Open();
    engine->Deploy(workflow::ParseWorkflow(kQuorumYaml, "kuorum-uji.yaml"),
                   {"admin-01", "admin", "Dinas PUPR Kota Uji"});
  }
  void Open() {
    engine.reset();
    engine = Engine::Open(testing::ClockedEngineOptions(dir.path(), now));
  }
  std::string Submit() {
    SubmitCommand c;
    c.workflow = "kuorum-uji";
    c.applicant = "3273010101900001";
    return engine->Submit(c).event.request_id;
  }
  Accepted Act(const std::string& id, const std::string& action, const std::string& who,
               const std::string& role = "tpa", const std::string& key = "") {
    ActCommand c;
    c.request_id = id;
    c.action = action;
    c.actor = {who, role, "Dinas PUPR Kota Uji"};
    if (action == "setujui_desain") c.fields = {{"catatan", "Sesuai SNI"}};
    c.idempotency_key = key;
    return engine->Act(c);
  }
  std::string StateOf(const std::string& id) {
    std::string s;
    engine->Read([&](const EngineState& st) { s = st.Request(id)->state; });
    return s;
  }
};

TEST_CASE("quorum: the request moves with the second approval, each one ledgered") {
  QuorumFixture fx;
  std::string id = fx.Submit();
  Accepted first = fx.Act(id, "setujui_desain", "TPA-01");
  CHECK(first.event.type == t::kApproval);
  CHECK(first.event.fields.at(f::kApprovals).number() == 1);
  CHECK(first.event.fields.at(f::kQuorum).number() == 2);
  CHECK_FALSE(first.event.fields.count(f::kTo));
  CHECK(fx.StateOf(id) == "konsultasi");
  // Four-eyes across the approvals: the same expert cannot be the second.
  try {
    fx.Act(id, "setujui_desain", "TPA-01");
    FAIL("a second approval by the same officer was accepted");
  } catch (const base::Error& e) {
    CHECK(e.reason() == "four_eyes");
    CHECK(std::string(e.what()).find("1 of 2 approvals") != std::string::npos);
  }
  // A retry of the first with its idempotency key is a replay, not a refusal.
  std::string other = fx.Submit();
  Accepted keyed = fx.Act(other, "setujui_desain", "TPA-03", "tpa", "k-1");
  CHECK(fx.Act(other, "setujui_desain", "TPA-03", "tpa", "k-1").replayed);
  CHECK(keyed.event.type == t::kApproval);

  // The approvals survive a restart (they are rebuilt from the ledger).
  fx.Open();
  Accepted second = fx.Act(id, "setujui_desain", "TPA-02");
  CHECK(second.event.type == t::kAction);
  CHECK(second.event.fields.at(f::kApprovals).number() == 2);
  CHECK(second.event.fields.at(f::kTo).text() == "penetapan");
  CHECK(fx.StateOf(id) == "penetapan");
  // Neither approver may sign the decision (four_eyes: [setujui_desain]).
  for (const char* approver : {"TPA-01", "TPA-02"}) {
    try {
      fx.Act(id, "tetapkan", approver);
      FAIL("an approver signed the decision");
    } catch (const base::Error& e) {
      CHECK(e.reason() == "four_eyes");
    }
  }
  CHECK(fx.Act(id, "tetapkan", "NIP-KADIS", "kepala_dinas").event.fields.at(f::kTo).text() ==
        "selesai");
  // The refused attempt of the same expert is in the ledger (command_rejected).
  size_t rejected = 0;
  fx.engine->ledger().Scan(0, fx.engine->ledger().size(), [&](const ledger::Entry& entry) {
    rejected += entry.bytes.find("command_rejected") != std::string::npos;
    return true;
  });
  CHECK(rejected == 3);
}

TEST_CASE("quorum: a quorum is of officers, checked where written") {
  std::string yaml = kQuorumYaml;
  yaml.replace(yaml.find("roles: [tpa]\n"), 12, "roles: [applicant]");
  auto check = workflow::CheckWorkflow(yaml);
  REQUIRE(check.problems.size() == 1);
  CHECK(check.problems[0].pos.line == 18);
  CHECK(check.problems[0].message.find("a quorum is of officers") != std::string::npos);
  std::string bad = kQuorumYaml;
  bad.replace(bad.find("quorum: 2"), 9, "quorum: 0");
  auto zero = workflow::CheckWorkflow(bad);
  REQUIRE(zero.problems.size() == 1);
  CHECK(zero.problems[0].pos.line == 18);
  CHECK(zero.problems[0].pos.column == 13);
  CHECK(zero.problems[0].message.find("expected a whole number from 1 to 20") != std::string::npos);
}

}  // namespace
}  // namespace jejak::engine
