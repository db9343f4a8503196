#include "api/token.h"

#include "engine/secret_file.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "events/error.h"
#include "ledger/note.h"

namespace jejak::api {
namespace {

using events::Error;
using events::ErrorCode;
constexpr size_t kSecretSize = 32;

std::string B64Url(std::string_view bytes) {
  std::string s = ledger::Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

bool FromB64Url(std::string_view text, std::string* out) {
  std::string s(text);
  for (char& c : s) {
    if (c == '+' || c == '/' || c == '=') return false;
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (s.size() % 4) s += '=';
  return ledger::Base64Decode(s, out);
}

[[noreturn]] void Bad(const std::string& why) {
  throw Error(ErrorCode::kPermissionDenied, "invalid bearer token: " + why, reasons::kBadToken);
}

}  // namespace

TokenKey TokenKey::Load(const std::string& path, bool create) {
  return TokenKey(engine::LoadOrCreateSecret(path, kSecretSize, create, "token secret"));
}

std::string TokenKey::Mac(const std::string& data) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string TokenKey::Issue(const Claims& c) const {
  nlohmann::json payload = {
      {"sub", c.subject}, {"role", c.role}, {"iat", c.issued_at}, {"exp", c.expires_at}};
  if (!c.agency.empty()) payload["agency"] = c.agency;
  if (!c.request.empty()) payload["req"] = c.request;
  std::string signing_input =
      B64Url(R"({"alg":"HS256","typ":"JWT"})") + "." + B64Url(payload.dump());
  return signing_input + "." + B64Url(Mac(signing_input));
}

Claims TokenKey::Verify(const std::string& token, int64_t now_s) const {
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  if (d1 == std::string::npos || d1 == d2) Bad("not a JWT");
  std::string header, payload, sig;
  if (!FromB64Url(std::string_view(token).substr(0, d1), &header) ||
      !FromB64Url(std::string_view(token).substr(d1 + 1, d2 - d1 - 1), &payload) ||
      !FromB64Url(std::string_view(token).substr(d2 + 1), &sig)) {
    Bad("not base64url");
  }
  std::string expected = Mac(token.substr(0, d2));
  if (sig.size() != expected.size() ||
      CRYPTO_memcmp(sig.data(), expected.data(), sig.size()) != 0) {
    Bad("signature does not match");
  }
  nlohmann::json h = nlohmann::json::parse(header, nullptr, false);
  nlohmann::json p = nlohmann::json::parse(payload, nullptr, false);
  if (!h.is_object() || h.value("alg", "") != "HS256") Bad("alg must be HS256");
  if (!p.is_object() || !p.contains("sub") || !p["sub"].is_string() || !p.contains("role") ||
      !p["role"].is_string() || !p.contains("exp") || !p["exp"].is_number_integer()) {
    Bad("sub, role and exp are required");
  }
  Claims c;
  try {
    c.subject = p["sub"];
    c.role = p["role"];
    c.agency = p.value("agency", "");
    c.request = p.value("req", "");
    c.issued_at = p.value("iat", int64_t{0});
    c.expires_at = p["exp"];
  } catch (const nlohmann::json::exception&) {
    Bad("claims of the wrong type");
  }
  if (c.expires_at <= now_s) {
    throw Error(ErrorCode::kPermissionDenied, "the bearer token has expired",
                reasons::kTokenExpired);
  }
  return c;
}

}  // namespace jejak::api
