// The one list of reasons (base/reason.h) against what users read: the
// tables of docs/ENGINE.md ("Reasons", with error code, exit code and HTTP
// status) and the Problem.reason enum of docs/openapi.yaml.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/problem.h"
#include "base/error.h"
#include "base/files.h"
#include "base/reason.h"
#include "cli/exit_codes.h"
#include "tests/helpers/paths.h"

namespace jejak {
namespace {

using testing::SourceDir;

struct Row {
  std::string code, exit, http;
};

// The `quoted` names in text, in order.
std::vector<std::string> QuotedNames(const std::string& text) {
  std::vector<std::string> names;
  for (size_t open = text.find('`'); open != std::string::npos;) {
    size_t close = text.find('`', open + 1);
    if (close == std::string::npos) break;
    names.push_back(text.substr(open + 1, close - open - 1));
    open = text.find('`', close + 1);
  }
  return names;
}

// "| a | b |" -> {"a", "b"}.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  if (line.size() < 4 || line.front() != '|' || line.back() != '|') return cells;
  for (size_t at = 1; at < line.size();) {
    size_t bar = line.find(" |", at);
    if (bar == std::string::npos) break;
    std::string cell = line.substr(at, bar - at);
    if (cell.starts_with(' ')) cell.erase(0, 1);
    cells.push_back(cell);
    at = bar + 2;
  }
  return cells;
}

// reason -> its row, from the tables of the "## Reasons" section.
std::map<std::string, Row> DocumentedReasons() {
  std::string doc = base::ReadFile(SourceDir() + "/docs/ENGINE.md");
  size_t begin = doc.find("\n## Reasons\n");
  REQUIRE(begin != std::string::npos);
  size_t end = doc.find("\n## ", begin + 1);
  std::istringstream section(doc.substr(begin, end - begin));
  std::map<std::string, Row> rows;
  for (std::string line; std::getline(section, line);) {
    std::vector<std::string> cells = Cells(line);
    if (cells.size() != 4 || cells[0] == "reason" || cells[0].starts_with("---")) continue;
    std::vector<std::string> code = QuotedNames(cells[1]);
    REQUIRE_MESSAGE(code.size() == 1, line);
    for (const std::string& name : QuotedNames(cells[0])) {
      CHECK_MESSAGE(rows.count(name) == 0, name, " is listed twice");
      rows[name] = {code[0], cells[2], cells[3]};
    }
  }
  CHECK(rows.size() > 10);
  return rows;
}

TEST_CASE("reasons: every constant of base/reason.h is in AllReasons()") {
  std::string header = base::ReadFile(SourceDir() + "/base/reason.h");
  std::set<std::string> declared;
  const std::string decl = "inline constexpr Reason k";
  for (size_t at = header.find(decl); at != std::string::npos; at = header.find(decl, at + 1)) {
    size_t open = header.find("{\"", at), close = header.find('"', open + 2);
    declared.insert(header.substr(open + 2, close - open - 2));
  }
  std::set<std::string> listed;
  for (const base::Reason& r : base::AllReasons()) listed.insert(std::string(r.name));
  CHECK(declared == listed);
  CHECK(declared.size() == base::AllReasons().size());
}

TEST_CASE("reasons: docs/ENGINE.md gives each one's code, exit code and HTTP status") {
  std::map<std::string, Row> documented = DocumentedReasons();
  for (const base::Reason& r : base::AllReasons()) {
    std::string name(r.name);
    CAPTURE(name);
    REQUIRE_MESSAGE(documented.count(name) == 1, name, " is not in docs/ENGINE.md");
    const Row& row = documented[name];
    base::Error e(r, "x");
    CHECK(row.code == base::ErrorCodeName(r.code));
    if (row.exit != "—") CHECK(std::stoi(row.exit) == cli::ExitCodeFor(e));
    if (row.http != "—") CHECK(std::stoi(row.http) == api::HttpStatusFor(e));
    documented.erase(name);
  }
  for (const auto& [name, row] : documented) FAIL_CHECK(name, " is documented but not in code");
}

TEST_CASE("reasons: the OpenAPI enum holds every reason the API answers with") {
  YAML::Node spec = YAML::LoadFile(SourceDir() + "/docs/openapi.yaml");
  std::set<std::string> in_spec;
  for (const auto& v : spec["components"]["schemas"]["Problem"]["properties"]["reason"]["enum"])
    in_spec.insert(v.as<std::string>());
  std::set<std::string> over_http = {""};  // an error with no reason
  for (const auto& [name, row] : DocumentedReasons())
    if (row.http != "—") over_http.insert(name);
  CHECK(in_spec == over_http);
}

}  // namespace
}  // namespace jejak
