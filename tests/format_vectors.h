// Reads the test vectors out of docs/FORMAT.md, so that the document and the
// code cannot drift apart. A vector is a fenced block tagged "json vector".
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/helpers/paths.h"

namespace jejak::testing {

inline std::vector<nlohmann::json> FormatVectors() {
  std::ifstream in(SourcePath("docs/FORMAT.md"));
  if (!in) throw std::runtime_error("cannot read docs/FORMAT.md");
  std::vector<nlohmann::json> vectors;
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```json vector") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      vectors.push_back(nlohmann::json::parse(block));
    } else if (inside) {
      block += line + "\n";
    }
  }
  return vectors;
}

}  // namespace jejak::testing
