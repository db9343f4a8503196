// The event envelope: one immutable fact about one request (or about the
// system, for deployments and key changes). Every action in jejak becomes one
// Event, appended to the ledger in its canonical encoding (encoding.h).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "events/field_value.h"

namespace jejak::events {

// A 128-bit event id, UUIDv7 (time-ordered) when made by NewEventId().
struct EventId {
  std::array<uint8_t, 16> bytes{};

  static EventId New();  // UUIDv7 from the current time and random bits
  // "01890a5d-ac96-774b-bcce-b302099a8057"; Parse() throws Error(kInvalidArgument).
  std::string ToString() const;
  static EventId Parse(std::string_view text);

  friend bool operator==(const EventId&, const EventId&) = default;
};

// Who performed the action, as verified by whoever accepted the command.
struct Actor {
  std::string subject;  // citizen or officer id, or "system"
  std::string role;     // "applicant", a staff role, or "system"
  std::string agency;   // the acting agency; empty for citizens

  friend bool operator==(const Actor&, const Actor&) = default;
};

// Payload fields, ordered by name (bytewise): the order of the encoding.
using Fields = std::map<std::string, FieldValue>;

struct Event {
  // Position in the ledger, starting at 0. Assigned by the ledger on append
  // and bound by the chain hash; it is not part of the canonical bytes.
  uint64_t seq = 0;
  EventId id;
  std::string request_id;  // empty for events about the system itself
  std::string workflow;
  uint32_t workflow_version = 0;
  std::string type;  // "submitted", "action", "workflow_deployed", ...
  Actor actor;
  int64_t time_us = 0;  // UTC microseconds since the Unix epoch
  Fields fields;
  std::string idempotency_key;  // the client's retry key, or empty
  std::string causation_id;     // id of the event or command that caused this one
  std::string correlation_id;   // groups the events of one conversation

  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace jejak::events
