// The embedded engine commands through the jejak executable: output, --json
// and exit codes, as a user or a script sees them.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/format_vectors.h"
#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using testing::JejakBin;
using testing::Run;
using testing::RunResult;
using testing::TempDir;

std::string Example(const std::string& name) {
  return testing::SourcePath("examples/workflows/" + name);
}

// A data directory with the OSS example deployed and one request submitted.
struct OssOffice {
  TempDir dir;
  std::string id, code;

  OssOffice() {
    RunResult d = Jejak({"workflow", "deploy", Example("oss-izin-usaha.yaml"), "--as", "admin-01"});
    REQUIRE(d.exit_code == 0);
    CHECK(d.out.find("Deployed oss-izin-usaha v3") != std::string::npos);
    RunResult s = Submit("3273010101900001", "--json");
    REQUIRE(s.exit_code == 0);
    auto j = nlohmann::json::parse(s.out);
    id = j["request_id"];
    code = j["tracking_code"];
  }

  RunResult Jejak(std::vector<std::string> args) { return testing::RunJejak(args, dir.path()); }

  RunResult Submit(const std::string& nik, const std::string& extra = "") {
    std::vector<std::string> args = testing::OssSubmitArgs(nik);
    if (!extra.empty()) args.push_back(extra);
    return Jejak(args);
  }
};

// Regression: std::regex recursed per character and `jejak submit` died with
// SIGSEGV (exit 139) on a 100,000-character pattern field.
TEST_CASE("cli: a 100,000-character pattern field is refused with exit 2") {
  OssOffice o;
  std::vector<std::string> args = testing::OssSubmitArgs("3273010101900002");
  args.push_back("--field");
  args.push_back("koordinat=-6." + std::string(100'000, '9'));
  RunResult r = o.Jejak(args);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("does not match the pattern") != std::string::npos);
  // Nothing was appended: the next request still gets number 2.
  RunResult next = o.Submit("3273010101900003", "--json");
  REQUIRE(next.exit_code == 0);
  CHECK(nlohmann::json::parse(next.out)["request_id"] == "OSS-2026-000002");
}

// Regression: --json reported an error whose message echoed bytes that are
// not UTF-8 by throwing from the error path, and jejak aborted (exit 134).
TEST_CASE("cli: --json reports an error echoing invalid UTF-8 without aborting") {
  OssOffice o;
  std::vector<std::string> args = testing::OssSubmitArgs("3273010101900002");
  args.insert(args.end(), {"--field", "\xff\xfe=x", "--json"});
  RunResult r = o.Jejak(args);
  CHECK(r.exit_code == 2);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["error"]["reason"] == "unknown_field");
  CHECK(j["error"]["message"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("cli: submit prints the request id and tracking code and act moves the request") {
  OssOffice o;
  CHECK(o.id == "OSS-2026-000001");
  CHECK(o.code.size() == 14);
  RunResult a = o.Jejak({"act", o.id, "periksa_dokumen", "--as", "NIP-1", "--role", "verifikator"});
  CHECK(a.exit_code == 0);
  CHECK(a.out.find("now pemeriksaan_teknis (version 2") != std::string::npos);
  RunResult h = o.Jejak({"history", o.id});
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("submitted") != std::string::npos);
  CHECK(h.out.find("periksa_dokumen") != std::string::npos);
  RunResult hj = o.Jejak({"history", o.id, "--json"});
  auto events = nlohmann::json::parse(hj.out);
  REQUIRE(events.size() == 2);
  CHECK(events[1]["actor"]["subject"] == "NIP-1");
  RunResult v = o.Jejak({"ledger", "verify"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("OK 3 entries, head ", 0) == 0);
}

TEST_CASE("cli: refusals exit 3 or 4 with a reason and change nothing") {
  OssOffice o;
  RunResult wrong =
      o.Jejak({"act", o.id, "setujui", "--as", "NIP-1", "--role", "verifikator", "--json"});
  CHECK(wrong.exit_code == 3);
  auto err = nlohmann::json::parse(wrong.out)["error"];
  CHECK(err["reason"] == "forbidden_role");
  CHECK(err["code"] == "permission_denied");
  CHECK(wrong.err.find("may not setujui") != std::string::npos);

  RunResult stale = o.Jejak({"act", o.id, "periksa_dokumen", "--as", "NIP-1", "--role",
                             "verifikator", "--expect-version", "7"});
  CHECK(stale.exit_code == 4);
  CHECK(stale.err.find("version 1, not the expected 7") != std::string::npos);

  RunResult reason = o.Jejak({"act", o.id, "tolak", "--as", "NIP-1", "--role", "verifikator"});
  CHECK(reason.exit_code == 2);
  CHECK(reason.err.find("requires a reason") != std::string::npos);

  RunResult bad_field = o.Jejak({"act", o.id, "periksa_dokumen", "--as", "NIP-1", "--role",
                                 "verifikator", "--field", "nomor_izin"});
  CHECK(bad_field.exit_code == 2);
  CHECK(bad_field.err.find("name=value") != std::string::npos);
  // Only the audited attempt (wrong role) reached the ledger.
  RunResult h = o.Jejak({"history", o.id, "--json"});
  auto events = nlohmann::json::parse(h.out);
  REQUIRE(events.size() == 2);
  CHECK(events[1]["type"] == "command_rejected");
}

TEST_CASE("cli: an idempotent retry says so and appends nothing") {
  OssOffice o;
  std::vector<std::string> act = {"act",    o.id,          "periksa_dokumen",   "--as", "NIP-1",
                                  "--role", "verifikator", "--idempotency-key", "k-1"};
  CHECK(o.Jejak(act).exit_code == 0);
  RunResult again = o.Jejak(act);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("idempotent retry") != std::string::npos);
  CHECK(o.Jejak({"ledger", "verify"}).out.rfind("OK 3 entries", 0) == 0);
}

TEST_CASE("cli: bad workflow files and bad data directories are clear errors") {
  TempDir dir;
  std::string bad = dir.Sub("bad.yaml");
  std::ofstream(bad) << "workflow: x\nversion: satu\n";
  RunResult r = Run({JejakBin(), "workflow", "deploy", bad, "--data", dir.Sub("data")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.yaml:2:") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.Sub("data/ledger/CURRENT")));
  RunResult missing = Run({JejakBin(), "history", "X-1", "--data", dir.Sub("nowhere")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no jejak ledger") != std::string::npos);
  RunResult no_data = Run({JejakBin(), "submit", "x", "--as", "y"});
  CHECK(no_data.exit_code == 2);
  CHECK(no_data.err.find("--data") != std::string::npos);
}

TEST_CASE("cli: the demo simulates a day and ends with a passing verification") {
  TempDir dir;
  RunResult r =
      Run({JejakBin(), "demo", "--data", dir.path(), "--days", "1", "--requests", "150", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["submitted"].get<int>() > 100);
  CHECK(j["actions"].get<int>() > 50);
  CHECK(j["verify"]["ok"] == true);
  // One deployment per example, then what the days wrote.
  CHECK(j["verify"]["entries"].get<int>() ==
        testing::ExampleWorkflowCount() + j["entries_written"].get<int>());
  // A second run continues on the following days of the same ledger.
  RunResult again =
      Run({JejakBin(), "demo", "--data", dir.path(), "--days", "1", "--requests", "50"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("Ledger verification: OK") != std::string::npos);
}

TEST_CASE("cli: an approval of a quorum says how many are in, and status shows it") {
  TempDir dir;
  std::string yaml = dir.path() + "/tpa.yaml";
  std::ofstream(yaml) << R"(workflow: tpa-cli
version: 1
agency: Dinas PUPR
title: Konsultasi TPA
states:
  konsultasi: {title: Konsultasi teknis, initial: true}
  selesai: {title: Selesai, terminal: true}
actions:
  setujui: {title: Desain disetujui TPA, from: konsultasi, to: selesai, roles: [tpa], quorum: 2}
)";
  auto jejak = [&](std::vector<std::string> args) { return testing::RunJejak(args, dir.path()); };
  REQUIRE(jejak({"workflow", "deploy", yaml, "--as", "admin-01"}).exit_code == 0);
  RunResult s = jejak({"submit", "tpa-cli", "--as", "3273010101900001", "--json"});
  REQUIRE(s.exit_code == 0);
  auto j = nlohmann::json::parse(s.out);
  std::string id = j["request_id"], code = j["tracking_code"];
  RunResult first = jejak({"act", id, "setujui", "--as", "TPA-1", "--role", "tpa"});
  CHECK(first.exit_code == 0);
  CHECK(first.out.find("approval 1 of 2 recorded") != std::string::npos);
  RunResult again = jejak({"act", id, "setujui", "--as", "TPA-1", "--role", "tpa"});
  CHECK(again.exit_code == 3);  // four_eyes: refused
  RunResult status = jejak({"status", id, "--code", code});
  CHECK(status.out.find("(1 dari 2 persetujuan (1 of 2 approvals))") != std::string::npos);
  CHECK(status.out.find("Persetujuan 1 dari 2: Desain disetujui TPA") != std::string::npos);
  RunResult second = jejak({"act", id, "setujui", "--as", "TPA-2", "--role", "tpa"});
  CHECK(second.out.find("now selesai") != std::string::npos);
}

}  // namespace
}  // namespace jejak::cli
