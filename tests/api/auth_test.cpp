// Authentication and authorization: wrong roles, other citizens' requests,
// expired, forged and malformed tokens.
#include <doctest/doctest.h>

#include "api/token.h"
#include "events/error.h"
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
    } catch (const events::Error& e) {
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
  CHECK(r.Json()["event"]["actor"]["subject"] == "CITIZEN-B");
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

TEST_CASE("api: staff of another agency get 403, auditors read every agency") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  api::TokenKey key = api::TokenKey::Load(t.data() + "/token.key", false);
  api::Claims c{"x1", "kepala", "Dinas Lain", "", 0, events::NowMicros() / 1'000'000 + 600};
  HttpResult r = t.Get("/v1/requests/" + id, key.Issue(c));
  CHECK(r.status == 403);
  CHECK(r.Json()["reason"] == "wrong_agency");
  CHECK(t.Post("/v1/requests/" + id + "/actions", {{"action", "periksa"}}, key.Issue(c)).status ==
        403);
  c.role = "auditor";
  CHECK(t.Get("/v1/requests/" + id, key.Issue(c)).status == 200);
}

}  // namespace
}  // namespace jejak::testing
