// The JSON form of an Event, used by the HTTP API, the CLI's --json output
// and Kafka message values (docs/FORMAT.md, "JSON form"). FromJson(ToJson(e))
// == e for every event.
#pragma once

#include <nlohmann/json.hpp>

#include "events/event.h"

namespace jejak::events {

nlohmann::json FieldToJson(const FieldValue& value);
FieldValue FieldFromJson(const nlohmann::json& json);

nlohmann::json ToJson(const Event& event);
// Throws Error(kInvalidArgument) naming the missing or mistyped member.
Event FromJson(const nlohmann::json& json);

}  // namespace jejak::events
