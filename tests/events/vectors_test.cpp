// The event-encoding test vectors of docs/FORMAT.md.
#include <doctest/doctest.h>

#include "base/hex.h"
#include "events/encoding.h"
#include "events/json.h"
#include "tests/format_vectors.h"

namespace jejak::events {
namespace {

using base::FromHex;
using base::ToHex;

TEST_CASE("FORMAT.md event vectors encode to the documented bytes") {
  auto vectors = testing::FormatVectors();
  REQUIRE(vectors.size() >= 3);
  for (const auto& v : vectors) {
    CAPTURE(v["name"].get<std::string>());
    Event e = FromJson(v["event"]);
    std::string bytes = Encode(e);
    CHECK(ToHex(bytes) == v["bytes"].get<std::string>());
    Event back = Decode(FromHex(v["bytes"].get<std::string>()));
    back.seq = e.seq;
    CHECK(back == e);
  }
}

}  // namespace
}  // namespace jejak::events
