// Where the tests find what they run and read.
#pragma once

#include <filesystem>
#include <string>

namespace jejak::testing {

// The jejak executable: $JEJAK_BIN, else the one built with the tests.
std::string JejakBin();
// The source tree (docs, examples): $JEJAK_SOURCE_DIR, else the one built.
std::string SourceDir();
// SourceDir() + "/" + relative.
inline std::string SourcePath(const std::string& relative) { return SourceDir() + "/" + relative; }

// How many example workflows examples/workflows/ holds: the demo deploys each.
inline int ExampleWorkflowCount() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(SourcePath("examples/workflows"))) {
    n += e.path().extension() == ".yaml";
  }
  return n;
}

}  // namespace jejak::testing
