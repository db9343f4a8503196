// Damage found on open: a damaged write-ahead log refuses the open, names the
// file and offset, and changes nothing (no acknowledged entry is dropped); a
// missing or short table file is named instead of reading as an empty ledger.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/error.h"
#include "base/wal_reader.h"
#include "events/encoding.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/ledger/killed_writer.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using base::FindWalDamage;
using base::ReadWal;
using base::WalFiles;
using base::WalRecord;

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using base::Error;
using base::ErrorCode;
using testing::TempDir;

// Every file under dir but the RocksDB info logs, which each open appends to.
std::map<std::string, std::string> DataFiles(const std::string& dir) {
  auto files = testing::SnapshotDir(dir);
  std::erase_if(files, [](const auto& f) {
    std::string name = fs::path(f.first).filename().string();
    return name.starts_with("LOG");
  });
  return files;
}

// The largest write-ahead log in dir, which holds the appends.
std::string LargestWal(const std::string& dir) {
  std::string best;
  for (const auto& w : WalFiles(dir)) {
    if (best.empty() || fs::file_size(w) > fs::file_size(best)) best = w;
  }
  REQUIRE(!best.empty());
  return best;
}

void FlipByte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
  REQUIRE(f.good());
}

// The offset of the first record of the log that starts at or after half its
// length: flipping a byte of its payload damages a record in the middle.
uint64_t MiddleRecord(const std::string& wal) {
  uint64_t half = fs::file_size(wal) / 2, found = 0;
  auto damage = ReadWal(wal, [&](const WalRecord& r) {
    if (found == 0 && r.offset >= half) found = r.offset;
  });
  REQUIRE(!damage);
  REQUIRE(found > 0);
  return found;
}

template <typename F>
std::string RefusalOf(F open, ErrorCode code) {
  try {
    open();
  } catch (const Error& e) {
    CHECK(e.code() == code);
    return e.what();
  }
  FAIL("the open was not refused");
  return "";
}

TEST_CASE(
    "storage damage: a damaged write-ahead log record refuses the open and keeps every file") {
  TempDir dir;
  // How many it acknowledged: entries 0 ... acked - 1.
  uint64_t acked = testing::AppendUntilKilled(dir.path(), 2000).rbegin()->first + 1;
  std::string wal = LargestWal(dir.path());
  uint64_t record = MiddleRecord(wal);
  FlipByte(wal, record + 20);  // in the payload of the record's first fragment
  auto before = DataFiles(dir.path());

  std::string offset = fmt::format("offset {}", record);
  std::string name = fs::path(wal).filename().string();
  for (int attempt = 0; attempt < 2; ++attempt) {  // refused each time, not just once
    std::string why = RefusalOf([&] { Ledger::Open(dir.path()); }, ErrorCode::kCorruption);
    CAPTURE(why);
    CHECK(why.find(name) != std::string::npos);
    CHECK(why.find(offset) != std::string::npos);
    CHECK(why.find("jejak ledger salvage") != std::string::npos);
  }
  std::string why = RefusalOf([&] { Ledger::OpenReadOnly(dir.path()); }, ErrorCode::kCorruption);
  CAPTURE(why);
  CHECK(why.find(name) != std::string::npos);
  CHECK(why.find(offset) != std::string::npos);
  CHECK_THROWS_AS(VerifyLedger(dir.path()), Error);
  CHECK(DataFiles(dir.path()) == before);  // the log, and every entry in it, is still there

  // Undoing the damage gives back every acknowledged entry.
  FlipByte(wal, record + 20);
  auto ledger = Ledger::Open(dir.path());
  CHECK(ledger->size() >= acked);
}

TEST_CASE("storage damage: a record cut short at the end of the log is a write in progress") {
  TempDir dir;
  uint64_t acked = testing::AppendUntilKilled(dir.path(), 500).rbegin()->first + 1;
  std::string wal = LargestWal(dir.path());
  // Cut the last record in half: it was never acknowledged (a synced write
  // returns only once all of it is on disk), so it is dropped.
  uint64_t last = 0;
  ReadWal(wal, [&](const WalRecord& r) { last = r.offset; });
  uint64_t size = fs::file_size(wal);
  REQUIRE(last > 0);
  fs::resize_file(wal, last + (size - last) / 2);
  CHECK(!FindWalDamage(dir.path()));
  // The cut record is one group commit: at most one append from each of the
  // helper's 4 threads, two of them batches of up to 7 (1 + 1 + 7 + 7).
  CHECK(Ledger::Open(dir.path())->size() + 16 >= acked);
  CHECK(VerifyLedger(dir.path()).ok);
}

void MakeLedger(const std::string& dir, uint64_t n) {
  auto ledger = Ledger::Open(dir);
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < n; ++i) batch.push_back(events::Encode(testing::SampleEvent(i)));
  ledger->AppendBatch(std::move(batch));
}  // closing flushes the entries into a table file

void CheckNamed(const std::string& dir, const std::string& table, const std::string& what) {
  std::string name = fs::path(table).filename().string();
  auto before = DataFiles(dir);
  std::string why = RefusalOf([&] { Ledger::OpenReadOnly(dir); }, ErrorCode::kCorruption);
  CAPTURE(why);
  CHECK(why.find(name) != std::string::npos);
  CHECK(why.find(what) != std::string::npos);
  try {
    VerifyReport r = VerifyLedger(dir);
    CAPTURE(r.problem);
    CHECK(!r.ok);
    CHECK(r.problem.find(name) != std::string::npos);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find(name) != std::string::npos);
  }
  why = RefusalOf([&] { Ledger::Open(dir); }, ErrorCode::kCorruption);
  CAPTURE(why);
  CHECK(why.find(name) != std::string::npos);
  CHECK(DataFiles(dir) == before);
}

TEST_CASE("storage damage: a missing table file is named, not read as an empty ledger") {
  TempDir dir;
  MakeLedger(dir.path(), 500);
  auto tables = testing::LedgerTables(dir.path(), layout::kEntries);
  REQUIRE(tables.size() == 1);
  fs::remove(tables[0]);
  CheckNamed(dir.path(), tables[0], "missing");
}

TEST_CASE("storage damage: a table file cut to half its size is named") {
  TempDir dir;
  MakeLedger(dir.path(), 500);
  auto tables = testing::LedgerTables(dir.path(), layout::kEntries);
  REQUIRE(tables.size() == 1);
  fs::resize_file(tables[0], fs::file_size(tables[0]) / 2);
  CheckNamed(dir.path(), tables[0], "damaged");
}

}  // namespace
}  // namespace jejak::ledger
