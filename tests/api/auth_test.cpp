// Authentication and authorization: wrong roles, other citizens' requests,
// expired, forged and malformed tokens.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <iterator>

#include "api/token.h"
#include "base/base64.h"
#include "base/error.h"
#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

TEST_CASE("api: token round trip, expiry and forgery") {
  api::TokenKey key(std::string(32, 'k')), other(std::string(32, 'o'));
  api::Claims c{"198701", "verifikator", "Dinas", "", 100, 200};
  std::string t = key.Issue(c);
  api::Claims back = key.Verify(t, 150);
  CHECK(back.subject == "198701");
  CHECK(back.role == "verifikator");
  CHECK(back.agency == "Dinas");
  auto reason = [](auto&& fn) {
    try {
      fn();
    } catch (const base::Error& e) {
      return e.reason();
    }
    return std::string("none");
  };
  CHECK(reason([&] { key.Verify(t, 200); }) == "token_expired");
  CHECK(reason([&] { other.Verify(t, 150); }) == "bad_token");
  CHECK(reason([&] { key.Verify(t.substr(0, t.size() - 2), 150); }) == "bad_token");
  CHECK(reason([&] { key.Verify("abc", 150); }) == "bad_token");
  // alg "none" is never accepted, even with an empty signature.
  std::string payload = t.substr(t.find('.') + 1, t.rfind('.') - t.find('.') - 1);
  CHECK(reason([&] { key.Verify("eyJhbGciOiJub25lIn0." + payload + ".", 150); }) == "bad_token");
  // A subject that is not UTF-8 is refused, not turned into another subject.
  api::Claims bad = c;
  bad.subject = "1987\xff";
  CHECK_THROWS_AS(key.Issue(bad), base::Error);
}

TEST_CASE("api: expired, forged and malformed tokens get 401") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  std::string path = "/v1/requests/" + id + "/actions";
  json act = {{"action", "periksa"}};
  HttpResult r = t.Post(path, act, t.Token("v1", "verifikator", -10));
  CHECK(r.status == 401);
  CHECK(r.Json()["reason"] == "token_expired");
  CHECK(r.headers.count("WWW-Authenticate") == 1);
  api::TokenKey forger(std::string(32, 'x'));
  api::Claims c{"v1", "verifikator", "Dinas Uji", "", 0, events::NowMicros() / 1'000'000 + 600};
  r = t.Post(path, act, forger.Issue(c));
  CHECK(r.status == 401);
  CHECK(r.Json()["reason"] == "bad_token");
  // A real token whose payload was edited (role raised) fails its signature.
  std::string real = t.Token("v1", "verifikator");
  std::string edited = real;
  edited[real.find('.') + 5] ^= 1;
  CHECK(t.Post(path, act, edited).status == 401);
  CHECK(t.Call("POST", path, act.dump(), {{"Authorization", "Basic dXNlcjpwdw=="}}).status == 401);
  CHECK(t.Call("POST", path, act.dump(), {{"Authorization", "Bearer "}}).status == 401);
  CHECK(t.Get("/v1/reports/officers", "garbage").status == 401);
}

TEST_CASE("api: a citizen never sees or acts on another citizen's request") {
  TestServer t;
  json a = t.Submit("CITIZEN-A"), b = t.Submit("CITIZEN-B");
  std::string id_b = b["request_id"];
  HttpResult r = t.Get("/v1/requests/" + id_b, a["applicant_token"]);
  CHECK(r.status == 403);
  CHECK(r.body.find("CITIZEN-B") == std::string::npos);
  CHECK(t.Get("/v1/requests/" + id_b + "/history", a["applicant_token"]).status == 403);
  CHECK(t.Post("/v1/requests/" + id_b + "/actions", {{"action", "withdraw"}}, a["applicant_token"])
            .status == 403);
  // A's code does not open B's request.
  CHECK(t.Call("GET", "/v1/requests/" + id_b, "",
               {{"X-Tracking-Code", a["tracking_code"].get<std::string>()}})
            .status == 404);
  // B may withdraw B's own request; the actor is B from the token.
  r = t.Post("/v1/requests/" + id_b + "/actions", {{"action", "withdraw"}, {"reason", "salah"}},
             b["applicant_token"]);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  // The event names B by subject id, which B's token carries.
  CHECK(r.Json()["event"]["actor"]["subject"] == b["event"]["actor"]["subject"]);
  CHECK(r.Json()["event"]["actor"]["subject"].get<std::string>().rfind("subj-", 0) == 0);
  // An applicant may not take staff actions.
  r = t.Post("/v1/requests/" + a["request_id"].get<std::string>() + "/actions",
             {{"action", "periksa"}}, a["applicant_token"]);
  CHECK(r.status == 403);
}

TEST_CASE("api: wrong role for reports is 403") {
  TestServer t;
  HttpResult r = t.Get("/v1/reports/agency", t.Token("k1", "kepala"));
  CHECK(r.status == 403);
  CHECK(r.Json()["reason"] == "wrong_role");
}

TEST_CASE("api: staff of another agency get 404, auditors read every agency") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  api::TokenKey key = api::TokenKey::Load(t.data() + "/token.key", false);
  api::Claims c{"x1", "kepala", "Dinas Lain", "", 0, events::NowMicros() / 1'000'000 + 600};
  HttpResult r = t.Get("/v1/requests/" + id, key.Issue(c));
  CHECK(r.status == 404);
  CHECK(r.Json()["reason"] == "unknown_request");
  CHECK(t.Post("/v1/requests/" + id + "/actions", {{"action", "periksa"}}, key.Issue(c)).status ==
        404);
  c.role = "auditor";
  CHECK(t.Get("/v1/requests/" + id, key.Issue(c)).status == 200);
}

// A token of any header and claims, signed with secret as the server signs.
std::string Sign(const std::string& secret, const std::string& header, const std::string& claims) {
  auto b64url = [](std::string_view bytes) {
    std::string s = base::Base64Encode(bytes);
    while (!s.empty() && s.back() == '=') s.pop_back();
    for (char& ch : s) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    return s;
  };
  std::string input = b64url(header) + "." + b64url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + b64url(std::string_view(reinterpret_cast<char*>(mac), len));
}

TEST_CASE("api: tokens follow RFC 8725: alg, typ, crit, exp, nbf and iat") {
  std::string secret(32, 'k');
  api::TokenKey key(secret);
  const int64_t now = 1'800'000'000;
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  auto claims = [&](const std::string& extra) {
    return fmt::format(R"({{"sub":"v1","role":"verifikator","exp":{}{}}})", now + 600, extra);
  };
  auto verdict = [&](const std::string& header, const std::string& body) {
    try {
      key.Verify(Sign(secret, header, body), now);
      return std::string("ok");
    } catch (const base::Error& e) {
      CHECK(e.code() == base::ErrorCode::kPermissionDenied);
      return e.reason() + ": " + e.what();
    }
  };
  auto refused = [&](const std::string& header, const std::string& body, const char* why) {
    std::string v = verdict(header, body);
    CHECK_MESSAGE(v.find(why) != std::string::npos, v);
    CHECK(v.rfind("bad_token", 0) == 0);
  };
  CHECK(verdict(hs256, claims("")) == "ok");
  CHECK(verdict(R"({"alg":"HS256"})", claims("")) == "ok");
  CHECK(verdict(R"({"alg":"HS256","typ":"jwt"})", claims("")) == "ok");
  refused(R"({"alg":"HS512","typ":"JWT"})", claims(""), "alg must be HS256");
  refused(R"({"alg":"none"})", claims(""), "alg must be HS256");
  // Regression (fuzz_token): an alg that is not a string threw nlohmann's
  // type_error out of Verify.
  refused(R"({"alg":800})", claims(""), "alg must be HS256");
  refused(R"([1])", claims(""), "must be a JSON object");
  refused(R"({"alg":"HS256","typ":"at+jwt"})", claims(""), "typ must be JWT");
  refused(R"({"alg":"HS256","typ":1})", claims(""), "typ must be JWT");
  refused(R"({"alg":"HS256","crit":["exp"]})", claims(""), "crit");
  refused(R"({"alg":"HS256","alg":"none"})", claims(""), "given twice");
  // exp is required, whole seconds, and ends the token exactly.
  refused(hs256, R"({"sub":"v1","role":"verifikator"})", "exp are required");
  refused(hs256, R"({"sub":"v1","role":"verifikator","exp":1.8e9})", "exp must be whole seconds");
  refused(hs256, R"({"sub":"v1","role":"verifikator","exp":18446744073709551615})",
          "exp must be whole seconds");
  CHECK(verdict(hs256, fmt::format(R"({{"sub":"v1","role":"verifikator","exp":{}}})", now))
            .rfind("token_expired", 0) == 0);
  // nbf and iat may be at most the leeway ahead of the server's clock.
  CHECK(verdict(hs256, claims(fmt::format(R"(,"nbf":{})", now + api::kTokenLeewayS))) == "ok");
  CHECK(verdict(hs256, claims(fmt::format(R"(,"iat":{})", now + api::kTokenLeewayS))) == "ok");
  refused(hs256, claims(fmt::format(R"(,"nbf":{})", now + api::kTokenLeewayS + 1)), "nbf");
  refused(hs256, claims(fmt::format(R"(,"iat":{})", now + 3600)), "iat");
  refused(hs256, claims(R"(,"nbf":"soon")"), "nbf must be whole seconds");
  refused(hs256, claims(R"(,"role":"kepala")"), "\"role\" is given twice");
}

TEST_CASE("api: the server refuses tokens not yet valid or with crit (401)") {
  TestServer t;
  std::string secret;
  {
    std::ifstream in(t.data() + "/token.key", std::ios::binary);
    secret.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(secret.size() == 32);
  int64_t now = events::NowMicros() / 1'000'000;
  auto claims = [&](const std::string& extra) {
    return fmt::format(R"({{"sub":"a1","role":"auditor","exp":{}{}}})", now + 600, extra);
  };
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  CHECK(t.Get("/v1/reports/agency", Sign(secret, hs256, claims(""))).status == 200);
  for (const auto& token : {Sign(secret, hs256, claims(fmt::format(R"(,"nbf":{})", now + 3600))),
                            Sign(secret, hs256, claims(fmt::format(R"(,"iat":{})", now + 3600))),
                            Sign(secret, R"({"alg":"HS256","crit":["x"],"x":1})", claims(""))}) {
    HttpResult r = t.Get("/v1/reports/agency", token);
    CHECK(r.status == 401);
    CHECK(r.Json()["reason"] == "bad_token");
  }
}

}  // namespace
}  // namespace jejak::testing
