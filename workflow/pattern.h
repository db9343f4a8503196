// A field's `pattern`: a regular expression in RE2 syntax that the whole
// value must match. RE2 matches in time linear in the input and without
// recursion, so a citizen's text cannot exhaust the stack or the CPU
// (std::regex recursed once per character and crashed on long input).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jejak::workflow {

// Why `pattern` does not compile under RE2, or nullopt if it does.
std::optional<std::string> PatternError(const std::string& pattern);

// True if the whole of `text` matches `pattern`. Each pattern is compiled
// once per process and shared; safe from any thread. Throws Error
// (invalid_argument) if the pattern does not compile.
bool PatternFullMatch(const std::string& pattern, std::string_view text);

}  // namespace jejak::workflow
