#include "events/json.h"

#include <doctest/doctest.h>

#include "base/error.h"
#include "events/time.h"
#include "tests/testutil.h"

namespace jejak::events {
namespace {

using base::Error;

TEST_CASE("JSON form round-trips, seq included") {
  Event e = testing::SampleEvent(11);
  e.seq = 1234;
  e.fields.emplace("capital", FieldValue::Decimal("2500000.75"));
  e.fields.emplace("digest", FieldValue::Bytes("\x01\x02"));
  e.fields.emplace("due", FieldValue::Timestamp(-1));
  e.fields.emplace("count", FieldValue::Integer(INT64_MIN));
  e.fields.emplace("ok", FieldValue::Boolean(false));
  e.fields.emplace("day", FieldValue::Date("2026-11-28"));
  nlohmann::json j = ToJson(e);
  CHECK(j["seq"] == 1234);
  CHECK(j["fields"]["digest"]["value"] == "0102");
  CHECK(j["fields"]["due"]["value"] == "1969-12-31T23:59:59.999999Z");
  CHECK(FromJson(nlohmann::json::parse(j.dump())) == e);
}

TEST_CASE("JSON errors name the member") {
  nlohmann::json j = ToJson(testing::SampleEvent(1));
  j.erase("actor");
  CHECK_THROWS_WITH_AS(FromJson(j), doctest::Contains("actor"), Error);
  j = ToJson(testing::SampleEvent(1));
  j["fields"]["note"]["type"] = "integer";
  CHECK_THROWS_WITH_AS(FromJson(j), doctest::Contains("note"), Error);
}

TEST_CASE("RFC 3339 times") {
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(ParseRfc3339("2026-11-28T13:28:26.5+07:00") == ParseRfc3339("2026-11-28T06:28:26.500000Z"));
  int64_t t = 1'795'000'000'123'456;
  CHECK(ParseRfc3339(FormatRfc3339(t)) == t);
  CHECK_THROWS_AS(ParseRfc3339("2026-02-30T00:00:00Z"), Error);
  CHECK_THROWS_AS(ParseRfc3339("2026-11-28 06:28:26Z"), Error);
  CHECK_THROWS_AS(ParseRfc3339("2026-11-28T06:28:26"), Error);
}

TEST_CASE("event ids are UUIDv7 and parse back") {
  EventId a = EventId::New(), b = EventId::New();
  CHECK(!(a == b));
  std::string s = a.ToString();
  CHECK(s.size() == 36);
  CHECK(s[14] == '7');
  CHECK(EventId::Parse(s) == a);
  CHECK_THROWS_AS(EventId::Parse("not-a-uuid"), Error);
}

}  // namespace
}  // namespace jejak::events
