// jejak serve with witnesses: the latest checkpoint gets cosigned by a real
// `jejak witness serve` process, receipts and GET /v1/ledger/checkpoint carry
// the cosignature, and a witness that cannot be reached is loud: a log line,
// a metric, and /healthz degraded below the quorum.
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "tests/api/witness_fixture.h"

namespace jejak::testing {
namespace {

using namespace std::chrono_literals;

TEST_CASE("api witnessing: the latest checkpoint is cosigned and served with its cosignature") {
  WitnessedServer w(false);
  nlohmann::json s = w.server.Submit("A1");
  uint64_t covered = ledger::ParseCheckpoint(s["receipt"]["checkpoint"].get<std::string>()).size;
  nlohmann::json h = w.HealthAfter(covered);
  CHECK(h["status"] == "ok");
  CHECK(h["witnesses"]["cosignatures"] == 1);
  CHECK(h["witnesses"]["quorum"] == 1);
  std::string note = w.server.Get("/v1/ledger/checkpoint").body;
  CHECK(ledger::NoteSignedBy(note, w.key.verifier));
  CHECK(ledger::NoteSignedBy(note, w.witness_key.verifier));
  // A receipt fetched now carries the cosignature of its checkpoint.
  std::string id = s["request_id"], code = s["tracking_code"];
  HttpResult r = w.server.Get("/v1/requests/" + id + "/receipts/" +
                              std::to_string(s["seq"].get<uint64_t>()) + "?code=" + code);
  REQUIRE(r.status == 200);
  CHECK(ledger::NoteSignedBy(r.Json()["checkpoint"].get<std::string>(), w.witness_key.verifier));
  std::string metrics = w.server.Get("/metrics").body;
  CHECK(metrics.find("jejak_witnesses 1") != std::string::npos);
  CHECK(metrics.find("jejak_witness_refusals_total 0") != std::string::npos);
}

TEST_CASE("api witnessing: an unreachable witness below the quorum degrades /healthz") {
  WitnessedServer w(true);
  nlohmann::json s = w.server.Submit("A1");
  uint64_t covered = ledger::ParseCheckpoint(s["receipt"]["checkpoint"].get<std::string>()).size;
  nlohmann::json h = w.HealthAfter(covered);
  CHECK(h["status"] == "degraded");
  CHECK(h["witnesses"]["cosignatures"] == 1);
  CHECK(h["witnesses"]["quorum"] == 2);
  REQUIRE(h["witnesses"]["last_refusals"].size() == 1);
  CHECK(h["witnesses"]["last_refusals"][0].get<std::string>().find("witness bpkp refused") == 0);
  std::string metrics = w.server.Get("/metrics").body;
  CHECK(metrics.find("jejak_witness_refusals_total 0") == std::string::npos);
  // Reads and commands go on.
  CHECK(w.server.Submit("A2")["request_id"].is_string());
}

}  // namespace
}  // namespace jejak::testing
