#include "events/encoding.h"

#include <doctest/doctest.h>

#include "base/error.h"
#include "events/time.h"
#include "tests/testutil.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;

TEST_CASE("encoding round-trips every field type") {
  Event e = testing::EventWithEveryFieldType();
  std::string bytes = Encode(e);
  Event back = Decode(bytes);
  CHECK(back == e);
  CHECK(Encode(back) == bytes);
}

TEST_CASE("encoding is deterministic and ignores seq") {
  Event a = testing::EventWithEveryFieldType(), b = testing::EventWithEveryFieldType();
  b.seq = 99;
  CHECK(Encode(a) == Encode(b));
  b.fields.erase("note");
  CHECK(Encode(a) != Encode(b));
}

TEST_CASE("decimals are stored in canonical form") {
  CHECK(FieldValue::Decimal("+0001.500").text() == "1.5");
  CHECK(FieldValue::Decimal("-0.0").text() == "0");
  CHECK(FieldValue::Decimal(".25").text() == "0.25");
  CHECK(FieldValue::Decimal("7.").text() == "7");
  CHECK_THROWS_AS(FieldValue::Decimal("1e5"), Error);
  CHECK_THROWS_AS(FieldValue::Decimal("."), Error);
  CHECK_THROWS_AS(FieldValue::Decimal(""), Error);
}

TEST_CASE("dates must exist") {
  CHECK_NOTHROW(FieldValue::Date("2024-02-29"));
  CHECK_THROWS_AS(FieldValue::Date("2023-02-29"), Error);
  CHECK_THROWS_AS(FieldValue::Date("2023-13-01"), Error);
  CHECK_THROWS_AS(FieldValue::Date("23-01-01"), Error);
}

TEST_CASE("invalid UTF-8 is refused on encode") {
  Event e = testing::SampleEvent(1);
  e.actor.subject = std::string("\xc3\x28");
  CHECK_THROWS_AS(Encode(e), Error);
  CHECK_THROWS_AS(FieldValue::String("\xed\xa0\x80"), Error);  // a surrogate
  CHECK_NOTHROW(FieldValue::String("Dinas Penanaman Modal — izin ✓"));
}

TEST_CASE("decode refuses every non-canonical or damaged input") {
  std::string good = Encode(testing::EventWithEveryFieldType());
  SUBCASE("truncation at every length") {
    for (size_t n = 0; n < good.size(); ++n) {
      CHECK_THROWS_AS(Decode(good.substr(0, n)), Error);
    }
  }
  SUBCASE("trailing bytes") { CHECK_THROWS_AS(Decode(good + "x"), Error); }
  SUBCASE("unknown version") {
    std::string bad = good;
    bad[0] = 2;
    CHECK_THROWS_AS(Decode(bad), Error);
  }
  SUBCASE("fields out of order") {
    Event e = testing::SampleEvent(3);
    std::string bytes = Encode(e);
    // Swap the two fields' name bytes: "action" and "note" have equal-length
    // records only by coincidence, so rebuild instead by hand.
    size_t a = bytes.find("action"), n = bytes.find("note");
    REQUIRE(a != std::string::npos);
    REQUIRE(n != std::string::npos);
    std::string first = bytes.substr(a - 4, n - 4 - (a - 4));
    std::string second = bytes.substr(n - 4);
    std::string swapped = bytes.substr(0, a - 4) + second + first;
    CHECK_THROWS_AS(Decode(swapped), Error);
  }
  SUBCASE("a boolean that is not 0 or 1") {
    Event e;
    e.fields.emplace("b", FieldValue::Boolean(true));
    std::string bytes = Encode(e);
    bytes.back() = 2;
    CHECK_THROWS_AS(Decode(bytes), Error);
  }
  SUBCASE("errors are corruption errors") {
    try {
      Decode(good.substr(0, 10));
      FAIL("expected an error");
    } catch (const Error& err) {
      CHECK(err.code() == ErrorCode::kCorruption);
    }
  }
}

// Found by fuzz/event_fuzz.cpp: an event of the year 16544 decoded, but its
// JSON form ("16544-08-09T...") read back by nobody, Kafka consumers
// included. Every time in an event has an RFC 3339 form now.
TEST_CASE("times outside the years 0000 to 9999 are refused in every form") {
  Event e = testing::EventWithEveryFieldType();
  std::string good = Encode(e);
  // The time's 8 bytes follow the actor's agency; find them by value.
  auto be = [](int64_t v) {
    std::string out;
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>(v >> shift);
    return out;
  };
  size_t pos = good.find(be(e.time_us));
  REQUIRE(pos != std::string::npos);
  for (int64_t t : {kMaxTimeMicros + 1, kMinTimeMicros - 1, int64_t{454'000'000'000'000'000}}) {
    CAPTURE(t);
    std::string bad = good;
    bad.replace(pos, 8, be(t));
    CHECK_THROWS_AS(Decode(bad), Error);
    CHECK_THROWS_AS(CheckCanonical(bad), Error);
    Event far = e;
    far.time_us = t;
    CHECK_THROWS_AS(Encode(far), Error);
    CHECK_THROWS_AS(FieldValue::Timestamp(t), Error);
  }
  e.time_us = kMaxTimeMicros;
  CHECK(Decode(Encode(e)).time_us == kMaxTimeMicros);
  CHECK(ParseRfc3339(FormatRfc3339(kMaxTimeMicros)) == kMaxTimeMicros);
  CHECK(ParseRfc3339(FormatRfc3339(kMinTimeMicros)) == kMinTimeMicros);
  CHECK_THROWS_AS(ParseRfc3339("0000-01-01T00:00:00+00:01"), Error);
  CHECK_THROWS_AS(ParseRfc3339("9999-12-31T23:59:59-00:01"), Error);
}

}  // namespace
}  // namespace jejak::events
