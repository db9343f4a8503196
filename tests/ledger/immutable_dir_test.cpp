// A real read-only ledger directory: `chattr -R +i` (as root, on a file
// system with the immutable attribute) under a writer. The append fails with
// io_error in a child process that then closes the ledger: librocksdb 7.8
// aborted it (SIGABRT) before jejak kept RocksDB's LOG writer out.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using namespace std::chrono_literals;

TEST_CASE("storage faults: an immutable ledger directory fails the append without an abort") {
  testing::TempDir tmp;
  std::string dir = tmp.Sub("ledger");
  testing::RunResult r = testing::Run({JEJAK_LEDGER_HELPER, "immutable", dir});
  // Undone whatever happened, or the scratch directory could not be removed.
  testing::Run({"chattr", "-R", "-i", dir});
  CAPTURE(r.out);
  CAPTURE(r.err);
  REQUIRE(r.exit_code == 0);  // not -SIGABRT
  CHECK(r.out.find("closed\n") != std::string::npos);
  if (r.out.starts_with("immutable\n")) {
    CHECK(r.out.find("io_error appending to the ledger failed") != std::string::npos);
    CHECK(r.out.find("size 10\n") != std::string::npos);
    CHECK(r.out.find("health 2\n") != std::string::npos);  // WriteHealth::kFailed
    auto ledger = Ledger::Open(dir);
    CHECK(ledger->size() == 10);
  } else {
    // No immutable attribute here (not root, or another file system): the
    // append went through, and the fault-injection tests stand in for it.
    CHECK(r.out.starts_with("mutable\nappended\nsize 12\n"));
  }
  VerifyReport v = VerifyLedger(dir);
  CHECK(v.ok);
}

}  // namespace
}  // namespace jejak::ledger
