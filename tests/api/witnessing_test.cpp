// jejak serve with witnesses: the latest checkpoint gets cosigned by a real
// `jejak witness serve` process, receipts and GET /v1/ledger/checkpoint carry
// the cosignature, and a witness that cannot be reached is loud: a log line,
// a metric, and /healthz degraded below the quorum.
#include <csignal>
#include <filesystem>
#include <thread>

#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "tests/api/api_fixture.h"
#include "witness/cosigner.h"

namespace jejak::testing {
namespace {

using namespace std::chrono_literals;

struct WitnessedServer {
  explicit WitnessedServer(bool unreachable_second)
      : witness_process(StartWitness()), server([&](api::ServerOptions& o) {
          std::ofstream(keys.Sub("jejak.key")) << ledger::FormatSigningKey(key);
          o.signing_key = keys.Sub("jejak.key");
          o.checkpoint_interval = 100ms;
          o.witness_interval = 50ms;
          std::string wkey = ledger::FormatVerifierKey(witness_key.verifier);
          o.witnesses.push_back(witness::ParseWitnessOption("ombudsman=" + wkey + "@" + url));
          if (unreachable_second) {
            o.witnesses.push_back(
                witness::ParseWitnessOption("bpkp=" + wkey + "@http://127.0.0.1:1"));
          }
          o.witness_quorum = o.witnesses.size();
        }) {}

  ~WitnessedServer() {
    server.Stop();  // its last cosigning first
    witness_process->Kill(SIGTERM);
    witness_process->Wait();
  }

  std::unique_ptr<Subprocess> StartWitness() {
    std::filesystem::create_directories(keys.path());
    std::ofstream(keys.Sub("witness.key")) << ledger::FormatSigningKey(witness_key);
    auto p = std::make_unique<Subprocess>(std::vector<std::string>{
        JejakBin(), "witness", "serve", "--data", keys.Sub("witness-data"), "--key",
        keys.Sub("witness.key"), "--log", ledger::FormatVerifierKey(key.verifier), "--listen",
        "127.0.0.1:0", "--json"});
    REQUIRE_MESSAGE(p->ReadUntil("\n", 30s), p->err());
    url = nlohmann::json::parse(p->out())["url"];
    return p;
  }

  // /healthz once the witnesses were asked about a checkpoint of at least size.
  nlohmann::json HealthAfter(uint64_t size) {
    nlohmann::json h;
    for (int i = 0; i < 200; ++i) {
      h = server.Get("/healthz").Json();
      if (h["witnesses"]["checkpoint_size"].get<uint64_t>() >= size) return h;
      std::this_thread::sleep_for(50ms);
    }
    FAIL("the witnesses were never asked: " << h.dump());
    return h;
  }

  TempDir keys;
  ledger::SigningKey key = ledger::GenerateSigningKey("jejak.test/serve");
  ledger::SigningKey witness_key =
      ledger::GenerateSigningKey("ombudsman.test/saksi", ledger::kCosigner);
  std::string url;
  std::unique_ptr<Subprocess> witness_process;
  TestServer server;
};

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
