// A TestServer with a signing key whose checkpoints a real `jejak witness
// serve` process cosigns (and, if asked, a second witness that cannot be
// reached), for the tests of witnessing and of /track.
#pragma once

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "tests/api/api_fixture.h"
#include "witness/cosigner.h"

namespace jejak::testing {

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

}  // namespace jejak::testing
