// The example workflows of examples/workflows/, embedded in the program when
// it is built (embed.cmake), so that `jejak demo` runs without the sources.
#pragma once

#include <span>

namespace jejak::demo {

struct ExampleWorkflow {
  const char* file;  // its file name, such as "oss-izin-usaha.yaml"
  const char* yaml;  // its text
};

// Every example, ordered by file name.
std::span<const ExampleWorkflow> ExampleWorkflows();

}  // namespace jejak::demo
