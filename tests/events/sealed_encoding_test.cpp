// Sealed fields in the event encoding: version 2 exactly when an event has
// one, in every form (binary, JSON, JSON text), and nothing else changes.
#include <doctest/doctest.h>

#include "base/error.h"
#include "events/encoding.h"
#include "events/json.h"
#include "events/json_text.h"
#include "tests/testutil.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;

FieldValue SampleSealed() {
  return FieldValue::Sealed("subj-abcdefghij234567abcd", std::string(40, '\x5a'));
}

Event SealedEvent() {
  Event e = testing::SampleEvent(3);
  e.fields.insert_or_assign("nik", SampleSealed());
  return e;
}

TEST_CASE("an event with a sealed field is encoded as version 2 and round-trips") {
  Event e = SealedEvent();
  std::string bytes = Encode(e);
  CHECK(static_cast<uint8_t>(bytes[0]) == kSealedEncodingVersion);
  Event back = Decode(bytes);
  CHECK(back == e);
  CHECK(back.fields.at("nik").subject() == "subj-abcdefghij234567abcd");
  CHECK(Encode(back) == bytes);
  CHECK(CheckCanonical(bytes).request_id == e.request_id);
}

TEST_CASE("events without sealed fields keep version 1 bytes") {
  Event e = testing::SampleEvent(3);
  CHECK(static_cast<uint8_t>(Encode(e)[0]) == kEncodingVersion);
}

TEST_CASE("the version byte must match whether a sealed field is present") {
  std::string sealed = Encode(SealedEvent());
  std::string plain = Encode(testing::SampleEvent(3));
  sealed[0] = static_cast<char>(kEncodingVersion);
  plain[0] = static_cast<char>(kSealedEncodingVersion);
  for (const std::string& bad : {sealed, plain}) {
    CHECK_THROWS_AS(Decode(bad), Error);
    CHECK_THROWS_AS(CheckCanonical(bad), Error);
  }
  std::string unknown = Encode(testing::SampleEvent(3));
  unknown[0] = 3;
  CHECK_THROWS_AS(Decode(unknown), Error);
}

TEST_CASE("sealed values need a subject and a ciphertext long enough for nonce, type and tag") {
  CHECK_THROWS_AS(FieldValue::Sealed("", std::string(40, 'x')), Error);
  CHECK_THROWS_AS(FieldValue::Sealed("s", std::string(FieldValue::kMinSealedSize - 1, 'x')), Error);
  CHECK_NOTHROW(FieldValue::Sealed("s", std::string(FieldValue::kMinSealedSize, 'x')));
  // A short ciphertext in the bytes is refused as corruption.
  Event e = testing::SampleEvent(3);
  e.fields.insert_or_assign("nik", FieldValue::Sealed("s", std::string(FieldValue::kMinSealedSize, 'x')));
  std::string bytes = Encode(e);
  size_t at = bytes.rfind(std::string(FieldValue::kMinSealedSize, 'x'));
  REQUIRE(at != std::string::npos);
  bytes[at - 1] = static_cast<char>(FieldValue::kMinSealedSize - 1);  // the blob's length
  bytes.erase(at, 1);
  try {
    Decode(bytes);
    FAIL("a short sealed value was accepted");
  } catch (const Error& err) {
    CHECK(err.code() == ErrorCode::kCorruption);
  }
}

TEST_CASE("a single value encodes alone, and a sealed value never inside another") {
  for (const FieldValue& v : {FieldValue::String("Siti Aminah"), FieldValue::Integer(-5),
                              FieldValue::Date("2026-12-07"), FieldValue::Boolean(true)}) {
    CHECK(DecodeValue(EncodeValue(v)) == v);
  }
  CHECK_THROWS_AS(EncodeValue(SampleSealed()), Error);
  std::string value = EncodeValue(FieldValue::String("x"));
  CHECK_THROWS_AS(DecodeValue(value + "y"), Error);
  CHECK_THROWS_AS(DecodeValue(value.substr(0, 3)), Error);
  std::string sealed_inside("\x08\0\0\0\1s\0\0\0\x1d", 10);
  sealed_inside += std::string(29, 'x');
  CHECK_THROWS_AS(DecodeValue(sealed_inside), Error);
}

TEST_CASE("sealed fields have a JSON form that gives the same bytes back") {
  Event e = SealedEvent();
  nlohmann::json j = ToJson(e);
  CHECK(j["fields"]["nik"]["type"] == "sealed");
  CHECK(j["fields"]["nik"]["value"]["subject"] == "subj-abcdefghij234567abcd");
  std::string hex;
  for (int i = 0; i < 40; ++i) hex += "5a";
  CHECK(j["fields"]["nik"]["value"]["ciphertext"] == hex);
  CHECK(Encode(FromJson(j)) == Encode(e));
  CHECK(nlohmann::json::parse(ToJsonText(e)) == j);
  CHECK(FieldValue::Sealed("s", std::string(29, 'x')).ToDisplayString() ==
        "[terenkripsi / encrypted]");
}

}  // namespace
}  // namespace jejak::events
