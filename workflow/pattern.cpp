#include "workflow/pattern.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "base/error.h"

namespace jejak::workflow {
namespace {

RE2::Options PatternOptions() {
  RE2::Options o;
  o.set_log_errors(false);  // errors are reported to the caller, not to stderr
  return o;
}

// Compiling costs far more than matching, and the decider checks pattern
// fields on every command. A compiled RE2 is safe to share between threads.
const RE2& Compiled(const std::string& pattern) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::unique_ptr<const RE2>> cache;
  std::lock_guard lock(mu);
  auto& re = cache[pattern];
  if (!re) re = std::make_unique<const RE2>(pattern, PatternOptions());
  return *re;
}

}  // namespace

std::optional<std::string> PatternError(const std::string& pattern) {
  RE2 re(pattern, PatternOptions());
  if (re.ok()) return std::nullopt;
  return re.error();
}

bool PatternFullMatch(const std::string& pattern, std::string_view text) {
  const RE2& re = Compiled(pattern);
  if (!re.ok()) {
    throw base::Error(base::ErrorCode::kInvalidArgument,
                      fmt::format("the pattern {} does not compile: {}", pattern, re.error()));
  }
  return RE2::FullMatch(text, re);
}

}  // namespace jejak::workflow
