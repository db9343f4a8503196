// GET /v1/requests/{id} serves status documents again while their inputs
// are unchanged (api/status_cache.h): it must still follow the queue, and
// answer exactly what the projections' RequestStatus gives.
#include <doctest/doctest.h>

#include <vector>

#include "events/time.h"
#include "projections/status.h"
#include "projections/store.h"
#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

// With the cache (reads after the first find their documents kept) and
// without it (serve --status-cache 0: every read builds its document).
void CheckStatusReads(size_t cache_entries) {
  TestServer t([&](api::ServerOptions& o) { o.status_cache_entries = cache_entries; });
  std::vector<json> subs = {t.Submit("3273010101900001"), t.Submit("3273010101900002"),
                            t.Submit("3273010101900003")};
  auto status = [&](const json& s, const std::string& code) {
    return t.Call("GET", "/v1/requests/" + s["request_id"].get<std::string>(), "",
                  {{"X-Tracking-Code", code}});
  };
  auto read = [&](size_t i) {
    HttpResult r = status(subs[i], subs[i]["tracking_code"]);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r;
  };
  for (int round = 0; round < 2; ++round) {  // the second round finds them kept
    for (size_t i = 0; i < subs.size(); ++i) {
      CHECK(read(i).Json()["queue_position"] == i + 1);
      CHECK(status(subs[i], subs[(i + 1) % subs.size()]["tracking_code"]).status == 404);
    }
  }
  // The first leaves the queue: the others move up, though their own
  // records did not change.
  HttpResult act = t.Post("/v1/requests/" + subs[0]["request_id"].get<std::string>() + "/actions",
                          {{"action", "periksa"}}, t.Token("NIP-1", "verifikator"));
  REQUIRE_MESSAGE(act.status == 201, act.body);
  CHECK(read(0).Json()["state"] == "diperiksa");
  CHECK(read(0).Json()["queue_position"] == 1);
  CHECK(read(1).Json()["queue_position"] == 1);
  CHECK(read(2).Json()["queue_position"] == 2);

  std::vector<std::string> bodies;
  for (size_t i = 0; i < subs.size(); ++i) bodies.push_back(read(i).body);
  t.Stop();
  auto store = projections::Store::OpenReadOnly(t.data() + "/projections");
  for (size_t i = 0; i < subs.size(); ++i) {
    auto doc = projections::RequestStatus(*store, subs[i]["request_id"], events::NowMicros());
    REQUIRE(doc);
    doc->erase("tracking_code_sha256");
    CHECK(bodies[i] == doc->dump());
  }
}

TEST_CASE("api: status reads follow the queue and equal the projections' document") {
  SUBCASE("kept documents") { CheckStatusReads(32'768); }
  SUBCASE("no status cache") { CheckStatusReads(0); }
}

}  // namespace
}  // namespace jejak::testing
