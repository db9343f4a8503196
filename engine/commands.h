// The commands the engine accepts and what it returns for them. A command
// that is refused throws base::Error instead (kRefused, kPermissionDenied,
// kConflict, kInvalidArgument, kNotFound) with a stable reason() code; see
// docs/ENGINE.md for the list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

// Erases a data subject (docs/PRIVACY.md): their data keys are destroyed, so
// their sealed fields can never be read again, while the ledger verifies.
struct EraseSubjectCommand {
  std::string subject;  // the external id (a NIK) or the subject id
  std::string reason;   // why, for the record: say it without personal data
  events::Actor actor;  // the data-protection officer, verified by the caller
};

// Staff were shown personal fields of a request: the access trail's record.
struct AccessRecord {
  std::string request_id;
  events::Actor actor;
  std::vector<std::string> fields;  // the personal fields shown
  std::string interface;            // "api" or "cli"
};

// An accepted command: the one event it appended, durable.
struct Accepted {
  events::Event event;  // seq set
  ledger::Hash chain{};
  uint32_t request_version = 0;  // the request's version after this event
  std::string tracking_code;     // Submit only: the citizen's secret
  bool replayed = false;         // true if an idempotent retry returned it
};

// An erasure: its subject_erased event, and what became of the keys.
struct Erasure {
  Accepted accepted;
  std::string subject;  // the subject id erased
  // The subject's entries from before personal fields were sealed, which
  // hold their data in plaintext and, the ledger being immutable, keep it.
  uint64_t plaintext_entries = 0;
  // Whether the key store's files were checked free of the erased keys. If
  // not, the keys are deleted but their bytes may linger in files until the
  // purge, retried at every start, succeeds; purge_problem says why.
  bool purged = false;
  std::string purge_problem;
};

}  // namespace jejak::engine
