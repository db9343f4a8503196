// Kills a process appending to the ledger at a random moment and checks that
// every acknowledged entry survived, intact, and the ledger still verifies.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "events/encoding.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using namespace std::chrono_literals;

// JEJAK_CRASH_ROUNDS raises the number of kills (README "Robustness": 100).
int CrashRounds() {
  const char* env = std::getenv("JEJAK_CRASH_ROUNDS");
  return env && std::atoi(env) > 0 ? std::atoi(env) : 5;
}

TEST_CASE("crash: every acknowledged append survives SIGKILL") {
  testing::TempDir dir;
  std::mt19937 rng(std::random_device{}());
  std::map<uint64_t, uint64_t> acked;  // seq -> n: the entry is SampleEvent(n)
  uint64_t size = 0;
  for (int round = 0, rounds = CrashRounds(); round < rounds; ++round) {
    CAPTURE(round);
    testing::Subprocess child({JEJAK_LEDGER_HELPER, "append", dir.path(), std::to_string(round)});
    REQUIRE(child.ReadUntil("\n", 10s));  // it is appending
    child.Drain(std::chrono::milliseconds(std::uniform_int_distribution<>(10, 400)(rng)));
    child.Kill(SIGKILL);
    REQUIRE(child.Wait() == -SIGKILL);  // not dead of anything else before

    // Each line was written after its append returned; a line is never torn.
    std::istringstream lines(child.out());
    uint64_t seq, n, round_acks = 0;
    while (lines >> seq >> n) {
      auto [it, inserted] = acked.emplace(seq, n);
      if (!inserted) FAIL("sequence number " << seq << " acknowledged twice");
      ++round_acks;
    }
    CHECK(round_acks > 0);
    INFO("acknowledged this round: " << round_acks);

    {
      auto ledger = Ledger::Open(dir.path());
      CHECK(ledger->size() >= size);
      CHECK(ledger->size() > acked.rbegin()->first);
      size = ledger->size();
      for (const auto& a : acked) {
        uint64_t s = a.first;
        auto e = ledger->Get(s);
        REQUIRE_MESSAGE(e, "acknowledged entry " << s << " is lost");
        CHECK_MESSAGE(e->bytes == events::Encode(testing::SampleEvent(a.second)),
                      "acknowledged entry " << s << " has other bytes");
      }
    }
    VerifyReport r = VerifyLedger(dir.path());
    CAPTURE(r.problem);
    CHECK(r.ok);
    CHECK(r.entries == size);
  }
}

}  // namespace
}  // namespace jejak::ledger
