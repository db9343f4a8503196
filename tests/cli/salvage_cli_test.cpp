// `jejak ledger salvage` run as a subprocess: its report, files and exit codes.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "tests/testutil.h"

namespace jejak::cli {
namespace {

namespace fs = std::filesystem;
using testing::RunJejak;
using testing::RunResult;
using testing::TempDir;

// A data directory whose ledger holds SampleEvent 0..n-1 in a table file,
// with a tracking key.
struct SalvageSource {
  TempDir dir;
  explicit SalvageSource(uint64_t n) {
    auto l = ledger::Ledger::Open(dir.Sub("data/ledger"));
    std::vector<std::string> batch;
    for (uint64_t i = 0; i < n; ++i) batch.push_back(testing::SampleEventBytes(i));
    l->AppendBatch(std::move(batch));
    std::ofstream(dir.Sub("data/tracking.key")) << "secret";
  }
  std::string data() const { return dir.Sub("data"); }
  std::string out() const { return dir.Sub("new"); }
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("cli salvage: an intact ledger is saved whole into the new data directory, exit 0") {
  SalvageSource d(50);
  RunResult r = RunJejak({"ledger", "salvage", "--out", d.out()}, d.data());
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Saved entries 0..49") != std::string::npos);
  CHECK(r.out.find("Every entry was saved.") != std::string::npos);
  CHECK(ReadAll(d.out() + "/tracking.key") == "secret");
  CHECK(RunJejak({"ledger", "verify"}, d.out()).exit_code == 0);
  auto report = nlohmann::json::parse(ReadAll(d.out() + "/salvage/report.json"));
  CHECK(report["complete"] == true);
  CHECK(report["saved"] == 50);
}

TEST_CASE("cli salvage: lost entries are listed, exit 1, also as JSON") {
  SalvageSource d(50);
  auto tables = testing::LedgerTables(d.data() + "/ledger", ledger::layout::kEntries);
  REQUIRE(tables.size() == 1);
  fs::remove(tables[0]);
  RunResult r = RunJejak({"ledger", "salvage", "--out", d.out(), "--json"}, d.data());
  CAPTURE(r.err);
  CHECK(r.exit_code == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["complete"] == false);
  CHECK(j["saved"] == 0);
  CHECK(j["expected"] == 50);
  CHECK(j["not_saved"] == nlohmann::json{{"from", 0}, {"to", 49}});
  CHECK(std::string(j["problem"]).find("entry 0 is in no readable file") != std::string::npos);
}

TEST_CASE("cli salvage: a target that is not empty exits 2 and changes nothing") {
  SalvageSource d(5);
  RunResult r = RunJejak({"ledger", "salvage", "--out", d.data()}, d.data());
  CHECK(r.exit_code == 2);
  fs::create_directories(d.out());
  std::ofstream(d.out() + "/keep") << "x";
  r = RunJejak({"ledger", "salvage", "--out", d.out()}, d.data());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not empty") != std::string::npos);
  CHECK(!fs::exists(d.out() + "/ledger"));
}

}  // namespace
}  // namespace jejak::cli
