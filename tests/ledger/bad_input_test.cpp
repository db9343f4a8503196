// Opening and verifying directories that hold no usable ledger: each attempt
// must fail with a clear error naming the directory and change nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using testing::RawDb;
using testing::TempDir;
namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// Runs attempt on dir; it must throw Error(code) naming dir and saying words,
// and leave every file of dir as it was.
void CheckRefused(const std::string& what, const std::string& dir,
                  const std::function<void()>& attempt, ErrorCode code, const std::string& words) {
  CAPTURE(what);
  auto before = testing::SnapshotDir(dir);
  try {
    attempt();
    FAIL("no error");
  } catch (const Error& e) {
    std::string message = e.what();
    CAPTURE(message);
    CHECK(base::ErrorCodeName(e.code()) == base::ErrorCodeName(code));
    CHECK(message.find(dir) != std::string::npos);
    CHECK(message.find(words) != std::string::npos);
  }
  CHECK(testing::SnapshotDir(dir) == before);
}

// Checks the writer, the reader and the verifier on dir.
void CheckAllRefused(const std::string& dir, ErrorCode write_code, ErrorCode read_code,
                     const std::string& words) {
  CheckRefused(
      "Open", dir, [&] { Ledger::Open(dir); }, write_code, words);
  CheckRefused(
      "OpenReadOnly", dir, [&] { Ledger::OpenReadOnly(dir); }, read_code, words);
  CheckRefused(
      "VerifyLedger", dir, [&] { VerifyLedger(dir); }, read_code, words);
}

// A real ledger of a few entries, closed.
void MakeLedger(const std::string& dir) {
  auto ledger = Ledger::Open(dir);
  for (uint64_t n = 0; n < 5; ++n) ledger->Append(events::Encode(testing::SampleEvent(n)));
}

std::string ManifestOf(const std::string& dir) {
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().filename().string().starts_with("MANIFEST-")) return f.path().string();
  }
  FAIL("no MANIFEST in " << dir);
  return "";
}

TEST_CASE("bad input: a missing directory") {
  TempDir tmp;
  std::string dir = tmp.Sub("nowhere");
  CheckRefused(
      "OpenReadOnly", dir, [&] { Ledger::OpenReadOnly(dir); }, ErrorCode::kNotFound,
      "no jejak ledger");
  CheckRefused(
      "VerifyLedger", dir, [&] { VerifyLedger(dir); }, ErrorCode::kNotFound, "no jejak ledger");
  CHECK(!fs::exists(dir));
  // The writer creates a missing directory, as documented.
  CHECK(Ledger::Open(dir)->size() == 0);
  CHECK(VerifyLedger(dir).ok);
}

TEST_CASE("bad input: a RocksDB directory with a garbage CURRENT") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  MakeLedger(dir);
  WriteFile(dir + "/CURRENT", "\x01\x02garbage");
  CheckAllRefused(dir, ErrorCode::kCorruption, ErrorCode::kCorruption, "damaged");
}

TEST_CASE("bad input: a RocksDB directory whose CURRENT names a missing MANIFEST") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  MakeLedger(dir);
  WriteFile(dir + "/CURRENT", "MANIFEST-999999\n");
  CheckAllRefused(dir, ErrorCode::kCorruption, ErrorCode::kCorruption, "damaged");
}

TEST_CASE("bad input: a RocksDB directory with a garbage MANIFEST") {
  TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  MakeLedger(dir);
  WriteFile(ManifestOf(dir), std::string(4096, '\x5a'));
  CheckAllRefused(dir, ErrorCode::kCorruption, ErrorCode::kCorruption, "damaged");
}

TEST_CASE("bad input: a foreign RocksDB with only the default column family") {
  TempDir tmp;
  std::string dir = tmp.Sub("db");
  RawDb(dir, {"default"}, true).Put("default", "key", "value");
  CheckAllRefused(dir, ErrorCode::kInvalidArgument, ErrorCode::kInvalidArgument,
                  "not a jejak ledger");
}

TEST_CASE("bad input: a foreign RocksDB with other column families") {
  TempDir tmp;
  std::string dir = tmp.Sub("db");
  RawDb(dir, {"default", "users", "orders"}, true).Put("users", "u1", "alice");
  CheckAllRefused(dir, ErrorCode::kInvalidArgument, ErrorCode::kInvalidArgument,
                  "not a jejak ledger");
}

TEST_CASE("bad input: a RocksDB with the ledger's column families but no format marker") {
  TempDir tmp;
  std::string dir = tmp.Sub("db");
  RawDb(dir, testing::LedgerFamilies(), true).Put("entries", "key", "value");
  CheckAllRefused(dir, ErrorCode::kInvalidArgument, ErrorCode::kInvalidArgument,
                  "not a jejak ledger (no format marker)");
}

TEST_CASE("bad input: a non-empty directory that is not a RocksDB") {
  TempDir tmp;
  std::string dir = tmp.Sub("docs");
  fs::create_directories(dir + "/sub");
  WriteFile(dir + "/notes.txt", "not a database\n");
  WriteFile(dir + "/sub/LOG", "neither\n");
  CheckRefused(
      "Open", dir, [&] { Ledger::Open(dir); }, ErrorCode::kInvalidArgument,
      "holds no jejak ledger");
  CheckRefused(
      "OpenReadOnly", dir, [&] { Ledger::OpenReadOnly(dir); }, ErrorCode::kNotFound,
      "no jejak ledger");
  CheckRefused(
      "VerifyLedger", dir, [&] { VerifyLedger(dir); }, ErrorCode::kNotFound, "no jejak ledger");
}

}  // namespace
}  // namespace jejak::ledger
