// The shipped example workflows, and the JSON Schema kept in step with the
// parser's keys.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include "events/time.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/helpers/paths.h"
#include "workflow/field_rules.h"
#include "workflow/keys.h"
#include "workflow/workflow.h"

namespace jejak::workflow {
namespace {

using testing::SourceDir;

std::shared_ptr<const Workflow> Example(const std::string& name) {
  return LoadWorkflowFile(SourceDir() + "/examples/workflows/" + name);
}

TEST_CASE("examples: every example workflow validates") {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceDir() + "/examples/workflows")) {
    if (entry.path().extension() != ".yaml") continue;
    CAPTURE(entry.path().string());
    WorkflowCheck check = CheckWorkflow(ReadWorkflowText(entry.path().string()));
    CHECK(FormatProblems(entry.path().string(), check.problems) == "");
    REQUIRE(check.workflow != nullptr);
    // The file is named after the workflow.
    CHECK(entry.path().stem().string() == check.workflow->name);
    ++count;
  }
  CHECK(count >= 3);
}

TEST_CASE("examples: the OSS licence has its realistic rules") {
  auto wf = Example("oss-izin-usaha.yaml");
  const FieldSpec* nik = wf->FindField("nik");
  REQUIRE(nik != nullptr);
  CHECK(nik->pii);
  CHECK_NOTHROW(CoerceField(*nik, "3273012501900001"));
  CHECK_THROWS(CoerceField(*nik, "327301250190000"));
  CHECK_THROWS(CoerceField(*wf->FindField("kbli"), "4711"));
  CHECK(wf->FindField("nilai_investasi")->kind == FieldKind::kDecimal);
  CHECK(wf->FindField("jumlah_tenaga_kerja")->kind == FieldKind::kInteger);
  CHECK(wf->FindField("tempat_milik_sendiri")->kind == FieldKind::kBoolean);
  CHECK(wf->FindField("skala_usaha")->values.size() == 4);
  // The Kepala Dinas approves only if someone else checked and reviewed.
  const ActionSpec* approve = wf->FindAction("setujui");
  REQUIRE(approve != nullptr);
  CHECK(approve->distinct_from == std::vector<std::string>{"periksa_dokumen", "kajian_teknis"});
  CHECK(wf->FindAction("tolak")->reason_required);
  CHECK(wf->FindState("diajukan")->sla->unit == Duration::Unit::kWorkingDays);
  // A micro business may not declare more than Rp1bn of investment.
  const Guard& scale = *wf->FindAction("periksa_dokumen")->guard;
  events::Fields f = {{"skala_usaha", events::FieldValue::String("mikro")},
                      {"nilai_investasi", events::FieldValue::Decimal("1000000000")}};
  CHECK(scale.Evaluate(f));
  f.insert_or_assign("nilai_investasi", events::FieldValue::Decimal("1000000000.01"));
  CHECK_FALSE(scale.Evaluate(f));
}

TEST_CASE("examples: LAPOR and PBG flows") {
  auto lapor = Example("lapor-pengaduan.yaml");
  CHECK(lapor->FindAction("buka_kembali")->from == std::vector<std::string>{"menunggu_konfirmasi"});
  CHECK(lapor->FindAction("buka_kembali")->roles == std::vector<std::string>{kApplicantRole});
  CHECK(lapor->FindAction("konfirmasi_selesai")->to == "selesai");
  auto pbg = Example("pbg-persetujuan-bangunan.yaml");
  CHECK(pbg->FindAction("tetapkan_sppst")->distinct_from.size() == 2);
  CHECK(pbg->FindState("konsultasi_teknis")->clock == StateSpec::Clock::kPause);
  const Guard& fee = *pbg->FindAction("hitung_retribusi")->guard;
  events::Fields mbr = {{"rumah_mbr", events::FieldValue::Boolean(true)},
                        {"nilai_retribusi", events::FieldValue::Decimal("0")}};
  CHECK(fee.Evaluate(mbr));
  mbr.insert_or_assign("nilai_retribusi", events::FieldValue::Decimal("150000"));
  CHECK_FALSE(fee.Evaluate(mbr));
}

nlohmann::json Schema() {
  std::ifstream in(SourceDir() + "/docs/workflow.schema.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);  // throws if it is not valid JSON
}

// Property names of a schema object.
std::set<std::string> Properties(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.at("properties").items()) out.insert(key);
  return out;
}

template <size_t N>
std::set<std::string> Set(const std::array<std::string_view, N>& keys) {
  return std::set<std::string>(keys.begin(), keys.end());
}

TEST_CASE("schema: valid JSON listing exactly the keys the parser accepts") {
  nlohmann::json s = Schema();
  CHECK(s.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  const nlohmann::json& defs = s.at("$defs");
  CHECK(Properties(s) == Set(keys::kTopLevel));
  CHECK(Properties(defs.at("calendar")) == Set(keys::kCalendar));
  CHECK(Properties(defs.at("field")) == Set(keys::kField));
  CHECK(Properties(defs.at("state")) == Set(keys::kState));
  CHECK(Properties(defs.at("state").at("properties").at("on_deadline")) == Set(keys::kOnDeadline));
  CHECK(Properties(defs.at("action")) == Set(keys::kAction));
  // Unknown keys are errors in the parser, and so in the schema.
  for (const char* def : {"calendar", "field", "state", "action"}) {
    CHECK(defs.at(def).at("additionalProperties") == false);
  }
  CHECK(s.at("additionalProperties") == false);
  std::set<std::string> types;
  for (const auto& t : defs.at("field").at("properties").at("type").at("enum")) types.insert(t);
  CHECK(types == Set(keys::kFieldTypes));
  std::set<std::string> days;
  for (const auto& d :
       defs.at("calendar").at("properties").at("working_days").at("items").at("enum")) {
    days.insert(d);
  }
  CHECK(days == Set(keys::kWeekdays));
  std::set<std::string> required;
  for (const auto& r : s.at("required")) required.insert(r);
  CHECK(required ==
        std::set<std::string>{"workflow", "version", "agency", "title", "states", "actions"});
}

TEST_CASE("schema: every example names the schema for editors") {
  for (const char* name :
       {"oss-izin-usaha.yaml", "lapor-pengaduan.yaml", "pbg-persetujuan-bangunan.yaml",
        "jkn-pindah-faskes.yaml", "pajak-keberatan.yaml"}) {
    CHECK(Example(name)->source.starts_with(
        "# yaml-language-server: $schema=../../docs/workflow.schema.json\n"));
  }
}

TEST_CASE("examples: a JKN facility change after 3 months, or sooner for a reason") {
  auto jkn = Example("jkn-pindah-faskes.yaml");
  const Guard& allowed = *jkn->FindAction("setujui")->guard;
  // Evaluated on 8 December 2026.
  GuardClock on{events::ParseRfc3339("2026-12-08T10:00:00+07:00"), &jkn->calendar};
  auto with = [](const char* since, const char* reason) {
    return events::Fields{{"terdaftar_sejak", events::FieldValue::Date(since)},
                          {"alasan", events::FieldValue::String(reason)}};
  };
  CHECK(allowed.Evaluate(with("2026-09-08", "biasa"), on));
  CHECK_FALSE(allowed.Evaluate(with("2026-09-09", "biasa"), on));
  CHECK(allowed.Evaluate(with("2026-11-01", "penugasan"), on));
  CHECK_FALSE(allowed.Evaluate(with("2026-11-01", "pindah_domisili"), on));  // no letter
  events::Fields moved = with("2026-11-01", "pindah_domisili");
  moved.emplace("nomor_surat_domisili", events::FieldValue::String("470/123/Kel"));
  CHECK(allowed.Evaluate(moved, on));
  CHECK(jkn->FindState("menunggu_berlaku")->deadline_at->EvaluateDate({}, on) == "2027-01-01");
}

TEST_CASE("examples: a tax objection within 3 months, deemed granted after 12") {
  auto kup = Example("pajak-keberatan.yaml");
  const Guard& in_time = *kup->FindAction("terima")->guard;
  events::Fields f = {{"tanggal_skp_dikirim", events::FieldValue::Date("2026-09-08")},
                      {"tanggal_diterima", events::FieldValue::Date("2026-12-08")}};
  CHECK(in_time.Evaluate(f));
  f.insert_or_assign("tanggal_diterima", events::FieldValue::Date("2026-12-09"));
  CHECK_FALSE(in_time.Evaluate(f));
  // The office has the whole of the twelfth month's last day.
  CHECK(kup->FindState("diteliti")->deadline_at->EvaluateDate(f, {}) == "2027-12-10");
  CHECK(kup->FindState("diteliti")->deadline_action == "dikabulkan_otomatis");
}

}  // namespace
}  // namespace jejak::workflow
