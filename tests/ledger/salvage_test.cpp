// Salvage (ledger/salvage.h): every entry that verifies goes into a new
// ledger at its own sequence number, every other one is reported (and
// exported if found), and the damaged ledger is never changed.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.h"
#include "base/hex.h"
#include "base/wal_reader.h"
#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "ledger/salvage.h"
#include "ledger/verify.h"
#include "tests/ledger/killed_writer.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using base::ReadWal;
using base::WalFiles;
using base::WalRecord;

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::SampleEvent;
using testing::SampleEventBytes;
using testing::TempDir;

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST_CASE("salvage: a damaged log record loses the entries from its damaged one on, all reported") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  auto acked = testing::AppendUntilKilled(dir, 2000);
  // Damage an entry's bytes in a record in the middle of the largest log,
  // one whose first fragment leaves room in its block.
  std::string wal;
  for (const auto& w : WalFiles(dir)) {
    if (wal.empty() || fs::file_size(w) > fs::file_size(wal)) wal = w;
  }
  uint64_t half = fs::file_size(wal) / 2, record = 0;
  ReadWal(wal, [&](const WalRecord& r) {
    if (record == 0 && r.offset >= half && r.offset % 32768 < 32768 - 1024) record = r.offset;
  });
  REQUIRE(record > 0);
  {
    std::fstream f(wal, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(record + 7 + 200));  // in the first entry's event
    f.put('\x7f');
  }
  auto before = testing::SnapshotDir(dir);

  SalvageReport r = Salvage(dir, tmp.Sub("new"), tmp.Sub("unsaved.jsonl"));
  CAPTURE(r.first_problem);
  CHECK(testing::SnapshotDir(dir) == before);  // nothing changed, not even a LOG
  CHECK(r.saved > 0);
  CHECK(r.saved < acked.rbegin()->first);  // the damaged entry was acknowledged
  CHECK(!r.complete());
  CHECK(r.expected > acked.rbegin()->first);
  CHECK(r.first_problem.find("entry " + std::to_string(r.saved)) != std::string::npos);
  REQUIRE(r.damaged_files.size() == 1);
  CHECK(r.damaged_files[0].find(fs::path(wal).filename().string()) != std::string::npos);
  CHECK(r.damaged_files[0].find(std::to_string(record)) != std::string::npos);

  // The new ledger: entries 0 .. saved-1, the acknowledged bytes, verified.
  {
    auto out = Ledger::Open(tmp.Sub("new"));
    CHECK(out->size() == r.saved);
    for (const auto& [seq, n] : acked) {
      if (seq >= r.saved) break;
      auto e = out->Get(seq);
      REQUIRE(e);
      CHECK(e->bytes == SampleEventBytes(n));
    }
  }
  VerifyReport v = VerifyLedger(tmp.Sub("new"));
  CHECK(v.ok);
  CHECK(v.entries == r.saved);

  // Every acknowledged entry from the damaged one on is reported, found as
  // written, the damaged one with why.
  auto lines = ReadLines(tmp.Sub("unsaved.jsonl"));
  CHECK(lines.size() == r.exported);
  std::map<uint64_t, nlohmann::json> by_seq;
  for (const auto& l : lines) by_seq[l["seq"].get<uint64_t>()] = l;
  REQUIRE(by_seq.count(r.saved) == 1);
  CHECK(std::string(by_seq[r.saved]["problem"]).find("after entry") == std::string::npos);
  for (const auto& ack : acked) {  // no structured binding: clang 14 cannot capture one
    uint64_t seq = ack.first, n = ack.second;
    if (seq <= r.saved) continue;
    REQUIRE_MESSAGE(by_seq.count(seq) == 1, "acknowledged entry " << seq << " is not reported");
    CHECK(by_seq[seq]["bytes"] == base::ToHex(SampleEventBytes(n)));
  }
}

TEST_CASE("salvage: an intact ledger is copied whole, with its checkpoints") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  SigningKey key = GenerateSigningKey("jejak.test/salvage");
  {
    auto l = Ledger::Open(dir);
    AnnounceAndCheckpoint(*l, key, events::Actor{"system", "system", ""});
    for (uint64_t i = 0; i < 300; ++i) l->Append(SampleEventBytes(i));
    MakeCheckpoint(*l, key);
    for (uint64_t i = 300; i < 320; ++i) l->Append(SampleEventBytes(i));  // some only in the log
  }
  SalvageReport r = Salvage(dir, tmp.Sub("new"), tmp.Sub("unsaved.jsonl"));
  CHECK(r.complete());
  CHECK(r.saved == 323);  // the key's announcement and two checkpoint records
  CHECK(r.exported == 0);
  CHECK(r.checkpoints == 2);
  CHECK(r.damaged_files.empty());
  auto out = Ledger::OpenReadOnly(tmp.Sub("new"));
  auto in = Ledger::OpenReadOnly(dir);
  CHECK(out->head() == in->head());
  CHECK(out->LatestCheckpoint() == in->LatestCheckpoint());
  CHECK(VerifyLedger(tmp.Sub("new")).ok);
}

TEST_CASE("salvage: a missing table file loses its entries, reported as found nowhere") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  {
    auto l = Ledger::Open(dir);
    std::vector<std::string> batch;
    for (uint64_t i = 0; i < 400; ++i) batch.push_back(SampleEventBytes(i));
    l->AppendBatch(std::move(batch));
  }  // closing flushes the entries to a table file
  auto tables = testing::LedgerTables(dir, layout::kEntries);
  REQUIRE(tables.size() == 1);
  std::string entries_table = tables[0];
  fs::remove(entries_table);
  SalvageReport r = Salvage(dir, tmp.Sub("new"), tmp.Sub("unsaved.jsonl"));
  CHECK(r.saved == 0);
  CHECK(r.expected == 400);  // the head record says so
  CHECK(r.first_problem.find("entry 0 is in no readable file") != std::string::npos);
}

TEST_CASE("salvage: refuses a target that is not empty, and a ledger with a writer") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  auto l = Ledger::Open(dir);
  l->Append(SampleEventBytes(0));
  fs::create_directories(tmp.Sub("full"));
  std::ofstream(tmp.Sub("full/x")) << "x";
  CHECK_THROWS_AS(Salvage(dir, tmp.Sub("full"), tmp.Sub("u.jsonl")), base::Error);
  try {
    Salvage(dir, tmp.Sub("new"), tmp.Sub("u.jsonl"));
    FAIL("salvaged beside a writer");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kBusy);
  }
  CHECK(!fs::exists(tmp.Sub("new")));
}

}  // namespace
}  // namespace jejak::ledger
