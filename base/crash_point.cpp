#include "base/crash_point.h"

#include <csignal>
#include <cstdlib>
#include <string>

namespace jejak::base {

void CrashPoint(std::string_view name) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, before any thread writes the environment
  static const std::string armed = [] {
    const char* v = std::getenv("JEJAK_CRASH_POINT");
    return std::string(v != nullptr ? v : "");
  }();
  if (!armed.empty() && armed == name) std::raise(SIGKILL);
}

}  // namespace jejak::base
