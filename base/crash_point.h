// Crash points: places where a test may kill the process (SIGKILL) to show
// that what follows a crash there is right, as RocksDB's sync points and
// FoundationDB's buggify do. A point fires only when the environment
// variable JEJAK_CRASH_POINT names it, read once; otherwise it costs one
// comparison.
#pragma once

#include <string_view>

namespace jejak::base {

void CrashPoint(std::string_view name);

}  // namespace jejak::base
