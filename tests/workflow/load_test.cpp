// Loading workflows: what a valid file becomes, and the whole-file error report.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "base/error.h"
#include "events/time.h"
#include "ledger/hash.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::workflow {
namespace {

constexpr char kValid[] = R"(workflow: izin-uji
version: 3
agency: DPMPTSP Kota Uji
title: Selamat datang
calendar:
  utc_offset: "+08:00"
  working_days: [mon, tue, wed, thu, fri, sat]
  working_hours: "07:30-15:00"
  holidays: [2026-08-17, 2026-12-25]
fields:
  nik: {type: string, title: NIK, required: true, pattern: "[0-9]{16}", pii: true, pii_roles: [verifikator]}
  modal: {type: decimal, title: Modal usaha, min: 0, max: 10000000000.50}
  skala: {type: enum, title: Skala, values: [mikro, kecil]}
states:
  diajukan: {title: Diajukan, initial: true, sla: 2wd}
  diverifikasi: {title: Diverifikasi, sla: 4h}
  terbit: {title: Izin terbit, terminal: true}
  ditolak: {title: Ditolak, terminal: true}
actions:
  verifikasi: {title: Verifikasi, from: diajukan, to: diverifikasi, roles: [verifikator]}
  setujui:
    title: Setujui
    from: [diverifikasi]
    to: terbit
    roles: [kadis]
    fields: [modal, skala]
    requires: [modal]
    guard: "modal >= 0 and skala in ['mikro', 'kecil']"
    four_eyes: [verifikasi]
  tolak:
    title: Tolak
    from: [diajukan, diverifikasi]
    to: ditolak
    roles: [verifikator, kadis]
    reason: required
  lengkapi:
    title: Lengkapi
    from: diverifikasi
    to: diverifikasi
    roles: [applicant]
    reason: required
)";

TEST_CASE("workflow load: a valid file becomes a complete Workflow") {
  auto wf = ParseWorkflow(kValid, "uji.yaml");
  CHECK(wf->name == "izin-uji");
  CHECK(wf->version == 3);
  CHECK(wf->agency == "DPMPTSP Kota Uji");
  CHECK(wf->title == "Selamat datang");
  CHECK(wf->calendar.utc_offset_minutes == 480);
  CHECK(wf->calendar.working_weekdays == 0b0111111);
  CHECK(wf->calendar.work_start_minute == 7 * 60 + 30);
  CHECK(wf->calendar.work_end_minute == 15 * 60);
  CHECK(wf->calendar.holidays ==
        std::set<int64_t>{events::DaysFromCivil(2026, 8, 17), events::DaysFromCivil(2026, 12, 25)});

  REQUIRE(wf->fields.size() == 3);
  const FieldSpec* nik = wf->FindField("nik");
  REQUIRE(nik != nullptr);
  CHECK(nik->required);
  CHECK(nik->pii);
  CHECK(nik->pii_roles == std::vector<std::string>{"verifikator"});
  CHECK(nik->pattern == "[0-9]{16}");
  CHECK(nik->pos.line == 11);
  CHECK(nik->pos.column == 3);
  CHECK(wf->FindField("modal")->kind == FieldKind::kDecimal);
  CHECK(wf->FindField("modal")->max == "10000000000.5");  // canonical decimal
  CHECK(wf->FindField("skala")->values == std::vector<std::string>{"mikro", "kecil"});
  CHECK(wf->FindField("nope") == nullptr);

  // Declared states in order, then the built-in withdrawn state.
  REQUIRE(wf->states.size() == 5);
  CHECK(wf->states[0].name == "diajukan");
  CHECK(wf->states[4].name == kWithdrawnState);
  CHECK(wf->states[4].terminal);
  CHECK(wf->InitialState().name == "diajukan");
  CHECK(wf->FindState("diajukan")->sla->ToString() == "2wd");
  CHECK(wf->FindState("diverifikasi")->sla->unit == Duration::Unit::kHours);
  CHECK(wf->FindState("diajukan")->responsible_roles ==
        std::vector<std::string>{"verifikator", "kadis"});
  CHECK(wf->FindState("diverifikasi")->responsible_roles ==
        std::vector<std::string>{"kadis", "verifikator", "applicant"});
  CHECK(wf->FindState("terbit")->responsible_roles.empty());

  const ActionSpec* setujui = wf->FindAction("setujui");
  REQUIRE(setujui != nullptr);
  CHECK(setujui->from == std::vector<std::string>{"diverifikasi"});
  CHECK(setujui->to == "terbit");
  CHECK(setujui->required_fields == std::vector<std::string>{"modal"});
  CHECK(setujui->distinct_from == std::vector<std::string>{"verifikasi"});
  REQUIRE(setujui->guard.has_value());
  CHECK(setujui->guard->fields() == std::set<std::string>{"modal", "skala"});
  CHECK_FALSE(setujui->reason_required);
  CHECK(wf->FindAction("tolak")->reason_required);
  // A single state in from is a one-element list.
  CHECK(wf->FindAction("verifikasi")->from == std::vector<std::string>{"diajukan"});
  CHECK(setujui->pos.line == 21);

  CHECK(wf->source == kValid);
  CHECK(wf->source_sha256 == ledger::HashToHex(ledger::Sha256Of(kValid)));
  CHECK(wf->source_sha256.size() == 64);
  // A comment changes the bytes, and so the identity of the definition.
  auto commented = ParseWorkflow(std::string(kValid) + "# v3b\n", "uji.yaml");
  CHECK(commented->source_sha256 != wf->source_sha256);
}

TEST_CASE("workflow load: defaults for an omitted calendar and fields") {
  auto wf = ParseWorkflow(R"(workflow: minimal
version: 1
agency: A
title: T
states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true}
actions:
  go: {title: Go, from: a, to: b, roles: [staff]}
)",
                          "m.yaml");
  CHECK(wf->fields.empty());
  CHECK(wf->calendar.utc_offset_minutes == 420);
  CHECK(wf->calendar.working_weekdays == 0b0011111);
  CHECK(wf->calendar.holidays.empty());
}

TEST_CASE("workflow load: errors are file line column lines sorted by position") {
  const char* yaml = R"(workflow: uji
version: 1
agency: A
title: T
states:
  a: {title: A, initial: true}
  b: {title: B, terminal: true, colour: red}
actions:
  back: {title: Back, from: zz, to: a, roles: [staff]}
  go: {title: Go, from: a, to: c, roles: [staff]}
  ok: {title: OK, from: a, to: b, roles: [staff]}
)";
  try {
    ParseWorkflow(yaml, "dir/uji.yaml");
    FAIL("expected an error");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kInvalidArgument);
    std::string m = e.what();
    CHECK(m.find("dir/uji.yaml:7:33: unknown key \"colour\" in state \"b\"") == 0);
    size_t from = m.find("\ndir/uji.yaml:9:29: action \"back\" starts from unknown state \"zz\"");
    size_t to = m.find("\ndir/uji.yaml:10:32: action \"go\" leads to unknown state \"c\"");
    CHECK(from != std::string::npos);
    CHECK(to != std::string::npos);
    CHECK(from < to);
    CHECK(std::count(m.begin(), m.end(), '\n') == 2);  // three problems, three lines
  }
  WorkflowCheck check = CheckWorkflow(yaml);
  CHECK(check.workflow == nullptr);
  REQUIRE(check.problems.size() == 3);
  CHECK(check.problems[0].pos.line == 7);
  CHECK(check.problems[0].pos.column == 33);
  CHECK(FormatProblems("f", {{{0, 0}, "cannot read"}, {{2, 5}, "bad"}}) ==
        "f: cannot read\nf:2:5: bad");
}

TEST_CASE("workflow load: files are read whole and missing files are not found") {
  testing::TempDir dir;
  std::string path = dir.Sub("uji.yaml");
  std::ofstream(path) << kValid;
  auto wf = LoadWorkflowFile(path);
  CHECK(wf->name == "izin-uji");
  CHECK(wf->source == kValid);
  try {
    LoadWorkflowFile(dir.Sub("hilang.yaml"));
    FAIL("expected an error");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kNotFound);
    CHECK(std::string(e.what()).find("hilang.yaml") != std::string::npos);
  }
  CHECK_THROWS_AS(LoadWorkflowFile(dir.path()), base::Error);  // a directory
  // Errors in a file name the file's path.
  std::ofstream(dir.Sub("bad.yaml")) << "workflow: uji\n";
  try {
    LoadWorkflowFile(dir.Sub("bad.yaml"));
    FAIL("expected an error");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find(dir.Sub("bad.yaml") + ":1:1: missing required key") == 0);
  }
}

}  // namespace
}  // namespace jejak::workflow
