// The stable reasons an Error carries (Error::reason()). Clients, scripts and
// auditors match on them, so each is spelled once, here, with the one error
// code it always comes with. docs/ENGINE.md ("Reasons") gives each one's exit
// code and HTTP status, and docs/openapi.yaml's Problem schema lists them;
// tests/cli/reasons_test.cpp holds both documents to AllReasons().
#pragma once

#include <span>
#include <string_view>

#include "base/error.h"

namespace jejak::base {

namespace reason {
// A command the engine refuses (docs/ENGINE.md, "Checks").
inline constexpr Reason kUnknownRequest{"unknown_request", ErrorCode::kNotFound};
inline constexpr Reason kUnknownWorkflow{"unknown_workflow", ErrorCode::kNotFound};
inline constexpr Reason kUnknownAction{"unknown_action", ErrorCode::kInvalidArgument};
inline constexpr Reason kUnknownField{"unknown_field", ErrorCode::kInvalidArgument};
inline constexpr Reason kInvalidField{"invalid_field", ErrorCode::kInvalidArgument};
inline constexpr Reason kMissingField{"missing_field", ErrorCode::kInvalidArgument};
inline constexpr Reason kReasonRequired{"reason_required", ErrorCode::kInvalidArgument};
inline constexpr Reason kMissingApplicant{"missing_applicant", ErrorCode::kInvalidArgument};
inline constexpr Reason kForbiddenRole{"forbidden_role", ErrorCode::kPermissionDenied};
inline constexpr Reason kNotApplicant{"not_applicant", ErrorCode::kPermissionDenied};
inline constexpr Reason kInvalidState{"invalid_state", ErrorCode::kRefused};
inline constexpr Reason kRequestClosed{"request_closed", ErrorCode::kRefused};
inline constexpr Reason kFourEyes{"four_eyes", ErrorCode::kRefused};
inline constexpr Reason kGuardFailed{"guard_failed", ErrorCode::kRefused};
inline constexpr Reason kVersionConflict{"version_conflict", ErrorCode::kConflict};
inline constexpr Reason kIdempotencyMismatch{"idempotency_mismatch", ErrorCode::kConflict};
inline constexpr Reason kVersionExists{"version_exists", ErrorCode::kConflict};
inline constexpr Reason kVersionNotNewer{"version_not_newer", ErrorCode::kConflict};
// Personal data (docs/PRIVACY.md).
inline constexpr Reason kNoKeyStore{"no_key_store", ErrorCode::kUnavailable};
inline constexpr Reason kUnknownSubject{"unknown_subject", ErrorCode::kNotFound};

// An HTTP request the API refuses before any command.
inline constexpr Reason kMissingToken{"missing_token", ErrorCode::kPermissionDenied};
inline constexpr Reason kBadToken{"bad_token", ErrorCode::kPermissionDenied};
inline constexpr Reason kTokenExpired{"token_expired", ErrorCode::kPermissionDenied};
inline constexpr Reason kWrongRole{"wrong_role", ErrorCode::kPermissionDenied};
inline constexpr Reason kBadCode{"bad_code", ErrorCode::kPermissionDenied};
inline constexpr Reason kBadRequest{"bad_request", ErrorCode::kInvalidArgument};
inline constexpr Reason kBadUrl{"bad_url", ErrorCode::kInvalidArgument};
inline constexpr Reason kBadRange{"bad_range", ErrorCode::kInvalidArgument};
inline constexpr Reason kBodyTooLarge{"body_too_large", ErrorCode::kInvalidArgument};
inline constexpr Reason kJsonLimit{"json_limit", ErrorCode::kInvalidArgument};
inline constexpr Reason kDuplicateKey{"duplicate_key", ErrorCode::kInvalidArgument};
inline constexpr Reason kMethodNotAllowed{"method_not_allowed", ErrorCode::kInvalidArgument};
inline constexpr Reason kNoRoute{"no_route", ErrorCode::kNotFound};
inline constexpr Reason kUnknownEntry{"unknown_entry", ErrorCode::kNotFound};
inline constexpr Reason kBeyondLedger{"beyond_ledger", ErrorCode::kNotFound};
inline constexpr Reason kNoCheckpoint{"no_checkpoint", ErrorCode::kNotFound};
inline constexpr Reason kRateLimited{"rate_limited", ErrorCode::kUnavailable};
inline constexpr Reason kTooManyGuesses{"too_many_guesses", ErrorCode::kUnavailable};

// Reading the event stream from Kafka.
inline constexpr Reason kStreamGap{"stream_gap", ErrorCode::kUnavailable};
inline constexpr Reason kChainOrder{"chain_order", ErrorCode::kCorruption};
inline constexpr Reason kGroupShared{"group_shared", ErrorCode::kBusy};
}  // namespace reason

// Every reason above, in that order.
std::span<const Reason> AllReasons();

}  // namespace jejak::base
