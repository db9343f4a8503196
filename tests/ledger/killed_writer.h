// A ledger writer in a child process (ledger_helper append), killed with
// SIGKILL mid-append: for the tests of what survives a crash.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace jejak::testing {

// Runs the writer on dir until it acknowledged at least min entries (60 s at
// most; fewer fails the test), kills it, and returns everything it
// acknowledged: seq -> n, the entry holding SampleEvent(n).
std::map<uint64_t, uint64_t> AppendUntilKilled(const std::string& dir, uint64_t min);

}  // namespace jejak::testing
