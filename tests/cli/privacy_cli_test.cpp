// Personal data end to end through the jejak executable (docs/PRIVACY.md):
// no plaintext anywhere under DATA, erasure that leaves nothing, the access
// trail, and erasure interrupted by SIGKILL.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using nlohmann::json;
using testing::RunJejak;
using testing::RunResult;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kNik = "3273019999000001";
const std::string kName = "Rahmat Hidayat Sujatmiko";
const std::string kAddress = "Jl. Cendana Rahasia No. 77, Sleman";
const std::string kOtherNik = "3404019999000002";
const std::string kOtherName = "Dewi Lestari Anggraeni";

std::vector<std::string> PbgArgs(const std::string& nik, const std::string& name,
                                 const std::string& address) {
  return {"submit",  "pbg-persetujuan-bangunan",
          "--as",    nik,
          "--field", "nik=" + nik,
          "--field", "nama_pemilik=" + name,
          "--field", "alamat_bangunan=" + address,
          "--field", "fungsi_bangunan=hunian",
          "--field", "jumlah_lantai=2",
          "--field", "luas_bangunan=120",
          "--field", "status_tanah=shm",
          "--field", "nomor_kkpr=KKPR-3404-2026-0077",
          "--field", "rumah_mbr=false",
          "--json"};
}

// Where needle is under DATA (testing::WhereIs), checking first that the
// search reads the databases at all.
std::string FindAnywhere(const std::string& data, const std::string& needle) {
  CHECK(testing::DbContents(data + "/ledger").size() > 100);
  return testing::WhereIs(data, needle);
}

struct PbgOffice {
  TempDir dir;
  std::string data = dir.Sub("data");
  std::string key_dir = dir.Sub("keys");
  std::string mine, other;  // request ids
  std::string receipt = dir.Sub("receipt.json");

  PbgOffice() {
    REQUIRE(RunJejak({"keys", "generate", "--out", key_dir}).exit_code == 0);
    RunResult d = RunJejak({"demo", "--days", "1", "--seed", "7"}, data);
    REQUIRE_MESSAGE(d.exit_code == 0, d.err);
    std::vector<std::string> args = PbgArgs(kNik, kName, kAddress);
    args.insert(args.end(), {"--receipt", receipt, "--key", key_dir + "/jejak.key"});
    RunResult a = RunJejak(args, data);
    REQUIRE_MESSAGE(a.exit_code == 0, a.err);
    mine = json::parse(a.out)["request_id"];
    RunResult b = RunJejak(PbgArgs(kOtherNik, kOtherName, "Jl. Kaliurang Km 5"), data);
    REQUIRE_MESSAGE(b.exit_code == 0, b.err);
    other = json::parse(b.out)["request_id"];
  }
};

TEST_CASE("privacy cli: no personal field is in plaintext anywhere under DATA") {
  PbgOffice o;
  for (const std::string& needle : {kNik, kName, kAddress, kOtherNik, kOtherName}) {
    CAPTURE(needle);
    CHECK(FindAnywhere(o.data, needle) == "");
  }
}

TEST_CASE("privacy cli: staff reads open personal fields only with a trail") {
  PbgOffice o;
  // Without --show-personal, the fields are hidden.
  RunResult h = RunJejak({"history", o.mine, "--json"}, o.data);
  REQUIRE_MESSAGE(h.exit_code == 0, h.err);
  CHECK(h.out.find(kName) == std::string::npos);
  CHECK(json::parse(h.out)[0]["fields"]["nama_pemilik"] == "[disembunyikan / redacted]");
  // The secretariat may read all three; the reading is recorded first.
  h = RunJejak({"history", o.mine, "--show-personal", "--as", "NIP-SEK-01", "--role", "sekretariat",
                "--json"},
               o.data);
  REQUIRE_MESSAGE(h.exit_code == 0, h.err);
  json events = json::parse(h.out);
  CHECK(events[0]["fields"]["nama_pemilik"]["value"] == kName);
  CHECK(events[0]["fields"]["alamat_bangunan"]["value"] == kAddress);
  // The report lists that access, and itself is the second.
  RunResult r =
      RunJejak({"subject", "report", "--subject", kNik, "--as", "NIP-DPO", "--json"}, o.data);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json report = json::parse(r.out);
  REQUIRE(report["requests"].size() == 1);
  const json& req = report["requests"][0];
  CHECK(req["request_id"] == o.mine);
  CHECK(req["personal_data"]["nama_pemilik"] == kName);
  REQUIRE(req["accesses"].size() == 1);
  CHECK(req["accesses"][0]["by"]["subject"] == "NIP-SEK-01");
  CHECK(req["accesses"][0]["fields"] == "alamat_bangunan,nama_pemilik,nik");
  CHECK(req["accesses"][0]["interface"] == "cli");
  r = RunJejak({"subject", "report", "--subject", kNik, "--as", "NIP-DPO", "--json"}, o.data);
  CHECK(json::parse(r.out)["requests"][0]["accesses"].size() == 2);
  // Human-readable, Indonesian first.
  r = RunJejak({"subject", "report", "--subject", kNik, "--as", "NIP-DPO"}, o.data);
  CHECK(r.out.find("Rekam jejak data pribadi / personal data report") != std::string::npos);
}

TEST_CASE("privacy cli: erasure leaves no byte of the subject under DATA and the ledger verifies") {
  PbgOffice o;
  std::map<std::string, std::string> keys_before = testing::DbContents(o.data + "/subjects");
  RunResult e = RunJejak({"subject", "erase", "--subject", kNik, "--reason",
                          "permintaan subjek data (UU PDP Pasal 8)", "--as", "NIP-DPO", "--json"},
                         o.data);
  REQUIRE_MESSAGE(e.exit_code == 0, e.err);
  json erased = json::parse(e.out);
  CHECK(erased["purged"] == true);
  CHECK(erased["plaintext_entries"] == 0);
  for (const std::string& needle : {kNik, kName, kAddress}) {
    CAPTURE(needle);
    CHECK(FindAnywhere(o.data, needle) == "");
  }
  // The wrapped data key is nowhere: not in the key store's tables, its log,
  // or anywhere else. (The subject id itself is no secret: the ledger holds it.)
  std::string wrapped;
  for (const auto& [key, value] : keys_before) {
    if (key.ends_with("k/" + erased["subject"].get<std::string>())) wrapped = value;
  }
  REQUIRE(wrapped.size() > 32);
  CHECK(FindAnywhere(o.data, wrapped.substr(wrapped.size() - 32)) == "");
  // The other subject's data still opens.
  RunResult h = RunJejak({"history", o.other, "--show-personal", "--as", "NIP-SEK-01", "--role",
                          "sekretariat", "--json"},
                         o.data);
  REQUIRE_MESSAGE(h.exit_code == 0, h.err);
  CHECK(json::parse(h.out)[0]["fields"]["nama_pemilik"]["value"] == kOtherName);
  // The erased one's shows as erased.
  h = RunJejak({"history", o.mine, "--show-personal", "--as", "NIP-SEK-01", "--role", "sekretariat",
                "--json"},
               o.data);
  REQUIRE_MESSAGE(h.exit_code == 0, h.err);
  CHECK(json::parse(h.out)[0]["fields"]["nama_pemilik"] == "[dihapus / erased]");
  // The ledger verifies; the receipt issued before the erasure verifies offline.
  RunResult v = RunJejak({"ledger", "verify"}, o.data);
  CHECK_MESSAGE(v.exit_code == 0, v.out, v.err);
  RunResult rv = RunJejak({"receipt", "verify", o.receipt, "--key", o.key_dir + "/jejak.pub"});
  CHECK_MESSAGE(rv.exit_code == 0, rv.out, rv.err);
  RunResult py = testing::Run({"python3", testing::SourcePath("scripts/jejak_verify.py"), "receipt",
                               o.receipt, "--key", o.key_dir + "/jejak.pub"});
  CHECK_MESSAGE(py.exit_code == 0, py.out, py.err);
  // Erasing again: nothing left to erase.
  e = RunJejak({"subject", "erase", "--subject", kNik, "--reason", "lagi", "--as", "NIP-DPO"},
               o.data);
  CHECK(e.exit_code == 2);
  CHECK(e.err.find("no data subject") != std::string::npos);
}

TEST_CASE("privacy cli: an erasure killed at any point completes on the next open") {
  for (const char* point : {"erase.after_event", "erase.before_purge"}) {
    CAPTURE(point);
    PbgOffice o;
    std::vector<std::string> argv = {"env",
                                     std::string("JEJAK_CRASH_POINT=") + point,
                                     testing::JejakBin(),
                                     "subject",
                                     "erase",
                                     "--subject",
                                     kNik,
                                     "--reason",
                                     "permintaan subjek",
                                     "--as",
                                     "NIP-DPO",
                                     "--data",
                                     o.data};
    RunResult killed = testing::Run(argv);
    CHECK(killed.exit_code == -SIGKILL);
    // Any open of the data directory for writing finishes it: the subject is
    // erased (a second erasure finds nothing), and nothing of them is left.
    RunResult again = RunJejak(
        {"subject", "erase", "--subject", kNik, "--reason", "lagi", "--as", "NIP-DPO"}, o.data);
    CHECK(again.exit_code == 2);
    for (const std::string& needle : {kNik, kName, kAddress}) {
      CAPTURE(needle);
      CHECK(FindAnywhere(o.data, needle) == "");
    }
    RunResult h = RunJejak({"history", o.mine, "--show-personal", "--as", "NIP-SEK-01", "--role",
                            "sekretariat", "--json"},
                           o.data);
    REQUIRE_MESSAGE(h.exit_code == 0, h.err);
    CHECK(json::parse(h.out)[0]["fields"]["nama_pemilik"] == "[dihapus / erased]");
    CHECK(RunJejak({"ledger", "verify"}, o.data).exit_code == 0);
  }
}

TEST_CASE("privacy cli: without a key-encryption key no applicant is accepted") {
  TempDir dir;
  std::string data = dir.Sub("data");
  REQUIRE(RunJejak({"workflow", "deploy",
                    testing::SourcePath("examples/workflows/pbg-persetujuan-bangunan.yaml")},
                   data)
              .exit_code == 0);
  std::vector<std::string> argv = {"env", "-u", "JEJAK_KEK", testing::JejakBin()};
  for (const auto& a : PbgArgs(kNik, kName, kAddress)) argv.push_back(a);
  argv.insert(argv.end(), {"--data", data});
  RunResult r = testing::Run(argv);
  CHECK(r.exit_code == 7);
  CHECK(r.out.find("no_key_store") != std::string::npos);
  // A KEK inside the data directory is refused.
  std::string inside = data + "/kek";
  REQUIRE(RunJejak({"keys", "generate", "--kek", inside}).exit_code == 0);
  argv = {testing::JejakBin()};
  for (const auto& a : PbgArgs(kNik, kName, kAddress)) argv.push_back(a);
  argv.insert(argv.end(), {"--data", data, "--kek", inside});
  r = testing::Run(argv);
  CAPTURE(r.out);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("inside the data directory") != std::string::npos);
}

}  // namespace
}  // namespace jejak::cli
