// Who is calling: the bearer token of a request, verified. Handlers take the
// actor of every event from here, never from the body.
#pragma once

#include <optional>
#include <string>

#include "api/router.h"
#include "api/token.h"

namespace jejak::api {

// The verified claims of "Authorization: Bearer <jwt>", or nullopt without
// that header. Throws like TokenKey::Verify for a bad token.
std::optional<Claims> OptionalCaller(const Request& req, const TokenKey& key, int64_t now_s);
// The same, but a missing token is Error(kPermissionDenied, missing_token) (401).
Claims RequireCaller(const Request& req, const TokenKey& key, int64_t now_s);
// Error(kPermissionDenied, wrong_role) (403) unless claims.role is role.
void RequireRole(const Claims& claims, const std::string& role);
// Staff: any role but the applicant's.
bool IsStaff(const Claims& claims);

}  // namespace jejak::api
