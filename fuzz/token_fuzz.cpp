// Bearer tokens (api/token.h): the Authorization header of every request.
//
// Input: a first byte 's' to have the target sign what follows as
// "<header JSON>\n<payload JSON>" with the server's key, so that the claims
// checks behind the signature are reached; anything else verifies what
// follows as a token as it came.
//
// Promises: Verify refuses with Error(kPermissionDenied) only; a token it
// accepts has not expired (but for a small leeway); a token Issue made
// verifies to its claims.
#include <openssl/hmac.h>

#include <optional>

#include "api/token.h"
#include "base/base64.h"
#include "base/error.h"
#include "fuzz/fuzz_util.h"

using jejak::api::Claims;
using jejak::api::TokenKey;
using jejak::base::Error;
using jejak::base::ErrorCode;

namespace {

constexpr int64_t kNow = 1'780'000'000;  // a fixed clock: runs repeat exactly
const std::string kSecret(32, 'k');

std::string B64Url(std::string_view bytes) {
  std::string s = jejak::base::Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

// A JWT over header and payload with a valid HS256 signature by kSecret.
std::string Sign(std::string_view header, std::string_view payload) {
  std::string input = B64Url(header) + "." + B64Url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + B64Url(std::string_view(reinterpret_cast<char*>(mac), len));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const TokenKey key(kSecret);
  std::string_view in = jejak::fuzz::AsText(data + 1, size - 1);
  std::string token;
  if (data[0] == 's') {
    std::string_view header = jejak::fuzz::Take(&in, '\n');
    token = Sign(header, in);
  } else {
    token = in;
  }
  std::optional<Claims> claims;
  try {
    claims = key.Verify(token, kNow);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kPermissionDenied);
    JEJAK_REQUIRE(!e.reason().empty());
    return 0;
  }
  JEJAK_REQUIRE(claims->expires_at > kNow - 600);  // a small leeway at most
  Claims again = key.Verify(key.Issue(*claims), kNow);
  JEJAK_REQUIRE(again.subject == claims->subject && again.role == claims->role);
  JEJAK_REQUIRE(again.agency == claims->agency && again.request == claims->request);
  JEJAK_REQUIRE(again.issued_at == claims->issued_at && again.expires_at == claims->expires_at);
  return 0;
}
