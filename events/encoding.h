// The canonical binary encoding of an Event (format versions 1 and 2), specified byte
// by byte in docs/FORMAT.md. It is deterministic: equal events give equal
// bytes on every machine, and Decode() accepts only canonical bytes, so
// Encode(Decode(b)) == b for every b that Decode() accepts.
#pragma once

#include <string>
#include <string_view>

#include "events/event.h"

namespace jejak::events {

inline constexpr uint8_t kEncodingVersion = 1;
// Version 2: version 1 with sealed fields. Encode() writes it exactly when an
// event has a sealed field, so the bytes of every other event are unchanged.
inline constexpr uint8_t kSealedEncodingVersion = 2;

// Throws Error(kInvalidArgument) if a text is not valid UTF-8 or too long.
// Event::seq is not encoded.
std::string Encode(const Event& event);

// Throws Error(kCorruption) naming the first problem. The result's seq is 0;
// callers that know the position set it.
Event Decode(std::string_view bytes);

// One field value alone: its type tag, then its value, as in an event. The
// plaintext of a sealed value (privacy/). EncodeValue() throws
// Error(kInvalidArgument) for a sealed value; DecodeValue() throws
// Error(kCorruption) for anything but exactly one canonical, unsealed value.
std::string EncodeValue(const FieldValue& value);
FieldValue DecodeValue(std::string_view bytes);

// The parts of an event that the ledger indexes, as views into its bytes.
struct EventKeys {
  std::string_view request_id;
  std::string_view type;
  std::string_view actor_subject;
};

// Accepts exactly the bytes Decode() accepts, and throws the same errors, but
// builds no Event: for callers that only need to know the bytes are canonical.
EventKeys CheckCanonical(std::string_view bytes);

}  // namespace jejak::events
