#include "tests/helpers/paths.h"

#include <cstdlib>

namespace jejak::testing {

std::string JejakBin() {
  if (const char* bin = std::getenv("JEJAK_BIN")) return bin;
  return JEJAK_DEFAULT_BIN;
}

std::string SourceDir() {
  if (const char* dir = std::getenv("JEJAK_SOURCE_DIR")) return dir;
  return JEJAK_DEFAULT_SOURCE_DIR;
}

}  // namespace jejak::testing
