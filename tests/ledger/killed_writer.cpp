#include "tests/ledger/killed_writer.h"

#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <sstream>

#include "tests/testutil.h"

namespace jejak::testing {

using namespace std::chrono_literals;

std::map<uint64_t, uint64_t> AppendUntilKilled(const std::string& dir, uint64_t min) {
  Subprocess child({JEJAK_LEDGER_HELPER, "append", dir, "0"});
  REQUIRE(child.ReadUntil("\n", 10s));
  std::map<uint64_t, uint64_t> acked;
  auto read_acks = [&] {
    std::istringstream lines(child.out());
    uint64_t seq, n;
    while (lines >> seq >> n) acked[seq] = n;
  };
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (acked.size() < min && std::chrono::steady_clock::now() < deadline) {
    child.Drain(50ms);
    read_acks();
  }
  child.Kill(SIGKILL);
  REQUIRE(child.Wait() == -SIGKILL);
  read_acks();
  REQUIRE(acked.size() >= min);
  return acked;
}

}  // namespace jejak::testing
