// CheckCanonical() must accept exactly what Decode() accepts: the ledger
// relies on it instead of Decode() + Encode() on every append.
#include <doctest/doctest.h>

#include "base/error.h"
#include "events/encoding.h"
#include "tests/testutil.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;

bool DecodeAccepts(std::string_view bytes) {
  try {
    Decode(bytes);
    return true;
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kCorruption);
    return false;
  }
}

bool CheckAccepts(std::string_view bytes) {
  try {
    CheckCanonical(bytes);
    return true;
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kCorruption);
    return false;
  }
}

TEST_CASE("CheckCanonical returns the request id and actor as views into the bytes") {
  std::string bytes = Encode(testing::EventWithEveryFieldType());
  EventKeys keys = CheckCanonical(bytes);
  CHECK(keys.request_id == "REQ-11");
  CHECK(keys.actor_subject == "officer-1");
  CHECK(keys.request_id.data() >= bytes.data());
  CHECK(keys.request_id.data() < bytes.data() + bytes.size());
}

TEST_CASE("CheckCanonical agrees with Decode on every single-byte change and truncation") {
  for (const Event& e : {testing::EventWithEveryFieldType(), testing::SampleEvent(3, "")}) {
    std::string good = Encode(e);
    REQUIRE(CheckAccepts(good));
    for (size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      CHECK(CheckAccepts(good.substr(0, n)) == DecodeAccepts(good.substr(0, n)));
      for (int v : {0x00, 0x01, 0x7f, 0x80, 0xc3, 0xff}) {
        std::string bad = good;
        if (static_cast<uint8_t>(bad[n]) == v) continue;
        bad[n] = static_cast<char>(v);
        CAPTURE(v);
        CHECK(CheckAccepts(bad) == DecodeAccepts(bad));
      }
      std::string flipped = good;
      flipped[n] ^= 0x20;
      CHECK(CheckAccepts(flipped) == DecodeAccepts(flipped));
    }
    CHECK(!CheckAccepts(good + "x"));
  }
}

}  // namespace
}  // namespace jejak::events
