// The commands the engine accepts and what it returns for them. A command
// that is refused throws base::Error instead (kRefused, kPermissionDenied,
// kConflict, kInvalidArgument, kNotFound) with a stable reason() code; see
// docs/ENGINE.md for the list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "events/event.h"
#include "ledger/hash.h"

namespace jejak::engine {

// Field values as the client wrote them ("12", "true", "2026-11-28"); the
// engine converts each to its declared type.
using FieldInputs = std::map<std::string, std::string>;

struct SubmitCommand {
  std::string workflow;   // name; the latest deployed version is used
  std::string applicant;  // the citizen's id (verified by the caller)
  FieldInputs fields;
  std::string idempotency_key;
};

struct ActCommand {
  std::string request_id;
  std::string action;
  events::Actor actor;  // verified by the caller: CLI flags or API token
  FieldInputs fields;
  std::string reason;                      // required by some actions (rejections)
  std::optional<uint32_t> expect_version;  // optimistic concurrency
  std::string idempotency_key;
};

struct WithdrawCommand {
  std::string request_id;
  std::string applicant;
  std::string reason;
  std::optional<uint32_t> expect_version;
  std::string idempotency_key;
};

// An accepted command: the one event it appended, durable.
struct Accepted {
  events::Event event;  // seq set
  ledger::Hash chain{};
  uint32_t request_version = 0;  // the request's version after this event
  std::string tracking_code;     // Submit only: the citizen's secret
  bool replayed = false;         // true if an idempotent retry returned it
};

}  // namespace jejak::engine
