// Hostile input over HTTP: text that is not UTF-8, deep or huge JSON,
// duplicate names, numbers beyond their type, and what refusals reveal.
// Every answer is a problem document that parses, and nothing reaches the
// ledger.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

uint64_t LedgerSize(const TestServer& t) { return t.Get("/healthz").Json()["ledger_size"]; }

// The answer is a problem document with this status whose text parses.
json Problem(const HttpResult& r, int status) {
  CHECK_MESSAGE(r.status == status, r.body);
  CHECK(r.headers.at("Content-Type") == "application/problem+json");
  json doc = json::parse(r.body);  // throws (fails the test) if not JSON
  CHECK(doc["status"] == status);
  return doc;
}

TEST_CASE("api: text that is not UTF-8 in the path, query or headers gets 400, not a crash") {
  TestServer t;
  json sub = t.Submit("A1");
  std::string id = sub["request_id"];
  std::string staff = t.Token("v1", "verifikator");
  std::string auditor = t.Token("a1", "auditor");
  uint64_t size = LedgerSize(t);
  for (const char* bad : {"%FF", "%C3", "x%ED%A0%80", "%F0%9F"}) {
    CAPTURE(bad);
    std::string b = bad;
    Problem(t.Get("/v1/workflows/" + b), 400);
    Problem(t.Get("/v1/requests/" + b), 400);
    Problem(t.Get("/v1/requests/" + b + "/history", staff), 400);
    Problem(t.Get("/v1/requests/" + id + "/receipts/" + b), 400);
    Problem(t.Post("/v1/requests/" + b + "/actions", {{"action", "periksa"}}, staff), 400);
    Problem(t.Get("/v1/reports/agency?from=" + b, auditor), 400);
    Problem(t.Get("/v1/requests/" + id + "?code=" + b), 400);
    json doc = Problem(t.Get("/v1/reports/officers?" + b + "=1", auditor), 400);
    CHECK(doc["reason"] == "bad_url");
  }
  // The same bytes sent raw, not escaped.
  std::string raw = RawExchange(
      t.port(), "GET /v1/workflows/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(raw.find("HTTP/1.1 400") != std::string::npos);
  // An idempotency key would be stored in the event.
  HttpResult r =
      t.Call("POST", "/v1/requests",
             json{{"workflow", "izin"}, {"applicant", "A2"}, {"fields", {{"nama", "x"}}}}.dump(),
             {{"Idempotency-Key", "k\xff"}});
  CHECK(Problem(r, 400)["detail"].get<std::string>().find("Idempotency-Key") != std::string::npos);
  // In a body: raw bytes, and an escaped lone surrogate, are not JSON text.
  for (const char* body :
       {"{\"workflow\": \"iz\xffin\", \"applicant\": \"A3\"}",
        R"({"workflow": "izin", "applicant": "A\ud800"})",
        "{\"workflow\": \"izin\", \"applicant\": \"A4\", \"fields\": {\"n\xc3\": 1}}"}) {
    CAPTURE(body);
    CHECK(Problem(t.Call("POST", "/v1/requests", body), 400)["reason"] == "bad_request");
  }
  CHECK(LedgerSize(t) == size);
  CHECK(t.Get("/healthz").status == 200);
}

TEST_CASE("api: deep, long and numerous JSON members are refused with 400 naming the place") {
  TestServer t;
  uint64_t size = LedgerSize(t);
  auto submit = [&](const std::string& fields) {
    return t.Call("POST", "/v1/requests",
                  R"({"workflow": "izin", "applicant": "A1", "fields": )" + fields + "}");
  };
  auto detail = [](const json& doc) { return doc["detail"].get<std::string>(); };
  // 100,000 levels (200 KB): once a stack overflow in the server.
  std::string deep =
      "{\"nama\": \"x\", \"nik\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  json doc = Problem(submit(deep), 400);
  CHECK(doc["reason"] == "json_limit");
  CHECK(detail(doc).find("\"fields.nik[0][0]") != std::string::npos);
  CHECK(detail(doc).find("deeper than 16 levels") != std::string::npos);
  // Deep objects at the top, and an unclosed one.
  std::string objects;
  for (int i = 0; i < 50'000; ++i) objects += "{\"a\":";
  CHECK(Problem(t.Call("POST", "/v1/requests", objects), 400)["reason"] == "json_limit");
  CHECK(Problem(t.Call("POST", "/v1/requests", std::string(300'000, '[')), 400)["reason"] ==
        "json_limit");
  // A string over 64 KiB.
  doc = Problem(submit(json{{"nama", std::string(70'000, 'n')}}.dump()), 400);
  CHECK(doc["reason"] == "json_limit");
  CHECK(detail(doc).find("\"fields.nama\" is longer than 65536 bytes") != std::string::npos);
  // Too many fields, and a name too long.
  json many;
  for (int i = 0; i < 300; ++i) many[fmt::format("f{}", i)] = "x";
  doc = Problem(submit(many.dump()), 400);
  CHECK(detail(doc).find("\"fields\" has more than 256 members") != std::string::npos);
  doc = Problem(submit(json{{std::string(300, 'k'), "x"}}.dump()), 400);
  CHECK(detail(doc).find("\"fields\" has a member name longer than 256") != std::string::npos);
  // Within the limits but not a field value; and members with their own bounds.
  doc = Problem(submit(R"({"nama": "x", "jumlah": [[1]]})"), 400);
  CHECK(detail(doc).find("\"fields.jumlah\" must be a string, a number or a boolean") !=
        std::string::npos);
  doc = Problem(t.Post("/v1/requests", {{"workflow", std::string(300, 'w')}}), 400);
  CHECK(detail(doc).find("\"workflow\" is longer than 256 bytes") != std::string::npos);
  // Not JSON at all, and trailing bytes.
  CHECK(Problem(t.Call("POST", "/v1/requests", "{\"workflow\": "), 400)["reason"] == "bad_request");
  CHECK(Problem(t.Call("POST", "/v1/requests", "{} {}"), 400)["reason"] == "bad_request");
  CHECK(LedgerSize(t) == size);
  t.Submit("A1");  // still serving
}

TEST_CASE("api: a name given twice in a JSON body is refused, at any depth") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  uint64_t size = LedgerSize(t);
  std::string path = "/v1/requests/" + id + "/actions";
  std::map<std::string, std::string> auth = {
      {"Authorization", "Bearer " + t.Token("k1", "kepala")}};
  json doc =
      Problem(t.Call("POST", path, R"({"action": "withdraw", "action": "periksa"})", auth), 400);
  CHECK(doc["reason"] == "duplicate_key");
  CHECK(doc["detail"].get<std::string>().find("\"action\" is given twice") != std::string::npos);
  doc = Problem(t.Call("POST", "/v1/requests",
                       R"({"workflow": "izin", "applicant": "A2",
                           "fields": {"nama": "x", "jumlah": 1, "nama": "y"}})"),
                400);
  CHECK(doc["detail"].get<std::string>().find("\"fields.nama\" is given twice") !=
        std::string::npos);
  // The same name in different objects is fine.
  HttpResult r = t.Call("POST", "/v1/requests",
                        R"({"workflow": "izin", "applicant": "A3", "fields": {"nama": "x",
                            "workflow": "izin"}})");
  CHECK(r.status != 400);
  CHECK(LedgerSize(t) == size + (r.status == 201 ? 1 : 0));
}

TEST_CASE("api: a header given twice is one list, never the last value alone") {
  TestServer t;
  std::string auditor = t.Token("a1", "auditor");
  auto reports = [&](const std::string& headers) {
    return RawExchange(t.port(), "GET /v1/reports/agency HTTP/1.1\r\nHost: x\r\n" + headers +
                                     "Connection: close\r\n\r\n");
  };
  CHECK(reports("Authorization: Bearer " + auditor + "\r\n").find("HTTP/1.1 200") == 0);
  CHECK(reports("Authorization: Bearer junk\r\nAuthorization: Bearer " + auditor + "\r\n")
            .find("HTTP/1.1 401") == 0);
  CHECK(reports("Authorization: Bearer " + auditor + "\r\nAuthorization: Bearer junk\r\n")
            .find("HTTP/1.1 401") == 0);
}

TEST_CASE("api: numbers beyond their type are refused, never narrowed") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];  // version 1
  uint64_t size = LedgerSize(t);
  std::string path = "/v1/requests/" + id + "/actions";
  std::string tok = t.Token("v1", "verifikator");
  for (const char* bad :
       {"4294967297", "4294967296", "18446744073709551617", "-1", "1.0", "\"1\"", "1e3"}) {
    CAPTURE(bad);
    json doc =
        Problem(t.Call("POST", path,
                       std::string(R"({"action": "periksa", "expected_version": )") + bad + "}",
                       {{"Authorization", "Bearer " + tok}}),
                400);
    CHECK(doc["detail"].get<std::string>().find("expected_version") != std::string::npos);
  }
  CHECK(LedgerSize(t) == size);
  // The largest version is a version: a conflict, not a refusal of the number.
  CHECK(t.Post(path, {{"action", "periksa"}, {"expected_version", 4294967295u}}, tok).status ==
        409);
  CHECK(t.Post(path, {{"action", "periksa"}, {"expected_version", 1}}, tok).status == 201);
  // Query and path integers: the whole uint64 range, and no further.
  CHECK(t.Get("/v1/ledger/proofs/inclusion?seq=18446744073709551615").status == 404);
  json doc = Problem(t.Get("/v1/ledger/proofs/inclusion?seq=18446744073709551616"), 400);
  CHECK(doc["detail"].get<std::string>().find("query parameter seq") != std::string::npos);
  CHECK(Problem(t.Get("/v1/requests/" + id + "/receipts/18446744073709551615",
                      t.Token("a1", "auditor")),
                404)["reason"] == "unknown_entry");
  CHECK(Problem(t.Get("/v1/requests/" + id + "/receipts/18446744073709551616",
                      t.Token("a1", "auditor")),
                400)["detail"]
            .get<std::string>()
            .find("seq") != std::string::npos);
}

TEST_CASE("api: 405 answers carry Allow with the path's methods") {
  TestServer t;
  HttpResult r = t.Call("PUT", "/v1/requests");
  Problem(r, 405);
  CHECK(r.headers["Allow"] == "POST");
  r = t.Call("DELETE", "/v1/requests/OSS-1");
  Problem(r, 405);
  CHECK(r.headers["Allow"] == "GET");
  r = t.Call("POST", "/healthz");
  CHECK(r.status == 405);
  CHECK(r.headers["Allow"] == "GET");
  CHECK(t.Call("GET", "/v1/requests").headers["Allow"] == "POST");
  CHECK(t.Get("/v1/nothing").headers.count("Allow") == 0);  // 404
}

TEST_CASE("api: a request of another agency is refused as if it did not exist") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  api::TokenKey key = api::TokenKey::Load(t.data() + "/token.key", false);
  api::Claims c{"x1", "kepala", "Dinas Lain", "", 0, events::NowMicros() / 1'000'000 + 600};
  std::string other = key.Issue(c);
  uint64_t size = LedgerSize(t);
  auto same_as_unknown = [&](HttpResult theirs, HttpResult unknown) {
    CHECK(theirs.status == 404);
    CHECK(theirs.body.find("Dinas") == std::string::npos);
    json a = json::parse(theirs.body), b = json::parse(unknown.body);
    CHECK(a["reason"] == "unknown_request");
    CHECK(a["reason"] == b["reason"]);
    CHECK(a["status"] == b["status"]);
  };
  same_as_unknown(t.Get("/v1/requests/" + id, other), t.Get("/v1/requests/IZIN-X", other));
  same_as_unknown(t.Get("/v1/requests/" + id + "/history", other),
                  t.Get("/v1/requests/IZIN-X/history", other));
  same_as_unknown(t.Post("/v1/requests/" + id + "/actions", {{"action", "periksa"}}, other),
                  t.Post("/v1/requests/IZIN-X/actions", {{"action", "periksa"}}, other));
  CHECK(LedgerSize(t) == size);
  c.role = "auditor";
  CHECK(t.Get("/v1/requests/" + id, key.Issue(c)).status == 200);
}

}  // namespace
}  // namespace jejak::testing
