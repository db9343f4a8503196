// Event decoding and the canonical check (events/encoding.h), and the JSON
// form (events/json.h) that Kafka values and the API carry.
//
// Promises: Decode and CheckCanonical accept exactly the same bytes and find
// the same keys; what Decode accepts re-encodes to the same bytes; the JSON
// form of a decoded event reads back as the same event, and the fast JSON
// writer agrees with nlohmann's. An event read from JSON that encodes
// decodes to itself.
#include <nlohmann/json.hpp>

#include <optional>

#include "base/error.h"
#include "events/encoding.h"
#include "events/json.h"
#include "events/json_text.h"
#include "fuzz/fuzz_util.h"

using jejak::base::Error;
using jejak::base::ErrorCode;
using jejak::events::Event;
using jejak::fuzz::AsText;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes = AsText(data, size);

  std::optional<Event> event;
  try {
    event = jejak::events::Decode(bytes);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kCorruption);
  }
  std::optional<jejak::events::EventKeys> keys;
  try {
    keys = jejak::events::CheckCanonical(bytes);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kCorruption);
  }
  JEJAK_REQUIRE(event.has_value() == keys.has_value());
  if (event) {
    JEJAK_REQUIRE(keys->request_id == event->request_id);
    JEJAK_REQUIRE(keys->actor_subject == event->actor.subject);
    JEJAK_REQUIRE(jejak::events::Encode(*event) == bytes);
    nlohmann::json json = jejak::events::ToJson(*event);
    JEJAK_REQUIRE(jejak::events::ToJsonText(*event) == json.dump());
    JEJAK_REQUIRE(jejak::events::FromJson(json) == *event);
  }

  nlohmann::json json = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  std::optional<Event> from_json;
  try {
    from_json = jejak::events::FromJson(json);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
  }
  if (!from_json) return 0;
  std::string encoded;
  try {
    encoded = jejak::events::Encode(*from_json);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
    return 0;
  }
  Event decoded = jejak::events::Decode(encoded);
  decoded.seq = from_json->seq;
  JEJAK_REQUIRE(decoded == *from_json);
  return 0;
}
