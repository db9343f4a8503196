// Helpers for the workflow validation tests: small YAML fixtures and
// problem lookups by "line:column".
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "workflow/workflow.h"

namespace jejak::workflow::fixture {

// Lines 1-4 of every test workflow.
inline constexpr char kHead[] = "workflow: uji\nversion: 1\nagency: A\ntitle: T\n";
// A valid states-and-actions tail.
inline constexpr char kTail[] = R"(states:
  a:
    title: A
    initial: true
  b:
    title: B
    terminal: true
actions:
  go:
    title: Go
    from: a
    to: b
    roles: [staff]
)";

// The problems of yaml as "line:column: message".
inline std::vector<std::string> Problems(const std::string& yaml) {
  std::vector<std::string> out;
  for (const WorkflowProblem& p : CheckWorkflow(yaml).problems) {
    out.push_back(fmt::format("{}:{}: {}", p.pos.line, p.pos.column, p.message));
  }
  return out;
}

// Whether yaml has a problem at position ("line:column") whose message
// contains text; prints all problems when not, to show what was found.
inline bool Has(const std::string& yaml, const std::string& position, const std::string& text) {
  std::vector<std::string> found = Problems(yaml);
  for (const std::string& p : found) {
    if (p.starts_with(position + ": ") && p.find(text) != std::string::npos) return true;
  }
  std::string all;
  for (const std::string& p : found) all += "\n  " + p;
  MESSAGE("expected " << position << " \"" << text << "\", found:" << all);
  return false;
}

inline size_t Count(const std::string& yaml) { return Problems(yaml).size(); }

}  // namespace jejak::workflow::fixture
