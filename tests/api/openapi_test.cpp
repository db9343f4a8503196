// docs/openapi.yaml and the server's route table describe the same endpoints.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

std::string SourceDir() {
  if (const char* dir = std::getenv("JEJAK_SOURCE_DIR")) return dir;
  return JEJAK_DEFAULT_SOURCE_DIR;
}

TEST_CASE("api: every route is in docs/openapi.yaml and the other way round") {
  YAML::Node spec = YAML::LoadFile(SourceDir() + "/docs/openapi.yaml");
  std::set<std::string> documented, served;
  for (const auto& path : spec["paths"]) {
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      documented.insert(method + " " + path.first.as<std::string>());
    }
  }
  TestServer t;
  for (const auto& r : t.server().Routes()) served.insert(r.method + " " + r.pattern);
  for (const auto& s : served) CHECK_MESSAGE(documented.count(s) == 1, s, " is not in the spec");
  for (const auto& d : documented) CHECK_MESSAGE(served.count(d) == 1, d, " is not served");
  CHECK(served.size() == 16);
}

}  // namespace
}  // namespace jejak::testing
