#include "engine/engine.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "base/error.h"
#include "engine/tracking_code.h"
#include "events/encoding.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "ledger/verify.h"
#include "tests/helpers/clocked_engine.h"
#include "tests/testutil.h"

namespace jejak::engine {
namespace {

using base::Error;
using base::ErrorCode;

constexpr char kWorkflowV1[] = R"(workflow: izin-uji
version: 1
agency: DPMPTSP Kota Uji
title: Izin Uji
calendar:
  utc_offset: "+07:00"
  working_days: [mon, tue, wed, thu, fri]
  working_hours: "08:00-16:00"
fields:
  nik: {title: NIK, type: string, required: true, pattern: "^[0-9]{16}$", pii: true}
  modal: {title: Modal usaha, type: decimal, required: true, min: 0}
  karyawan: {title: Jumlah karyawan, type: integer, min: 1}
  catatan: {title: Catatan, type: string}
  nomor_izin: {title: Nomor izin, type: string}
states:
  diajukan: {title: Diajukan, initial: true, sla: 2h}
  diverifikasi: {title: Diverifikasi, sla: 1d}
  terbit: {title: Izin terbit, terminal: true}
  ditolak: {title: Ditolak, terminal: true}
actions:
  verifikasi: {title: Verifikasi berkas, from: diajukan, to: diverifikasi, roles: [verifikator], fields: [catatan]}
  setujui:
    title: Setujui
    from: diverifikasi
    to: terbit
    roles: [kadis, verifikator]
    fields: [nomor_izin]
    requires: [nomor_izin]
    four_eyes: [verifikasi]
    guard: "modal < 10000000000"
  tolak: {title: Tolak, from: [diajukan, diverifikasi], to: ditolak, roles: [verifikator, kadis], reason: required}
)";

// 2026-11-30 was a Monday; 09:00 WIB.
const int64_t kMonday9am = events::ParseRfc3339("2026-11-30T09:00:00+07:00");
constexpr int64_t kHour = 3'600'000'000;

struct Fixture {
  testing::TempDir dir;
  std::atomic<int64_t> now{kMonday9am};
  std::unique_ptr<Engine> engine;
  events::Actor admin{"admin-01", "admin", "DPMPTSP Kota Uji"};
  events::Actor verifikator{"NIP-001", "verifikator", "DPMPTSP Kota Uji"};
  events::Actor verifikator2{"NIP-002", "verifikator", "DPMPTSP Kota Uji"};
  events::Actor kadis{"NIP-009", "kadis", "DPMPTSP Kota Uji"};

  Fixture() {
    Open();
    engine->Deploy(workflow::ParseWorkflow(kWorkflowV1, "izin-uji.yaml"), admin);
  }
  void Open() {
    EngineOptions o = testing::ClockedEngineOptions(dir.path(), now);
    engine = Engine::Open(o);
  }
  void Reopen() {
    engine.reset();
    Open();
  }
  uint64_t size() { return engine->ledger().size(); }

  Accepted SubmitOne(std::string applicant = "3273010101900001", std::string key = "") {
    SubmitCommand c;
    c.workflow = "izin-uji";
    c.applicant = std::move(applicant);
    c.fields = {{"nik", "3273010101900001"}, {"modal", "500000000"}};
    c.idempotency_key = std::move(key);
    return engine->Submit(c);
  }
  ActCommand Act(const std::string& id, const std::string& action, const events::Actor& who) {
    ActCommand c;
    c.request_id = id;
    c.action = action;
    c.actor = who;
    return c;
  }
};

// Runs fn, which must throw Error with this code and reason.
template <typename Fn>
void CheckRefused(Fn&& fn, ErrorCode code, const std::string& reason) {
  try {
    fn();
    FAIL("expected a refusal: " << reason);
  } catch (const Error& e) {
    CHECK(e.code() == code);
    CHECK(e.reason() == reason);
    CHECK(std::string(e.what()).size() > 10);
  }
}

events::Event LastEvent(Engine& engine) {
  auto& l = engine.ledger();
  auto e = events::Decode(l.Get(l.size() - 1)->bytes);
  return e;
}

TEST_CASE("a request goes from submission to issue with one durable event per command") {
  Fixture fx;
  CHECK(fx.size() == 1);  // the deployment
  Accepted sub = fx.SubmitOne();
  CHECK(sub.event.request_id == "IZIN-2026-000001");
  CHECK(sub.event.seq == 1);
  CHECK(sub.request_version == 1);
  CHECK(sub.tracking_code.size() == 14);
  CHECK(sub.event.fields.at("tracking_code_sha256").text() ==
        TrackingCodeDigest(sub.tracking_code));
  CHECK(sub.event.fields.at("to").text() == "diajukan");
  CHECK(sub.event.fields.at("deadline").number() == kMonday9am + 2 * kHour);

  auto verify = fx.Act(sub.event.request_id, "verifikasi", fx.verifikator);
  verify.fields = {{"catatan", "berkas lengkap"}};
  Accepted v = fx.engine->Act(verify);
  CHECK(v.event.seq == 2);
  CHECK(v.request_version == 2);
  CHECK(v.event.fields.at("from").text() == "diajukan");

  auto approve = fx.Act(sub.event.request_id, "setujui", fx.kadis);
  approve.fields = {{"nomor_izin", "503/IU/2026/0001"}};
  Accepted a = fx.engine->Act(approve);
  CHECK(a.event.fields.at("to").text() == "terbit");
  CHECK(fx.size() == 4);
  CHECK(fx.engine->ledger().ReadRequest(sub.event.request_id).size() == 3);
  // A closed request takes no more actions.
  CheckRefused([&] { fx.engine->Act(fx.Act(sub.event.request_id, "tolak", fx.kadis)); },
               ErrorCode::kRefused, "request_closed");
  fx.engine.reset();
  CHECK(ledger::VerifyLedger(fx.dir.Sub("ledger")).ok);
}

TEST_CASE("the wrong role is refused and audited") {
  Fixture fx;
  std::string id = fx.SubmitOne().event.request_id;
  uint64_t before = fx.size();
  CheckRefused([&] { fx.engine->Act(fx.Act(id, "verifikasi", fx.kadis)); },
               ErrorCode::kPermissionDenied, "forbidden_role");
  CHECK(fx.size() == before + 1);
  events::Event audit = LastEvent(*fx.engine);
  CHECK(audit.type == events::types::kCommandRejected);
  CHECK(audit.actor == fx.kadis);
  CHECK(audit.fields.at("refusal").text() == "forbidden_role");
  CHECK(audit.fields.at("attempted").text() == "verifikasi");
  // The request itself did not change.
  fx.engine->Read([&](const EngineState& s) {
    CHECK(s.Request(id)->state == "diajukan");
    CHECK(s.Request(id)->version == 1);
  });
}

TEST_CASE("the callback API answers once durable, with the result or the refusal") {
  Fixture fx;
  std::string id = fx.SubmitOne().event.request_id;
  std::promise<std::pair<Accepted, std::exception_ptr>> ok, refused;
  auto verify = fx.Act(id, "verifikasi", fx.verifikator);
  verify.fields = {{"catatan", "berkas lengkap"}};
  fx.engine->Act(verify, [&](Accepted a, std::exception_ptr e) { ok.set_value({a, e}); });
  fx.engine->Act(fx.Act(id, "verifikasi", fx.verifikator2), [&](Accepted a, std::exception_ptr e) {
    refused.set_value({a, e});
  });
  auto [a, error] = ok.get_future().get();
  CHECK_FALSE(error);
  CHECK(a.event.seq == 2);
  CHECK(a.request_version == 2);
  CHECK(fx.engine->ledger().size() > a.event.seq);  // durable before the answer
  auto [none, refusal] = refused.get_future().get();
  REQUIRE(refusal);
  CheckRefused([refusal = refusal] { std::rethrow_exception(refusal); }, ErrorCode::kRefused,
               "invalid_state");
  std::promise<std::string> submitted;
  SubmitCommand c;
  c.workflow = "izin-uji";
  c.applicant = "3273010101900002";
  c.fields = {{"nik", "3273010101900002"}, {"modal", "500000000"}};
  fx.engine->Submit(
      c, [&](Accepted s, std::exception_ptr e) { submitted.set_value(e ? "" : s.tracking_code); });
  CHECK(submitted.get_future().get().size() == 14);
}

TEST_CASE("a citizen acting as another applicant is refused without an audit event") {
  Fixture fx;
  std::string id = fx.SubmitOne().event.request_id;
  uint64_t before = fx.size();
  WithdrawCommand w;
  w.request_id = id;
  w.applicant = "someone-else";
  CheckRefused([&] { fx.engine->Withdraw(w); }, ErrorCode::kPermissionDenied, "not_applicant");
  CHECK(fx.size() == before);
  w.applicant = "3273010101900001";
  w.reason = "salah isi data";
  Accepted done = fx.engine->Withdraw(w);
  CHECK(done.event.fields.at("to").text() == "withdrawn");
  CheckRefused([&] { fx.engine->Withdraw(w); }, ErrorCode::kRefused, "request_closed");
}

TEST_CASE("four-eyes: the verifier may not also approve") {
  Fixture fx;
  std::string id = fx.SubmitOne().event.request_id;
  fx.engine->Act(fx.Act(id, "verifikasi", fx.verifikator));
  auto approve = fx.Act(id, "setujui", fx.verifikator);
  approve.fields = {{"nomor_izin", "X-1"}};
  uint64_t before = fx.size();
  CheckRefused([&] { fx.engine->Act(approve); }, ErrorCode::kRefused, "four_eyes");
  CHECK(fx.size() == before + 1);
  CHECK(LastEvent(*fx.engine).fields.at("refusal").text() == "four_eyes");
  approve.actor = fx.verifikator2;
  CHECK(fx.engine->Act(approve).event.fields.at("to").text() == "terbit");
}

TEST_CASE("guards, fields and reasons are enforced and change nothing") {
  Fixture fx;
  uint64_t before = fx.size();
  SubmitCommand s;
  s.workflow = "izin-uji";
  s.applicant = "3273010101900001";
  SUBCASE("missing required field") {
    s.fields = {{"nik", "3273010101900001"}};
    CheckRefused([&] { fx.engine->Submit(s); }, ErrorCode::kInvalidArgument, "missing_field");
  }
  SUBCASE("pattern") {
    s.fields = {{"nik", "12345"}, {"modal", "1"}};
    CheckRefused([&] { fx.engine->Submit(s); }, ErrorCode::kInvalidArgument, "invalid_field");
  }
  SUBCASE("mistyped") {
    s.fields = {{"nik", "3273010101900001"}, {"modal", "satu juta"}};
    CheckRefused([&] { fx.engine->Submit(s); }, ErrorCode::kInvalidArgument, "invalid_field");
  }
  SUBCASE("below min") {
    s.fields = {{"nik", "3273010101900001"}, {"modal", "1"}, {"karyawan", "0"}};
    CheckRefused([&] { fx.engine->Submit(s); }, ErrorCode::kInvalidArgument, "invalid_field");
  }
  SUBCASE("undeclared field") {
    s.fields = {{"nik", "3273010101900001"}, {"modal", "1"}, {"hobi", "x"}};
    CheckRefused([&] { fx.engine->Submit(s); }, ErrorCode::kInvalidArgument, "unknown_field");
  }
  SUBCASE("unknown workflow") {
    s.workflow = "tidak-ada";
    CheckRefused([&] { fx.engine->Submit(s); }, ErrorCode::kNotFound, "unknown_workflow");
  }
  CHECK(fx.size() == before);
}

TEST_CASE("action rules: state, unknown action, guard, requires and reason") {
  Fixture fx;
  SubmitCommand s;
  s.workflow = "izin-uji";
  s.applicant = "3273010101900002";
  s.fields = {{"nik", "3273010101900002"}, {"modal", "25000000000"}};  // above the guard's limit
  std::string id = fx.engine->Submit(s).event.request_id;
  uint64_t before = fx.size();
  CheckRefused([&] { fx.engine->Act(fx.Act(id, "setujui", fx.kadis)); }, ErrorCode::kRefused,
               "invalid_state");
  CheckRefused([&] { fx.engine->Act(fx.Act(id, "terbitkan", fx.kadis)); },
               ErrorCode::kInvalidArgument, "unknown_action");
  CheckRefused([&] { fx.engine->Act(fx.Act("IZIN-2026-999999", "tolak", fx.kadis)); },
               ErrorCode::kNotFound, "unknown_request");
  CheckRefused([&] { fx.engine->Act(fx.Act(id, "tolak", fx.kadis)); }, ErrorCode::kInvalidArgument,
               "reason_required");
  auto bad_field = fx.Act(id, "verifikasi", fx.verifikator);
  bad_field.fields = {{"nomor_izin", "X"}};  // not one of this action's fields
  CheckRefused([&] { fx.engine->Act(bad_field); }, ErrorCode::kInvalidArgument, "unknown_field");
  CHECK(fx.size() == before);

  fx.engine->Act(fx.Act(id, "verifikasi", fx.verifikator));
  auto approve = fx.Act(id, "setujui", fx.kadis);
  CheckRefused([&] { fx.engine->Act(approve); }, ErrorCode::kInvalidArgument, "missing_field");
  approve.fields = {{"nomor_izin", "X-2"}};
  CheckRefused([&] { fx.engine->Act(approve); }, ErrorCode::kRefused, "guard_failed");
  auto reject = fx.Act(id, "tolak", fx.kadis);
  reject.reason = "modal di atas kewenangan daerah";
  CHECK(fx.engine->Act(reject).event.fields.at("reason").text() == reject.reason);
}

TEST_CASE("optimistic concurrency: a stale expected version is a conflict") {
  Fixture fx;
  std::string id = fx.SubmitOne().event.request_id;
  auto verify = fx.Act(id, "verifikasi", fx.verifikator);
  verify.expect_version = 2;
  uint64_t before = fx.size();
  CheckRefused([&] { fx.engine->Act(verify); }, ErrorCode::kConflict, "version_conflict");
  CHECK(fx.size() == before);
  verify.expect_version = 1;
  CHECK(fx.engine->Act(verify).request_version == 2);
}

TEST_CASE("idempotent retries return the original result and append nothing") {
  Fixture fx;
  Accepted first = fx.SubmitOne("3273010101900001", "kirim-1");
  uint64_t size = fx.size();
  Accepted again = fx.SubmitOne("3273010101900001", "kirim-1");
  CHECK(again.replayed);
  CHECK(again.event == first.event);
  CHECK(again.tracking_code == first.tracking_code);
  CHECK(fx.size() == size);

  auto verify = fx.Act(first.event.request_id, "verifikasi", fx.verifikator);
  verify.idempotency_key = "v-1";
  Accepted v1 = fx.engine->Act(verify);
  fx.Reopen();  // the key survives a restart: it is in the ledger
  Accepted v2 = fx.engine->Act(verify);
  CHECK(v2.replayed);
  CHECK(v2.event.seq == v1.event.seq);
  CHECK(v2.request_version == 2);
  auto other = fx.Act(first.event.request_id, "tolak", fx.verifikator);
  other.idempotency_key = "v-1";
  other.reason = "x";
  CheckRefused([&] { fx.engine->Act(other); }, ErrorCode::kConflict, "idempotency_mismatch");
  CHECK(fx.size() == size + 1);
}

TEST_CASE("concurrent submitters lose and double nothing") {
  Fixture fx;
  constexpr int kThreads = 8, kEach = 60;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string applicant = fmt::format("32730101019{:05}", t * kEach + i);
        ids[t].push_back(fx.SubmitOne(applicant).event.request_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> unique;
  for (auto& v : ids) unique.insert(v.begin(), v.end());
  CHECK(unique.size() == kThreads * kEach);
  CHECK(fx.size() == 1 + kThreads * kEach);
  fx.engine->Read([&](const EngineState& s) { CHECK(s.request_count() == kThreads * kEach); });
}

TEST_CASE("SLA deadlines that pass while the engine is down are caught up on restart") {
  Fixture fx;
  std::string id = fx.SubmitOne().event.request_id;  // diajukan: 2h SLA
  CHECK(fx.engine->CheckDeadlines().empty());
  fx.engine.reset();
  fx.now += 3 * kHour;
  EngineOptions o = testing::ClockedEngineOptions(fx.dir.path(), fx.now);
  o.sla_interval = std::chrono::milliseconds(50);  // Open() catches up at once
  fx.engine = Engine::Open(o);
  events::Event breach = LastEvent(*fx.engine);
  CHECK(breach.type == events::types::kSlaBreached);
  CHECK(breach.request_id == id);
  CHECK(breach.actor.role == "system");
  CHECK(breach.fields.at("state").text() == "diajukan");
  CHECK(breach.fields.at("deadline").number() == kMonday9am + 2 * kHour);
  uint64_t size = fx.size();
  fx.Reopen();
  CHECK(fx.engine->CheckDeadlines().empty());  // never twice for one stay in a state
  CHECK(fx.size() == size);
}

TEST_CASE("deploying version 2 leaves running version-1 requests on version 1") {
  Fixture fx;
  std::string old_id = fx.SubmitOne().event.request_id;
  std::string v2 = kWorkflowV1;
  v2.replace(v2.find("version: 1"), 10, "version: 2");
  const std::string v1_rule = "to: diverifikasi, roles: [verifikator]";
  v2.replace(v2.find(v1_rule), v1_rule.size(), "to: diverifikasi, roles: [kasi]");
  CHECK(fx.engine->Deploy(workflow::ParseWorkflow(v2, "v2.yaml"), fx.admin));
  CHECK(
      !fx.engine->Deploy(workflow::ParseWorkflow(v2, "v2.yaml"), fx.admin));  // same content: no-op
  CheckRefused(
      [&] {
        fx.engine->Deploy(workflow::ParseWorkflow(kWorkflowV1 + std::string("\n# x\n"), "v1.yaml"),
                          fx.admin);
      },
      ErrorCode::kConflict, "version_exists");
  Accepted fresh = fx.SubmitOne("3273010101900005");
  CHECK(fresh.event.workflow_version == 2);
  // The old request still follows v1's rule (verifikator), the new one v2's (kasi).
  CHECK(fx.engine->Act(fx.Act(old_id, "verifikasi", fx.verifikator)).event.workflow_version == 1);
  CheckRefused(
      [&] { fx.engine->Act(fx.Act(fresh.event.request_id, "verifikasi", fx.verifikator)); },
      ErrorCode::kPermissionDenied, "forbidden_role");
  fx.Reopen();
  fx.engine->Read([&](const EngineState& s) {
    CHECK(s.Request(old_id)->workflow->version == 1);
    CHECK(s.Request(fresh.event.request_id)->workflow->version == 2);
  });
}

}  // namespace
}  // namespace jejak::engine
