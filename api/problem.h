// The one place where errors become HTTP: every base::Error a handler
// throws is turned into an RFC 9457 problem document
// (application/problem+json) with jejak's code and reason, and the status
// docs/ENGINE.md's table gives.
#pragma once

#include "api/router.h"
#include "base/error.h"

namespace jejak::api {

// Reasons of errors raised by the API itself (besides the engine's).
namespace reasons {
inline constexpr char kMissingToken[] = "missing_token";
inline constexpr char kBadToken[] = "bad_token";
inline constexpr char kTokenExpired[] = "token_expired";
inline constexpr char kWrongRole[] = "wrong_role";
inline constexpr char kBodyTooLarge[] = "body_too_large";
inline constexpr char kBadRequest[] = "bad_request";
inline constexpr char kRateLimited[] = "rate_limited";
inline constexpr char kTooManyGuesses[] = "too_many_guesses";
inline constexpr char kJsonLimit[] = "json_limit";
inline constexpr char kDuplicateKey[] = "duplicate_key";
}  // namespace reasons

int HttpStatusFor(const base::Error& error);

// Never throws for text that is not UTF-8: the document replaces it (U+FFFD).
Response ProblemResponse(const base::Error& error);

}  // namespace jejak::api
