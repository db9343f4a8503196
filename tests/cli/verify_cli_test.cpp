// `jejak ledger verify` run as a subprocess, as users and scripts run it.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "tests/ledger_v1.h"
#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using ledger::Ledger;
using testing::Run;
using testing::RunResult;
using testing::TempDir;
using namespace std::chrono_literals;

// A data directory whose ledger holds entries 0..n-1 of SampleEvent.
struct SampleLedger {
  TempDir dir;
  std::vector<ledger::Hash> chains;
  explicit SampleLedger(uint64_t n) {
    auto l = Ledger::Open(ledger());
    for (uint64_t i = 0; i < n; ++i) chains.push_back(l->Append(testing::SampleEventBytes(i)).chain);
  }
  std::string data() const { return dir.path(); }
  std::string ledger() const { return dir.Sub("ledger"); }
};

RunResult Verify(const std::string& data, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {testing::JejakBin(), "ledger", "verify", "--data", data};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Run(argv);
}

std::string OkLine(uint64_t n, const ledger::Hash& head) {
  return "OK " + std::to_string(n) + " entries, head " + ledger::HashToHex(head) + "\n";
}

TEST_CASE("cli verify: a clean ledger prints OK with count and head") {
  SampleLedger d(12);
  RunResult r = Verify(d.data());
  CHECK(r.exit_code == 0);
  CHECK(r.out == OkLine(12, d.chains.back()));
  CHECK(r.err == "");  // no progress bar: stderr is not a terminal
}

TEST_CASE("cli verify: a tampered ledger exits 1 naming the bad entry") {
  SampleLedger d(12);
  {
    testing::RawDb db(d.ledger(), testing::LedgerFamilies());
    std::string key = ledger::layout::SeqKey(4);
    std::string value = db.Get(ledger::layout::kEntries, key).value();
    value.back() ^= 0x01;
    db.Put(ledger::layout::kEntries, key, value);
  }
  RunResult r = Verify(d.data());
  CAPTURE(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.starts_with("FAILED at entry 4: hash mismatch"));
}

TEST_CASE("cli verify: --json output") {
  SampleLedger d(12);
  SUBCASE("clean") {
    RunResult r = Verify(d.data(), {"--json"});
    CHECK(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["ok"] == true);
    CHECK(j["entries"] == 12);
    CHECK(j["head"] == ledger::HashToHex(d.chains.back()));
    CHECK(!j.contains("bad_seq"));
  }
  SUBCASE("tampered") {
    testing::RawDb(d.ledger(), testing::LedgerFamilies())
        .Delete(ledger::layout::kEntries, ledger::layout::SeqKey(6));
    RunResult r = Verify(d.data(), {"--json"});
    CHECK(r.exit_code == 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["ok"] == false);
    CHECK(j["entries"] == 6);
    CHECK(j["head"] == ledger::HashToHex(d.chains[5]));
    CHECK(j["bad_seq"] == 6);
    CHECK(j["problem"].get<std::string>().find("entry 6 is missing") != std::string::npos);
  }
}

TEST_CASE("cli verify: a missing data directory exits 2 with a clear message") {
  TempDir tmp;
  std::string data = tmp.Sub("nowhere");
  RunResult r = Verify(data);
  CHECK(r.exit_code == 2);
  CHECK(r.out == "");
  CHECK(r.err == "jejak: no jejak ledger in " + data + "/ledger\n");

  r = Verify(data, {"--json"});
  CHECK(r.exit_code == 2);
  CHECK(nlohmann::json::parse(r.out)["error"]["code"] == "not_found");

  r = Run({testing::JejakBin(), "ledger", "verify"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--data DIR is required") != std::string::npos);
}

TEST_CASE("cli ledger migrate: a v1 or v2 ledger is refused by readers until migrated") {
  for (int version : {1, 2}) {
    CAPTURE(version);
    TempDir dir;
    std::string ledger_dir = dir.Sub("ledger");
    if (version == 1) testing::MakeV1Ledger(ledger_dir, 300);
    if (version == 2) testing::MakeV2Ledger(ledger_dir, 300);

    RunResult r = Verify(dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("jejak-ledger-v" + std::to_string(version)) != std::string::npos);
    CHECK(r.err.find("migrate") != std::string::npos);

    r = Run({testing::JejakBin(), "ledger", "migrate", "--data", dir.path()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "OK ledger format jejak-ledger-v5, 300 entries\n");

    r = Verify(dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("OK 300 entries, head ", 0) == 0);

    // Migrating again changes nothing and says so the same way.
    r = Run({testing::JejakBin(), "ledger", "migrate", "--data", dir.path(), "--json"});
    CHECK(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["format"] == "jejak-ledger-v5");
    CHECK(j["entries"] == 300);
  }
}

TEST_CASE("cli ledger migrate: a missing ledger exits 2 and creates nothing") {
  TempDir tmp;
  std::string data = tmp.Sub("nowhere");
  RunResult r = Run({testing::JejakBin(), "ledger", "migrate", "--data", data});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "jejak: no jejak ledger in " + data + "/ledger\n");
  CHECK_FALSE(std::filesystem::exists(data + "/ledger/CURRENT"));
}

TEST_CASE("cli verify: damaged and foreign ledger directories") {
  TempDir tmp;
  SUBCASE("garbage CURRENT exits 6") {
    SampleLedger d(3);
    std::ofstream(d.ledger() + "/CURRENT", std::ios::trunc) << "garbage";
    RunResult r = Verify(d.data());
    CHECK(r.exit_code == 6);
    CHECK(r.err.find(d.ledger() + " holds a damaged RocksDB database") != std::string::npos);
  }
  SUBCASE("a foreign RocksDB exits 2") {
    testing::RawDb(tmp.Sub("ledger"), {"default"}, true).Put("default", "k", "v");
    RunResult r = Verify(tmp.path());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("not a jejak ledger") != std::string::npos);
  }
}

TEST_CASE("cli verify: works while this process holds the ledger open for writing") {
  SampleLedger d(0);
  auto writer = Ledger::Open(d.ledger());
  for (uint64_t i = 0; i < 10; ++i) writer->Append(testing::SampleEventBytes(i));
  RunResult r = Verify(d.data());
  CHECK(r.exit_code == 0);
  CHECK(r.out == OkLine(10, writer->head()));
  writer->AppendBatch({testing::SampleEventBytes(10), testing::SampleEventBytes(11)});
  r = Verify(d.data());
  CHECK(r.exit_code == 0);
  CHECK(r.out == OkLine(12, writer->head()));
}

// jejak submit opens the ledger for writing before it looks at its arguments.
RunResult Submit(const std::string& data) {
  return Run({testing::JejakBin(), "submit", "oss-izin-usaha", "--as", "3273010101800001", "--data",
              data});
}

void CheckBusy(const RunResult& r, const std::string& ledger_dir) {
  CAPTURE(r.err);
  CHECK(r.exit_code == 5);
  CHECK(r.err.starts_with("jejak: the ledger in " + ledger_dir +
                          " is open for writing in another process"));
}

TEST_CASE("cli: a second writer gets the busy error while verify still works") {
  SUBCASE("another process holds the ledger") {
    SampleLedger d(0);
    testing::Subprocess holder({JEJAK_LEDGER_HELPER, "hold", d.ledger(), "7"});
    REQUIRE(holder.ReadUntil("ready\n", 10s));
    CheckBusy(Submit(d.data()), d.ledger());
    try {
      Ledger::Open(d.ledger());
      FAIL("a second writer opened the ledger");
    } catch (const base::Error& e) {
      CHECK(e.code() == base::ErrorCode::kBusy);
    }
    RunResult r = Verify(d.data());
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("OK 7 entries, head "));
    holder.Kill(SIGKILL);
    CHECK(holder.Wait() == -SIGKILL);
    CHECK(Ledger::Open(d.ledger())->size() == 7);  // free once the holder is gone
  }
  SUBCASE("this process holds the ledger") {
    SampleLedger d(2);
    auto writer = Ledger::Open(d.ledger());
    CheckBusy(Submit(d.data()), d.ledger());
    RunResult r = Run({JEJAK_LEDGER_HELPER, "open", d.ledger()});
    CHECK(r.exit_code == 3);
    CHECK(r.out.starts_with("busy the ledger in " + d.ledger() + " is open for writing"));
    CHECK(writer->size() == 2);
  }
}

TEST_CASE("cli help: mentions the exit codes") {
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"},
                                        std::vector<std::string>{"ledger", "verify", "--help"}}) {
    args.insert(args.begin(), testing::JejakBin());
    RunResult r = Run(args);
    CAPTURE(args.size());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Exit codes: 0 ok, 1 verification failed, 2 bad input") != std::string::npos);
    CHECK(r.out.find("5 data directory busy") != std::string::npos);
  }
}

TEST_CASE("cli verify: draws a progress bar only when stderr is a terminal") {
  SampleLedger d(5);
  // script(1) runs the command on a pseudo-terminal and copies what it prints.
  RunResult r =
      Run({"script", "-qec", testing::JejakBin() + " ledger verify --data '" + d.data() + "'",
           "/dev/null"});
  CAPTURE(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\rverifying [##############################] 100% 5/5") != std::string::npos);
  CHECK(r.out.find("OK 5 entries, head " + ledger::HashToHex(d.chains.back())) !=
        std::string::npos);
  // And none without one (the pipes of Run).
  RunResult plain = Verify(d.data());
  CHECK(plain.out == OkLine(5, d.chains.back()));
  CHECK(plain.err == "");
}

}  // namespace
}  // namespace jejak::cli
