// The check of every tamper test: VerifyLedger(dir) fails, names seq as the
// first bad sequence number, and its problem says problem.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "ledger/verify.h"

namespace jejak::testing {

inline void CheckVerifyFailsAt(const std::string& dir, uint64_t seq, const std::string& problem) {
  ledger::VerifyReport r = ledger::VerifyLedger(dir);
  CAPTURE(r.problem);
  CHECK_FALSE(r.ok);
  REQUIRE(r.bad_seq.has_value());
  CHECK(*r.bad_seq == seq);
  CHECK(r.problem.find(problem) != std::string::npos);
}

}  // namespace jejak::testing
