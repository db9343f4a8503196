#include "api/auth.h"

#include <fmt/format.h>

#include "api/problem.h"
#include "base/error.h"
#include "base/reason.h"
#include "workflow/workflow.h"

namespace jejak::api {

using base::Error;
using base::ErrorCode;

std::optional<Claims> OptionalCaller(const Request& req, const TokenKey& key, int64_t now_s) {
  std::string auth = req.Header("authorization");
  if (auth.empty()) return std::nullopt;
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    throw Error(base::reason::kBadToken, "Authorization must be \"Bearer <token>\"");
  }
  return key.Verify(auth.substr(kBearer.size()), now_s);
}

Claims RequireCaller(const Request& req, const TokenKey& key, int64_t now_s) {
  std::optional<Claims> c = OptionalCaller(req, key, now_s);
  if (!c) {
    throw Error(base::reason::kMissingToken, "this endpoint needs a bearer token");
  }
  return *c;
}

void RequireRole(const Claims& claims, const std::string& role) {
  if (claims.role != role) {
    throw Error(
        base::reason::kWrongRole,
        fmt::format("this endpoint needs the role {}, the token has {}", role, claims.role));
  }
}

bool IsStaff(const Claims& claims) { return claims.role != workflow::kApplicantRole; }

}  // namespace jejak::api
