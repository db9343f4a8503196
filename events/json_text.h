// The JSON form of an event as compact text, written directly: exactly
// ToJson(event).dump() (json.h), several times faster. The Kafka relay
// writes one per ledger entry; tests/events/json_text_test.cpp holds the
// two equal.
#pragma once

#include <string>

#include "events/event.h"

namespace jejak::events {

std::string ToJsonText(const Event& event);

}  // namespace jejak::events
