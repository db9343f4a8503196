// A damaged write-ahead log in the projections refuses the open, names the
// file and offset, and changes nothing (RocksDB's default recovery dropped the
// commits after the damage and deleted the log).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <rocksdb/db.h>

#include "base/error.h"
#include "base/wal_reader.h"
#include "projections/store.h"
#include "tests/testutil.h"

namespace jejak::projections {
namespace {

namespace fs = std::filesystem;

TEST_CASE("projections: a damaged write-ahead log record refuses the open and keeps every file") {
  testing::TempDir dir;
  std::string path = dir.Sub("proj"), copy = dir.Sub("copy");
  {
    auto s = Store::Open(path);
    for (uint64_t i = 1; i <= 50; ++i) {
      s->Put("rq|IZIN-" + std::to_string(i), std::string(200, 'x'));
      s->Commit(i);
    }
    // A copy of the store while open: what a crash would leave.
    fs::copy(path, copy, fs::copy_options::recursive);
  }
  std::vector<std::string> logs = base::WalFiles(copy);
  REQUIRE(logs.size() == 1);
  uint64_t record = 0;
  base::ReadWal(logs[0], [&](const base::WalRecord& r) {
    if (record == 0 && r.offset > fs::file_size(logs[0]) / 2) record = r.offset;
  });
  REQUIRE(record > 0);
  {
    std::fstream f(logs[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(record + 30));
    f.put('\x7f');
  }
  auto before = testing::SnapshotDir(copy);
  try {
    Store::Open(copy);
    FAIL("a damaged log was opened");
  } catch (const base::Error& e) {
    std::string why = e.what();
    CAPTURE(why);
    CHECK(e.code() == base::ErrorCode::kCorruption);
    CHECK(why.find(fs::path(logs[0]).filename().string()) != std::string::npos);
    CHECK(why.find("offset " + std::to_string(record)) != std::string::npos);
    CHECK(why.find("jejak projections rebuild") != std::string::npos);
  }
  auto after = testing::SnapshotDir(copy);
  std::erase_if(before, [](const auto& f) { return f.first.starts_with("LOG"); });
  std::erase_if(after, [](const auto& f) { return f.first.starts_with("LOG"); });
  CHECK(after == before);
}

TEST_CASE("projections: a creation killed half-way leaves nothing the next open refuses") {
  testing::TempDir dir;
  std::string path = dir.Sub("proj");
  // What a kill during the creation leaves: a half-made store beside an
  // empty directory.
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(o, path + ".creating", &raw).ok());
    delete raw;
  }
  fs::create_directories(path);
  {
    auto s = Store::Open(path);
    s->Put("rq|IZIN-1", "x");
    s->Commit(1);
  }
  CHECK(!fs::exists(path + ".creating"));
  auto again = Store::Open(path);
  CHECK(again->Get("rq|IZIN-1") == "x");
  // A directory with other content is still refused, and kept.
  fs::create_directories(dir.Sub("other"));
  std::ofstream(dir.Sub("other") + "/file") << "x";
  CHECK_THROWS_AS(Store::Open(dir.Sub("other")), base::Error);
  CHECK(fs::exists(dir.Sub("other") + "/file"));
}

}  // namespace
}  // namespace jejak::projections
