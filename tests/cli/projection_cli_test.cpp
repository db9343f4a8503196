// jejak status, report and projections rebuild through the executable, on a
// ledger made by the demo.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <thread>

#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using nlohmann::json;
using testing::JejakBin;
using testing::Run;
using testing::RunResult;

RunResult Jejak(const testing::TempDir& dir, std::vector<std::string> args) {
  return testing::RunJejak(std::move(args), dir.path());
}

json Reports(const testing::TempDir& dir) {
  json all;
  for (const char* kind : {"officers", "anomalies", "agency"}) {
    RunResult r = Jejak(dir, {"report", kind, "--json"});
    REQUIRE(r.exit_code == 0);
    all[kind] = json::parse(r.out);
  }
  return all;
}

TEST_CASE("cli projections: reports and status on a demo ledger") {
  testing::TempDir dir;
  REQUIRE(Jejak(dir, {"demo", "--days", "1", "--requests", "200", "--json"}).exit_code == 0);
  json before = Reports(dir);
  CHECK(before["agency"].size() == static_cast<size_t>(testing::ExampleWorkflowCount()));
  CHECK(before["officers"].size() > 10);
  RunResult table = Jejak(dir, {"report", "officers"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.rfind("officer", 0) == 0);
  RunResult csv = Jejak(dir, {"report", "agency", "--format", "csv"});
  CHECK(csv.out.rfind("workflow,arrivals,completions", 0) == 0);
  CHECK(Jejak(dir, {"report", "agency", "--from", "2026-13-01"}).exit_code == 2);

  RunResult rebuilt = Jejak(dir, {"projections", "rebuild"});
  CHECK(rebuilt.exit_code == 0);
  CHECK(rebuilt.out.find("Rebuilt projections from") != std::string::npos);
  CHECK(Reports(dir) == before);

  // A citizen's own request: the code opens it, another code does not.
  RunResult sub =
      Jejak(dir, {"submit", "lapor-pengaduan", "--as", "3273010101900077", "--field",
                  "judul=Jalan rusak di Jl. Riau", "--field",
                  "isi_laporan=Jalan berlubang sejak sebulan dan membahayakan pengendara",
                  "--field", "jenis_laporan=pengaduan", "--field", "anonim=false", "--field",
                  "rahasia=false", "--json"});
  REQUIRE(sub.exit_code == 0);
  json s = json::parse(sub.out);
  std::string id = s["request_id"], code = s["tracking_code"];
  RunResult st = Jejak(dir, {"status", id, "--code", code, "--json"});
  REQUIRE(st.exit_code == 0);
  json status = json::parse(st.out);
  CHECK(status["state"] == "menunggu_verifikasi");
  CHECK(status["responsible_roles"] == json({"admin_koordinator"}));
  CHECK(!status.contains("tracking_code_sha256"));
  CHECK(status["queue_ahead"].get<int>() >= 0);
  RunResult human = Jejak(dir, {"status", id, "--code", code});
  CHECK(human.out.find("Laporan diterima") != std::string::npos);
  RunResult wrong = Jejak(dir, {"status", id, "--code", "AAAA-BBBB-CCCC"});
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("no request " + id + " with this tracking code") != std::string::npos);
}

TEST_CASE("cli projections: killing a catch-up mid-way changes no result") {
  testing::TempDir dir;
  REQUIRE(Jejak(dir, {"demo", "--days", "2", "--requests", "400"}).exit_code == 0);
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    std::filesystem::remove_all(dir.Sub("projections"));
    testing::Subprocess p({JejakBin(), "report", "agency", "--json", "--data", dir.path()});
    // From the store's creation (the first few ms) to well into the catch-up.
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 250));
    p.Kill(SIGKILL);
    p.Wait();
    json after_kill = Reports(dir);  // resumes from whatever was committed
    REQUIRE(Jejak(dir, {"projections", "rebuild"}).exit_code == 0);
    CHECK(Reports(dir) == after_kill);
  }
}

}  // namespace
}  // namespace jejak::cli
