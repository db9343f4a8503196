// Each endpoint of the HTTP API, with its error statuses.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>

#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "ledger/receipt.h"
#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

TEST_CASE("api: submit returns id, tracking code and an applicant token, then status by code") {
  TestServer t;
  json s = t.Submit("3273010101900001");
  std::string id = s["request_id"];
  CHECK(id.rfind("IZIN-", 0) == 0);
  CHECK(s["tracking_code"].get<std::string>().size() == 14);
  CHECK(s["event"]["type"] == "submitted");
  // The applicant acts under a subject id, never the NIK (docs/PRIVACY.md).
  CHECK(s["event"]["actor"]["subject"].get<std::string>().rfind("subj-", 0) == 0);
  CHECK(s.dump().find("3273010101900001") == std::string::npos);
  CHECK_FALSE(s.contains("receipt"));  // no signing key

  // The projections show it at once (the server waits for them).
  HttpResult r = t.Call("GET", "/v1/requests/" + id, "",
                        {{"X-Tracking-Code", s["tracking_code"].get<std::string>()}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.Json()["state"] == "diajukan");
  CHECK_FALSE(r.Json().contains("tracking_code_sha256"));
  std::string code = s["tracking_code"];
  code.erase(std::remove(code.begin(), code.end(), '-'), code.end());
  CHECK(t.Get("/v1/requests/" + id + "?code=" + code).status == 200);
  // With the applicant's own token.
  CHECK(t.Get("/v1/requests/" + id, s["applicant_token"]).status == 200);

  // A wrong code and an unknown request look the same.
  HttpResult wrong = t.Get("/v1/requests/" + id + "?code=AAAA-AAAA-AAAA");
  HttpResult unknown = t.Get("/v1/requests/IZIN-2026-999999?code=" + code);
  CHECK(wrong.status == 404);
  CHECK(unknown.status == 404);
  CHECK(wrong.Json()["reason"] == unknown.Json()["reason"]);
  CHECK(wrong.headers["Content-Type"] == "application/problem+json");
  // No credentials at all.
  CHECK(t.Get("/v1/requests/" + id).status == 401);
}

TEST_CASE("api: submit errors are problem documents") {
  TestServer t;
  HttpResult r = t.Post("/v1/requests", {{"workflow", "nope"}, {"applicant", "A"}});
  CHECK(r.status == 404);
  CHECK(r.Json()["reason"] == "unknown_workflow");
  CHECK(r.Json()["code"] == "not_found");
  CHECK(r.Json()["status"] == 404);
  CHECK(r.Json().contains("type"));
  CHECK(r.Json().contains("title"));
  CHECK(r.Json().contains("detail"));
  r = t.Post("/v1/requests",
             {{"workflow", "izin"}, {"applicant", "A"}, {"fields", json::object()}});
  CHECK(r.status == 422);
  CHECK(r.Json()["reason"] == "missing_field");
  r = t.Post(
      "/v1/requests",
      {{"workflow", "izin"}, {"applicant", "A"}, {"fields", {{"nama", "x"}, {"jumlah", 0}}}});
  CHECK(r.status == 422);
  CHECK(r.Json()["reason"] == "invalid_field");
  r = t.Post("/v1/requests", {{"workflow", "izin"}, {"fields", {{"nama", "x"}}}});
  CHECK(r.status == 422);
  CHECK(r.Json()["reason"] == "missing_applicant");
  CHECK(t.Call("POST", "/v1/requests", "{not json").status == 400);
  CHECK(t.Call("POST", "/v1/requests", "[1,2]").status == 400);
  CHECK(t.Post("/v1/requests", {{"workflow", 12}}).status == 400);
}

TEST_CASE("api: actions, versions, four-eyes and idempotency") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  std::string ver = t.Token("198701", "verifikator"), kepala = t.Token("197001", "kepala"),
              kepala2 = t.Token("197002", "kepala");
  std::string path = "/v1/requests/" + id + "/actions";
  CHECK(t.Post(path, {{"action", "setujui"}}, kepala).Json()["reason"] == "invalid_state");
  CHECK(t.Post(path, {{"action", "nope"}}, ver).status == 422);
  CHECK(t.Post(path, {{"action", "periksa"}, {"expected_version", 7}}, ver).status == 409);
  HttpResult r = t.Post(path, {{"action", "periksa"}, {"expected_version", 1}}, kepala);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.Json()["request_version"] == 2);
  // The actor comes from the token, whatever the body says.
  CHECK(r.Json()["event"]["actor"]["subject"] == "197001");
  CHECK(r.Json()["event"]["actor"]["role"] == "kepala");
  // Four-eyes: the one who examined may not approve.
  r = t.Post(path, {{"action", "setujui"}}, kepala);
  CHECK(r.status == 422);
  CHECK(r.Json()["reason"] == "four_eyes");
  r = t.Post(path, {{"action", "setujui"}}, ver);
  CHECK(r.status == 403);
  CHECK(r.Json()["reason"] == "forbidden_role");
  std::map<std::string, std::string> h = {{"Authorization", "Bearer " + kepala2},
                                          {"Idempotency-Key", "k-1"}};
  r = t.Call("POST", path, json({{"action", "setujui"}}).dump(), h);
  CHECK(r.status == 201);
  r = t.Call("POST", path, json({{"action", "setujui"}}).dump(), h);
  CHECK(r.status == 200);
  CHECK(r.Json()["replayed"] == true);
  CHECK(t.Post("/v1/requests/IZIN-2026-424242/actions", {{"action", "periksa"}}, ver).status ==
        404);
  CHECK(t.Post(path, {{"action", "periksa"}}).status == 401);
}

TEST_CASE("api: history shows personal fields only to roles the workflow allows") {
  TestServer t;
  json s = t.Submit("A1", "Siti Aminah");
  std::string id = s["request_id"];
  HttpResult r = t.Get("/v1/requests/" + id + "/history", t.Token("v1", "verifikator"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.Json()["events"][0]["fields"]["nama"] == "[disembunyikan / redacted]");
  CHECK(r.Json()["events"][0]["fields"]["jumlah"]["value"] == 3);
  r = t.Get("/v1/requests/" + id + "/history", t.Token("k1", "kepala"));
  CHECK(r.Json()["events"][0]["fields"]["nama"]["value"] == "Siti Aminah");
  // That read is on the record: the next history holds its access record.
  r = t.Get("/v1/requests/" + id + "/history", t.Token("v1", "verifikator"));
  json last = r.Json()["events"].back();
  CHECK(last["type"] == "personal_data_accessed");
  CHECK(last["actor"]["subject"] == "k1");
  CHECK(last["fields"]["accessed_fields"]["value"] == "nama");
  CHECK(last["fields"]["interface"]["value"] == "api");
  // The applicant sees the public history.
  r = t.Get("/v1/requests/" + id + "/history", s["applicant_token"]);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.Json()["history"].size() == 1);
  CHECK_FALSE(r.body.find("Siti Aminah") != std::string::npos);
  CHECK(t.Get("/v1/requests/IZIN-2026-777777/history", t.Token("k1", "kepala")).status == 404);
}

TEST_CASE("api: workflows, health, metrics, routing errors") {
  TestServer t;
  HttpResult r = t.Get("/v1/workflows");
  REQUIRE(r.status == 200);
  CHECK(r.Json()["workflows"][0]["name"] == "izin");
  r = t.Get("/v1/workflows/izin");
  CHECK(r.Json()["model"]["name"] == "izin");
  CHECK(r.Json()["mermaid"].get<std::string>().find("diajukan") != std::string::npos);
  CHECK(t.Get("/v1/workflows/nope").status == 404);
  CHECK(t.Get("/healthz").Json()["status"] == "ok");
  t.Submit("A1");
  t.Post("/v1/requests/IZIN-2026-000009/actions", {{"action", "periksa"}},
         t.Token("v", "verifikator"));
  r = t.Get("/metrics");
  CHECK(r.status == 200);
  CHECK(r.body.find("jejak_commands_total{command=\"submit\",outcome=\"accepted\"} 1") !=
        std::string::npos);
  CHECK(r.body.find("jejak_refusals_total{reason=\"unknown_request\"} 1") != std::string::npos);
  CHECK(r.body.find("jejak_http_request_duration_seconds_bucket{le=\"+Inf\"}") !=
        std::string::npos);
  CHECK(r.body.find("jejak_ledger_entries 2") != std::string::npos);
  // Each metric is preceded by its HELP and TYPE lines (Prometheus text format).
  CHECK(r.body.find("# HELP jejak_ledger_entries Entries in the ledger.\n"
                    "# TYPE jejak_ledger_entries gauge\njejak_ledger_entries 2\n") !=
        std::string::npos);
  CHECK(r.body.find("# TYPE jejak_commands_total counter\n") != std::string::npos);
  CHECK(r.body.find("# TYPE jejak_http_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(t.Get("/v1/nothing").status == 404);
  CHECK(t.Call("DELETE", "/v1/workflows").status == 405);
}

TEST_CASE("api: reports are for auditors") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  t.Post("/v1/requests/" + id + "/actions", {{"action", "periksa"}}, t.Token("v1", "verifikator"));
  std::string auditor = t.Token("bpk-1", "auditor");
  for (const char* kind : {"officers", "anomalies", "agency"}) {
    HttpResult r = t.Get(std::string("/v1/reports/") + kind, auditor);
    CHECK_MESSAGE(r.status == 200, kind, r.body);
    CHECK(t.Get(std::string("/v1/reports/") + kind, t.Token("v1", "verifikator")).status == 403);
    CHECK(t.Get(std::string("/v1/reports/") + kind).status == 401);
  }
  HttpResult r = t.Get("/v1/reports/officers?from=2026-01-01&to=2030-12-31", auditor);
  CHECK(r.body.find("v1") != std::string::npos);
  CHECK(t.Get("/v1/reports/agency?from=yesterday", auditor).status == 400);
  CHECK(t.Get("/v1/reports/anomalies?burst=x", auditor).status == 400);
  CHECK(t.Get("/v1/reports/anomalies?reset_window=4h", auditor).status == 200);
  CHECK(t.Get("/v1/reports/anomalies?reset_window=2wd", auditor).status == 400);
}

TEST_CASE("api: checkpoint, receipts and proofs with a signing key") {
  TempDir keys;
  ledger::SigningKey key = ledger::GenerateSigningKey("jejak.test/api");
  std::ofstream(keys.Sub("jejak.key")) << ledger::FormatSigningKey(key);
  TestServer t([&](api::ServerOptions& o) { o.signing_key = keys.Sub("jejak.key"); });
  json s = t.Submit("A1");
  REQUIRE(s.contains("receipt"));
  CHECK(ledger::VerifyReceipt(s["receipt"], key.verifier).ok);
  HttpResult cp = t.Get("/v1/ledger/checkpoint");
  REQUIRE(cp.status == 200);
  ledger::Checkpoint c;
  std::string problem;
  REQUIRE(ledger::VerifyCheckpoint(cp.body, key.verifier, &c, &problem));
  uint64_t seq = s["seq"];
  HttpResult inc = t.Get(fmt::format("/v1/ledger/proofs/inclusion?seq={}&size={}", seq, c.size));
  REQUIRE_MESSAGE(inc.status == 200, inc.body);
  CHECK(inc.Json()["root"] == ledger::HashToHex(c.root));
  HttpResult con = t.Get(fmt::format("/v1/ledger/proofs/consistency?from=1&to={}", c.size));
  REQUIRE_MESSAGE(con.status == 200, con.body);
  CHECK(con.Json()["to_root"] == ledger::HashToHex(c.root));
  // Receipts of the request's entries, for its applicant and auditors.
  std::string id = s["request_id"];
  HttpResult rc = t.Get(fmt::format("/v1/requests/{}/receipts/{}", id, seq), s["applicant_token"]);
  REQUIRE_MESSAGE(rc.status == 200, rc.body);
  CHECK(ledger::VerifyReceipt(rc.Json(), key.verifier).ok);
  CHECK(
      t.Get(fmt::format("/v1/requests/{}/receipts/{}", id, seq), t.Token("a", "auditor")).status ==
      200);
  CHECK(t.Get(fmt::format("/v1/requests/{}/receipts/{}", id, seq), t.Token("v", "verifikator"))
            .status == 403);
  CHECK(t.Get(fmt::format("/v1/requests/{}/receipts/0", id), s["applicant_token"]).status == 404);
  CHECK(t.Get(fmt::format("/v1/requests/{}/receipts/x", id), s["applicant_token"]).status == 400);
  CHECK(t.Get(fmt::format("/v1/requests/{}/receipts/{}", id, seq)).status == 401);
  CHECK(t.Get("/v1/ledger/proofs/inclusion?seq=99&size=2").status == 404);  // not in that tree
  CHECK(t.Get("/v1/ledger/proofs/inclusion").status == 400);
  CHECK(t.Get("/v1/ledger/proofs/inclusion?seq=-1").status == 400);
  CHECK(t.Get("/v1/ledger/proofs/consistency?from=0").status == 400);
  CHECK(t.Get("/v1/ledger/proofs/consistency?from=1&to=100000").status == 404);  // beyond
  CHECK(t.Get("/v1/ledger/proofs/consistency?from=2&to=1").status == 422);
}

TEST_CASE("api: no checkpoint or receipt without a signing key") {
  TestServer t;
  CHECK(t.Get("/v1/ledger/checkpoint").status == 404);
  json s = t.Submit("A1");
  CHECK(t.Get(fmt::format("/v1/requests/{}/receipts/{}", s["request_id"].get<std::string>(),
                          s["seq"].get<uint64_t>()),
              s["applicant_token"])
            .Json()["reason"] == "no_checkpoint");
}

}  // namespace
}  // namespace jejak::testing
