// Hex: the text form of hashes and ids.
#include <doctest/doctest.h>

#include <string>

#include "base/error.h"
#include "base/hex.h"

namespace jejak::base {
namespace {

TEST_CASE("hex: lowercase out, either case in, round trip over every byte") {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string hex = ToHex(all);
  CHECK(hex.substr(0, 8) == "00010203");
  CHECK(hex.substr(hex.size() - 4) == "feff");
  CHECK(FromHex(hex) == all);
  CHECK(FromHex("DEADbeef") == "\xde\xad\xbe\xef");
  CHECK(ToHex("") == "");
}

TEST_CASE("hex: odd length and non-hex characters are invalid arguments") {
  for (const char* bad : {"abc", "0g", "zz", " 0", "0x00"}) {
    try {
      FromHex(bad);
      FAIL("accepted " << bad);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidArgument);
    }
  }
}

TEST_CASE("hex: one digit's value") {
  CHECK(HexDigitValue('0') == 0);
  CHECK(HexDigitValue('9') == 9);
  CHECK(HexDigitValue('a') == 10);
  CHECK(HexDigitValue('F') == 15);
  CHECK(HexDigitValue('g') == -1);
  CHECK(HexDigitValue('/') == -1);
  CHECK(HexDigitValue('\0') == -1);
}

}  // namespace
}  // namespace jejak::base
