// Where the tests find what they run and read.
#pragma once

#include <string>

namespace jejak::testing {

// The jejak executable: $JEJAK_BIN, else the one built with the tests.
std::string JejakBin();
// The source tree (docs, examples): $JEJAK_SOURCE_DIR, else the one built.
std::string SourceDir();
// SourceDir() + "/" + relative.
inline std::string SourcePath(const std::string& relative) { return SourceDir() + "/" + relative; }

}  // namespace jejak::testing
