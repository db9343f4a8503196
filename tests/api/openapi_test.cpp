// docs/openapi.yaml and the server describe the same endpoints, and the
// server answers every parameter's boundary and out-of-range values as the
// spec says (the check schemathesis makes, without Python).
#include <doctest/doctest.h>
#include <regex.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <vector>

#include "tests/api/api_fixture.h"

#include <fmt/format.h>

namespace jejak::testing {
namespace {

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
  CHECK(served.size() == 19);
}

// Decimal text plus or minus one (values at least 0; minus needs one above 0).
std::string PlusOne(std::string n) {
  int i = static_cast<int>(n.size()) - 1;
  while (i >= 0 && n[i] == '9') n[i--] = '0';
  if (i < 0) return "1" + n;
  ++n[i];
  return n;
}

std::string MinusOne(std::string n) {
  int i = static_cast<int>(n.size()) - 1;
  while (n[i] == '0') n[i--] = '9';
  --n[i];
  if (n.size() > 1 && n[0] == '0') n.erase(0, 1);
  return n;
}

bool Matches(const std::string& pattern, const std::string& text) {
  regex_t re;
  REQUIRE(regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB) == 0);
  bool match = regexec(&re, text.c_str(), 0, nullptr, 0) == 0;
  regfree(&re);
  return match;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

struct Value {
  std::string text;
  bool valid;
  bool escaped = false;  // text is already percent-encoded
};

// Values at and beyond the schema's edges, each with whether the schema
// admits it. Integers must state their range: the spec is exact.
std::vector<Value> EdgeValues(const YAML::Node& schema, const std::string& in) {
  std::vector<Value> out;
  std::string type = schema["type"].as<std::string>();
  if (type == "integer") {
    REQUIRE_MESSAGE(schema["minimum"], "an integer without a minimum");
    REQUIRE_MESSAGE(schema["maximum"], "an integer without a maximum");
    std::string min = schema["minimum"].as<std::string>(),
                max = schema["maximum"].as<std::string>();
    out = {{min, true},
           {PlusOne(min), true},
           {max, true},
           {PlusOne(max), false},
           {"99999999999999999999999", false},
           {"abc", false},
           {"1.5", false},
           {"0x10", false},
           {min == "0" ? "-1" : MinusOne(min), false}};
    if (in == "query") out.push_back({"", false});
  } else {
    REQUIRE(type == "string");
    if (schema["enum"]) {
      for (const auto& e : schema["enum"]) out.push_back({e.as<std::string>(), true});
      out.push_back({"zz", false});
    } else if (schema["format"] && schema["format"].as<std::string>() == "date") {
      out = {
          {"2026-01-15", true},  {"2024-02-29", true}, {"2026-02-30", false}, {"2023-02-29", false},
          {"2026-13-01", false}, {"2026-1-1", false},  {"x", false},          {"", false}};
    } else if (schema["pattern"]) {
      std::string pattern = schema["pattern"].as<std::string>();
      std::vector<std::string> texts = {"",         "x",       "1",     "0m",    "1w",    "1wd",
                                        "1000000m", "999999d", "0/10m", "20/10", "20/0m", "1/1m",
                                        " 1h",      "1h ",     "-1h",   "+1h",   "1h/1h"};
      for (const auto& e : schema["examples"]) texts.push_back(e.as<std::string>());
      if (schema["default"]) texts.push_back(schema["default"].as<std::string>());
      for (const auto& t : texts) out.push_back({t, Matches(pattern, t)});
    } else {
      size_t longest = schema["maxLength"] ? schema["maxLength"].as<size_t>() : 2000;
      out = {{"x", true}, {std::string(std::min<size_t>(longest, 2000), 'x'), true}};
      if (in == "query") out.push_back({"", !schema["minLength"]});
    }
    if (schema["maxLength"]) {
      size_t max = schema["maxLength"].as<size_t>();
      out.push_back({std::string(max, 'k'), true});
      out.push_back({std::string(max + 1, 'k'), false});
    }
  }
  // Text that is not UTF-8 is not a string at all (headers carry bytes).
  if (in != "header") out.push_back({"%FF", false, true});
  if (in == "header") std::erase_if(out, [](const Value& v) { return v.text.empty(); });
  return out;
}

YAML::Node Resolve(const YAML::Node& spec, const YAML::Node& node) {
  if (!node["$ref"]) return node;
  std::string ref = node["$ref"].as<std::string>();  // "#/components/parameters/X"
  // Node assignment would overwrite the node; reset() rebinds.
  YAML::Node out;
  out.reset(spec);
  size_t i = 2;
  while (i < ref.size()) {
    size_t j = ref.find('/', i);
    if (j == std::string::npos) j = ref.size();
    YAML::Node next = out[ref.substr(i, j - i)];
    out.reset(next);
    i = j + 1;
  }
  return out;
}

TEST_CASE("api: the spec's ranges and the server agree where schemathesis found them apart") {
  TestServer t;
  nlohmann::json sub = t.Submit("A1");
  // size and to start at 1 in the spec: 0 is out of range, so 400 is right.
  CHECK(t.Get("/v1/ledger/proofs/inclusion?seq=0&size=0").status == 400);
  CHECK(t.Get("/v1/ledger/proofs/consistency?from=1&to=0").status == 400);
  CHECK(t.Get("/v1/ledger/proofs/inclusion?seq=0&size=1").status == 200);
  CHECK(t.Get("/v1/ledger/proofs/consistency?from=1&to=1").status == 200);
  // An empty to= names no day.
  std::string auditor = t.Token("a1", "auditor");
  CHECK(t.Get("/v1/reports/agency?to=", auditor).status == 400);
  CHECK(t.Get("/v1/reports/agency?from=", auditor).status == 400);
  CHECK(t.Get("/v1/reports/agency", auditor).status == 200);
  // Sequence numbers use the whole uint64 range the spec states.
  std::string receipt = "/v1/requests/" + sub["request_id"].get<std::string>() + "/receipts/";
  CHECK(t.Get(receipt + "10000000000000000000", auditor).status == 404);
  CHECK(t.Get(receipt + "18446744073709551616", auditor).status == 400);
}

TEST_CASE("api: every parameter's edge values get a status the spec allows") {
  YAML::Node spec = YAML::LoadFile(SourceDir() + "/docs/openapi.yaml");
  TestServer t;
  nlohmann::json sub = t.Submit("SPEC-A");
  std::string id = sub["request_id"];
  std::map<std::string, std::string> valid = {{"id", id},
                                              {"name", "izin"},
                                              {"seq", std::to_string(sub["seq"].get<uint64_t>())},
                                              {"from", "1"}};
  int cases = 0;
  for (const auto& path : spec["paths"]) {
    std::string pattern = path.first.as<std::string>();
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      std::set<std::string> declared;
      for (const auto& r : op.second["responses"]) declared.insert(r.first.as<std::string>());
      std::vector<YAML::Node> params;
      for (const auto& p : op.second["parameters"]) params.push_back(Resolve(spec, p));
      // Credentials: a bearer-only operation gets the role it needs; the
      // others the applicant's token, unless a tracking code is tested.
      std::string bearer;
      bool bearer_only = op.second["security"] && op.second["security"].size() == 1 &&
                         op.second["security"][0]["bearer"];
      bool either = op.second["security"] && op.second["security"].size() == 2;
      if (bearer_only) {
        bearer = pattern.find("/reports/") != std::string::npos ? t.Token("a1", "auditor")
                                                                : t.Token("k1", "kepala");
      }
      std::string body;
      if (method == "POST") {
        body = pattern == "/v1/requests"
                   ? R"({"workflow": "izin", "applicant": "SPEC-B", "fields": {"nama": "x"}})"
                   : R"({"action": "nope"})";
      }
      for (const YAML::Node& tested : params) {
        std::string tested_name = tested["name"].as<std::string>();
        std::string in = tested["in"].as<std::string>();
        for (const Value& v : EdgeValues(tested["schema"], in)) {
          std::string target = pattern, query;
          std::map<std::string, std::string> headers;
          for (const YAML::Node& p : params) {
            std::string name = p["name"].as<std::string>(), where = p["in"].as<std::string>();
            bool is_tested = name == tested_name && where == in;
            if (!is_tested && !(p["required"] && p["required"].as<bool>())) continue;
            std::string text =
                is_tested ? (v.escaped ? v.text : Escape(v.text)) : Escape(valid.at(name));
            if (where == "path") {
              target.replace(target.find("{" + name + "}"), name.size() + 2, text);
            } else if (where == "query") {
              query += (query.empty() ? "?" : "&") + name + "=" + text;
            } else {
              headers[name] = is_tested ? v.text : valid.at(name);
            }
          }
          bool code_tested = tested_name == "code" || tested_name == "X-Tracking-Code";
          if (either && !code_tested) bearer = sub["applicant_token"];
          if (either && code_tested) bearer.clear();
          if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
          HttpResult r = t.Call(method, target + query, body, headers);
          std::string status = std::to_string(r.status);
          CAPTURE(method);
          CAPTURE(target + query);
          CAPTURE(tested_name);
          CAPTURE(v.valid);
          CAPTURE(r.body);
          CHECK(r.status < 500);
          CHECK_MESSAGE(declared.count(status) == 1, status, " is not in the spec");
          if (v.valid) {
            CHECK(r.status != 400);
          } else {
            CHECK(r.status == 400);
          }
          ++cases;
        }
      }
    }
  }
  CHECK(cases > 150);
  CHECK(t.Get("/healthz").status == 200);
}

}  // namespace
}  // namespace jejak::testing
