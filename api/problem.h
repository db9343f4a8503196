// The one place where errors become HTTP: every base::Error a handler
// throws is turned into an RFC 9457 problem document
// (application/problem+json) with jejak's code and reason, and the status
// docs/ENGINE.md's table gives.
#pragma once

#include "api/router.h"
#include "base/error.h"

namespace jejak::api {

int HttpStatusFor(const base::Error& error);

// Never throws for text that is not UTF-8: the document replaces it (U+FFFD).
Response ProblemResponse(const base::Error& error);

}  // namespace jejak::api
