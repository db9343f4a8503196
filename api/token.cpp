#include "api/token.h"

#include "base/secret_file.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdint>
#include <optional>

#include "api/json_body.h"
#include "api/problem.h"
#include "base/base64.h"
#include "base/error.h"
#include "base/reason.h"
#include "events/field_value.h"

namespace jejak::api {
namespace {

using base::Error;
using base::ErrorCode;
constexpr size_t kSecretSize = 32;

std::string B64Url(std::string_view bytes) {
  std::string s = base::Base64Encode(bytes);
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
  return base::Base64Decode(s, out);
}

[[noreturn]] void Bad(const std::string& why) {
  throw Error(base::reason::kBadToken, "invalid bearer token: " + why);
}

bool IsJwt(const nlohmann::json& typ) {
  const std::string& t = typ.get_ref<const std::string&>();
  // Media type names are case-insensitive (RFC 7515, 4.1.9).
  return t.size() == 3 && std::toupper(static_cast<unsigned char>(t[0])) == 'J' &&
         std::toupper(static_cast<unsigned char>(t[1])) == 'W' &&
         std::toupper(static_cast<unsigned char>(t[2])) == 'T';
}

// A NumericDate claim: whole seconds that fit int64 (checked before
// narrowing); nullopt when absent.
std::optional<int64_t> Time(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() <= INT64_MAX) return it->get<int64_t>();
  if (it->is_number_integer() && !it->is_number_unsigned()) return it->get<int64_t>();
  Bad(fmt::format("{} must be whole seconds since 1970", name));
}

}  // namespace

TokenKey TokenKey::Load(const std::string& path, bool create) {
  return TokenKey(base::LoadOrCreateSecret(path, kSecretSize, create, "token secret"));
}

std::string TokenKey::Mac(const std::string& data) const { return mac_->MacString(data); }

std::string TokenKey::Issue(const Claims& c) const {
  // Replacing bytes would merge two subjects into one: refuse instead.
  for (const std::string* text : {&c.subject, &c.role, &c.agency, &c.request}) {
    if (!events::IsValidUtf8(*text)) {
      throw Error(ErrorCode::kInvalidArgument, "token claims must be UTF-8 text");
    }
  }
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
  // The parts are parsed strictly (json_body.h): a claim given twice is
  // refused, not read the last way.
  nlohmann::json h, p;
  try {
    h = ParseStrictJson(header, "the token's header");
    p = ParseStrictJson(payload, "the token's claims");
  } catch (const Error& e) {
    Bad(e.what());
  }
  if (!h.is_object()) Bad("the header must be a JSON object");
  // Not h.value("alg", ""): it throws when alg is there but not a string.
  if (auto alg = h.find("alg"); alg == h.end() || !alg->is_string() || *alg != "HS256") {
    Bad("alg must be HS256");
  }
  // RFC 8725: "typ" is JWT when given, and no extension must be understood.
  if (auto typ = h.find("typ"); typ != h.end() && !(typ->is_string() && IsJwt(*typ))) {
    Bad("typ must be JWT");
  }
  if (h.contains("crit")) Bad("no crit header extension is supported");
  if (!p.is_object() || !p.contains("sub") || !p["sub"].is_string() || !p.contains("role") ||
      !p["role"].is_string() || !p.contains("exp")) {
    Bad("sub, role and exp are required");
  }
  Claims c;
  try {
    c.subject = p["sub"];
    c.role = p["role"];
    c.agency = p.value("agency", "");
    c.request = p.value("req", "");
  } catch (const nlohmann::json::exception&) {
    Bad("claims of the wrong type");
  }
  c.expires_at = Time(p, "exp").value();
  c.issued_at = Time(p, "iat").value_or(0);
  std::optional<int64_t> not_before = Time(p, "nbf");
  if (c.expires_at <= now_s) {
    throw Error(base::reason::kTokenExpired, "the bearer token has expired");
  }
  // Clocks of issuers and servers differ a little: kLeewayS.
  if (not_before && *not_before > now_s + kTokenLeewayS) Bad("the token is not valid yet (nbf)");
  if (c.issued_at > now_s + kTokenLeewayS) Bad("the token was issued in the future (iat)");
  return c;
}

}  // namespace jejak::api
