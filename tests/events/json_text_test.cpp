// ToJsonText must write exactly what ToJson(...).dump() writes: Kafka
// consumers and the API see one JSON form.
#include <doctest/doctest.h>

#include <climits>

#include "events/json.h"
#include "events/json_text.h"
#include "tests/format_vectors.h"
#include "tests/testutil.h"

namespace jejak::events {
namespace {

TEST_CASE("json text: equals the nlohmann dump for sample events and the format vectors") {
  for (uint64_t n = 0; n < 300; ++n) {
    Event e = testing::SampleEvent(n * 7919);
    e.seq = n * 1'000'003;
    CHECK(ToJsonText(e) == ToJson(e).dump());
  }
  for (const auto& v : testing::FormatVectors()) {
    Event e = FromJson(v["event"]);
    CHECK(ToJsonText(e) == ToJson(e).dump());
  }
}

TEST_CASE("json text: escapes and every field type as nlohmann does") {
  Event e;
  e.seq = UINT64_MAX;
  e.request_id = "R\"1\\2/3";
  e.workflow = "w\b\f\n\r\t\x01\x1f\x7f end";
  e.workflow_version = UINT32_MAX;
  e.type = "ñ 日本 😀";
  e.actor = {"", "role", "DPMPTSP \"Kota\""};
  e.time_us = -1;
  e.idempotency_key = std::string("nul\0byte", 8);
  e.fields.emplace("a_string", FieldValue::String("x\ny"));
  e.fields.emplace("b_int_min", FieldValue::Integer(INT64_MIN));
  e.fields.emplace("c_int", FieldValue::Integer(42));
  e.fields.emplace("d_decimal", FieldValue::Decimal("-0.5"));
  e.fields.emplace("e_true", FieldValue::Boolean(true));
  e.fields.emplace("f_false", FieldValue::Boolean(false));
  e.fields.emplace("g_date", FieldValue::Date("2024-02-29"));
  e.fields.emplace("h_bytes", FieldValue::Bytes(std::string("\x00\xff\x10", 3)));
  e.fields.emplace("i_time", FieldValue::Timestamp(1'795'000'000'123'456));
  e.fields.emplace("Z_upper", FieldValue::String(""));
  CHECK(ToJsonText(e) == ToJson(e).dump());
  CHECK(ToJsonText(Event{}) == ToJson(Event{}).dump());
}

}  // namespace
}  // namespace jejak::events
