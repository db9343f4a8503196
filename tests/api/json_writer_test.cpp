// api::DumpJson writes what nlohmann's dump() writes (replacing text that is
// not UTF-8), byte for byte.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/json_writer.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

TEST_CASE("api: DumpJson equals json::dump()") {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  const json docs[] = {
      nullptr,
      true,
      false,
      0,
      -1,
      int64_t{-9'223'372'036'854'775'807 - 1},
      uint64_t{18'446'744'073'709'551'615u},
      1.5,
      -0.0,
      1e300,
      0.1,
      "",
      "plain text",
      "quote \" backslash \\ slash / del \x7f",
      controls,
      "Permohonan diajukan \xe2\x80\x94 caf\xc3\xa9 \xf0\x9f\x98\x80",
      json::array(),
      json::object(),
      json::binary({1, 2, 3}),
      {{"b", 1}, {"a", {1, 2.25, "x", nullptr, json::array()}}, {"caf\xc3\xa9", "\n"}},
      {{"next", {{{"action", "teruskan"}, {"roles", {"admin", "kepala"}}}}},
       {"tab\tkey", {{"nested", json::object()}}},
       {"queue_position", 12},
       {"terminal", false}},
  };
  for (const json& doc : docs) {
    CAPTURE(doc.dump());
    CHECK(api::DumpJson(doc) == doc.dump());
  }
}

TEST_CASE("api: DumpJson replaces text that is not UTF-8 instead of throwing") {
  auto replaced = [](const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  json bad = {{"name", std::string("ab\xff")}};
  CHECK_THROWS_AS(bad.dump(), json::type_error);
  CHECK(api::DumpJson(bad) == replaced(bad));
  CHECK(api::DumpJson(bad) == "{\"name\":\"ab\xef\xbf\xbd\"}");
  json bad_key = {{std::string("\xc3"), {1, std::string("\xf0\x9f")}}};
  CHECK(api::DumpJson(bad_key) == replaced(bad_key));
  CHECK(json::parse(api::DumpJson(bad_key)).is_object());
}

}  // namespace
}  // namespace jejak::testing
