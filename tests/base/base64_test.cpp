// Base64: the text form of keys, signatures and tokens.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "base/base64.h"

namespace jejak::base {
namespace {

TEST_CASE("base64: the RFC 4648 test vectors both ways") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    CHECK(Base64Encode(bytes) == text);
    std::string back = "stale";
    REQUIRE(Base64Decode(text, &back));
    CHECK(back == bytes);
  }
  std::string all;
  for (int b = 255; b >= 0; --b) all += static_cast<char>(b);
  std::string back;
  REQUIRE(Base64Decode(Base64Encode(all), &back));
  CHECK(back == all);
}

TEST_CASE("base64: only the canonical padded form decodes") {
  std::string out;
  for (const char* bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zg==Zg==", "Zm9v\n", "Zm-v", "Zm_v",
                          "=Zg=", "Zm 9"}) {
    CHECK_MESSAGE(!Base64Decode(bad, &out), bad);
  }
  CHECK(!Base64Decode(std::string("Zm\0v", 4), &out));
}

}  // namespace
}  // namespace jejak::base
