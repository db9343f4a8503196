#include "api/auth.h"

#include <fmt/format.h>

#include "api/problem.h"
#include "base/error.h"
#include "workflow/workflow.h"

namespace jejak::api {

using base::Error;
using base::ErrorCode;

std::optional<Claims> OptionalCaller(const Request& req, const TokenKey& key, int64_t now_s) {
  std::string auth = req.Header("authorization");
  if (auth.empty()) return std::nullopt;
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    throw Error(ErrorCode::kPermissionDenied, "Authorization must be \"Bearer <token>\"",
                reasons::kBadToken);
  }
  return key.Verify(auth.substr(kBearer.size()), now_s);
}

Claims RequireCaller(const Request& req, const TokenKey& key, int64_t now_s) {
  std::optional<Claims> c = OptionalCaller(req, key, now_s);
  if (!c) {
    throw Error(ErrorCode::kPermissionDenied, "this endpoint needs a bearer token",
                reasons::kMissingToken);
  }
  return *c;
}

void RequireRole(const Claims& claims, const std::string& role) {
  if (claims.role != role) {
    throw Error(ErrorCode::kPermissionDenied,
                fmt::format("this endpoint needs the role {}, the token has {}", role, claims.role),
                reasons::kWrongRole);
  }
}

bool IsStaff(const Claims& claims) { return claims.role != workflow::kApplicantRole; }

}  // namespace jejak::api
