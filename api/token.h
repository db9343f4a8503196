// Bearer tokens: compact JWTs (RFC 7519) signed with HS256 under a 32-byte
// secret that only the server and `jejak token issue` hold (DATA/token.key
// by default). Staff and auditors get theirs from `jejak token issue`; a
// citizen gets one at submission, scoped to that request ("req").
//
// Verification follows RFC 8725: it accepts only alg HS256 (never "none"),
// checks the signature in constant time, refuses a "typ" other than JWT and
// any "crit" header, and parses both parts strictly (a name given twice is
// refused). "exp" is required and ends the token exactly; "nbf" and "iat",
// when given, may lie at most kTokenLeewayS in the future (clocks differ).
// Failures throw Error(kPermissionDenied) with reason bad_token or
// token_expired, which the API answers with 401.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/hmac.h"

namespace jejak::api {

struct Claims {
  std::string subject;     // "sub": staff id, or the applicant's id
  std::string role;        // "role": a workflow role, "auditor", or "applicant"
  std::string agency;      // "agency"
  std::string request;     // "req": applicant tokens only, the one request
  int64_t issued_at = 0;   // "iat", seconds since the epoch
  int64_t expires_at = 0;  // "exp", seconds since the epoch
};

inline constexpr char kAuditorRole[] = "auditor";
// The data-protection officer (UU PDP Art 53): erases subjects and reads
// their reports, across agencies.
inline constexpr char kDpoRole[] = "dpo";
inline constexpr int64_t kTokenLeewayS = 60;

class TokenKey {
 public:
  // Reads the 32-byte secret at path, creating it (mode 0600) if absent and
  // create is true. Throws Error(kNotFound) if absent otherwise,
  // Error(kCorruption) if it has another size.
  static TokenKey Load(const std::string& path, bool create);
  explicit TokenKey(std::string_view secret)
      : mac_(std::make_shared<const base::HmacSha256>(secret)) {}

  // Throws Error(kInvalidArgument) if a claim is not UTF-8 text.
  std::string Issue(const Claims& claims) const;
  // now_s: seconds since the epoch.
  Claims Verify(const std::string& token, int64_t now_s) const;

 private:
  std::string Mac(const std::string& data) const;
  std::shared_ptr<const base::HmacSha256> mac_;  // shared: copies are cheap
};

}  // namespace jejak::api
