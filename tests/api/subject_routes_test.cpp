// The data subject's rights over HTTP (docs/PRIVACY.md): their own report,
// the officer's report on the record, and erasure.
#include <doctest/doctest.h>

#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

TEST_CASE("api subjects: a citizen reads their own report with their token") {
  TestServer t;
  nlohmann::json s = t.Submit("3273010101900001", "Siti Aminah");
  HttpResult r = t.Get("/v1/subject/report", s["applicant_token"]);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  nlohmann::json rep = r.Json();
  CHECK(rep["subject"] == s["event"]["actor"]["subject"]);
  REQUIRE(rep["requests"].size() == 1);
  CHECK(rep["requests"][0]["personal_data"]["nama"] == "Siti Aminah");
  CHECK(rep["requests"][0]["processing"][0]["type"] == "submitted");
  // Staff do not use this route; nobody without a token does.
  CHECK(t.Get("/v1/subject/report", t.Token("k1", "kepala")).status == 403);
  CHECK(t.Get("/v1/subject/report").status == 401);
}

TEST_CASE("api subjects: the officer's report is recorded and lists every access") {
  TestServer t;
  nlohmann::json s = t.Submit("3273010101900001", "Siti Aminah");
  std::string id = s["request_id"];
  REQUIRE(t.Get("/v1/requests/" + id + "/history", t.Token("k1", "kepala")).status == 200);
  std::string dpo = t.Token("NIP-DPO", "dpo");
  CHECK(t.Post("/v1/subjects/report", {{"subject", "3273010101900001"}},
               t.Token("k1", "kepala"))
            .status == 403);
  HttpResult r = t.Post("/v1/subjects/report", {{"subject", "3273010101900001"}}, dpo);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  nlohmann::json accesses = r.Json()["requests"][0]["accesses"];
  REQUIRE(accesses.size() == 1);
  CHECK(accesses[0]["by"]["subject"] == "k1");
  // That report showed the name to the officer: on the record too.
  r = t.Post("/v1/subjects/report", {{"subject", "3273010101900001"}}, dpo);
  accesses = r.Json()["requests"][0]["accesses"];
  REQUIRE(accesses.size() == 2);
  CHECK(accesses[1]["by"]["subject"] == "NIP-DPO");
  CHECK(accesses[1]["interface"] == "api");
  CHECK(t.Post("/v1/subjects/report", {{"subject", "3273010101909999"}}, dpo).status == 404);
}

TEST_CASE("api subjects: the officer erases a subject and their fields read as erased") {
  TestServer t;
  nlohmann::json s = t.Submit("3273010101900001", "Siti Aminah");
  nlohmann::json other = t.Submit("3273010101900002", "Budi Santoso");
  std::string dpo = t.Token("NIP-DPO", "dpo");
  CHECK(t.Post("/v1/subjects/erase", {{"subject", "3273010101900001"}, {"reason", "x"}},
               t.Token("k1", "kepala"))
            .status == 403);
  CHECK(t.Post("/v1/subjects/erase", {{"subject", "3273010101900001"}}, dpo).status == 400);
  HttpResult r = t.Post("/v1/subjects/erase",
                        {{"subject", "3273010101900001"}, {"reason", "permintaan subjek"}}, dpo);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.Json()["purged"] == true);
  CHECK(r.Json()["subject"] == s["event"]["actor"]["subject"]);
  std::string kepala = t.Token("k1", "kepala");
  r = t.Get("/v1/requests/" + s["request_id"].get<std::string>() + "/history", kepala);
  REQUIRE(r.status == 200);
  CHECK(r.Json()["events"][0]["fields"]["nama"] == "[dihapus / erased]");
  r = t.Get("/v1/requests/" + other["request_id"].get<std::string>() + "/history", kepala);
  CHECK(r.Json()["events"][0]["fields"]["nama"]["value"] == "Budi Santoso");
  // Twice: nothing left.
  r = t.Post("/v1/subjects/erase", {{"subject", "3273010101900001"}, {"reason", "lagi"}}, dpo);
  CHECK(r.status == 404);
  CHECK(r.Json()["reason"] == "unknown_subject");
}

}  // namespace
}  // namespace jejak::testing
