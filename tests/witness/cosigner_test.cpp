// A log and a witness in one test, over real HTTP: a real ledger cosigned
// through witness::Cosigner by a `jejak witness serve` process. Sizes grow,
// cosignatures verify, consistency proofs are checked; the witness's state
// survives SIGKILL (a restarted log learns its size from a 409), and a
// rewritten history is refused.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <string>

#include "base/error.h"
#include "base/files.h"
#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "tests/testutil.h"
#include "tests/witness/test_log.h"
#include "witness/cosigner.h"

namespace jejak::witness {
namespace {

using namespace std::chrono_literals;
using testing::SampleEvent;
using testing::TempDir;


// `jejak witness serve` on a free port, with its data in dir.
struct WitnessProcess {
  WitnessProcess(const TempDir& dir, const ledger::VerifierKey& log_key, std::string listen)
      : process({testing::JejakBin(), "witness", "serve", "--data", dir.Sub("witness"), "--key",
                 dir.Sub("keys/witness.key"), "--log",
                 log_key.name + "=" + ledger::FormatVerifierKey(log_key), "--listen",
                 std::move(listen), "--json"}) {
    REQUIRE_MESSAGE(process.ReadUntil("\n", 30s), process.err());
    url = nlohmann::json::parse(process.out())["url"];
  }
  testing::Subprocess process;
  std::string url;
};

struct Log : TestLog {
  Log() {
    std::filesystem::create_directories(dir.Sub("keys"));
    base::WriteFileAtomically(dir.Sub("keys/witness.key"),
                              ledger::FormatSigningKey(witness_key) + "\n", 0600);
  }
  std::unique_ptr<Cosigner> Cosigners(const std::string& url) {
    WitnessConfig w = ParseWitnessOption(
        "ombudsman=" + ledger::FormatVerifierKey(witness_key.verifier) + "@" + url);
    return std::make_unique<Cosigner>(
        std::vector<WitnessConfig>{w},
        [l = ledger.get()](uint64_t m, uint64_t n) { return l->ConsistencyProof(m, n); });
  }
};

TEST_CASE("witness and log: cosignatures as the log grows, and after a SIGKILL") {
  Log log;
  std::string port;
  uint64_t size2 = 0;
  {
    WitnessProcess w(log.dir, log.key.verifier, "127.0.0.1:0");
    port = w.url.substr(w.url.rfind(':') + 1);
    auto cosigner = log.Cosigners(w.url);
    std::string first = log.Grow(10);
    CosignResult r = cosigner->Cosign(first);
    CAPTURE(r.refusals.size() ? r.refusals[0] : "");
    REQUIRE(r.cosignatures == 1);
    CHECK(r.note.starts_with(first));
    CHECK(ledger::NoteSignedBy(r.note, log.witness_key.verifier));
    CHECK(ledger::NoteSignedBy(r.note, log.key.verifier));  // still the log's checkpoint

    std::string second = log.Grow(40);  // needs a consistency proof from the first
    r = cosigner->Cosign(second);
    REQUIRE(r.cosignatures == 1);
    size2 = ledger::ParseCheckpoint(second).size;
    w.process.Kill(SIGKILL);
    CHECK(w.process.Wait() == -SIGKILL);
  }
  // A new witness process on the same data, and a log that restarted too
  // (a new Cosigner knows no sizes): the 409 tells it the witness's size.
  std::string path =
      log.dir.Sub("witness/logs/") + ledger::HashToHex(ledger::Sha256Of("jejak.test/log"));
  CHECK(ledger::ParseCheckpoint(base::ReadFile(path)).size == size2);  // what it answered stayed
  WitnessProcess w(log.dir, log.key.verifier, "127.0.0.1:" + port);
  auto cosigner = log.Cosigners(w.url);
  std::string third = log.Grow(5);
  CosignResult r = cosigner->Cosign(third);
  CAPTURE(r.refusals.size() ? r.refusals[0] : "");
  CHECK(r.cosignatures == 1);
  CHECK(ledger::NoteSignedBy(r.note, log.witness_key.verifier));
  std::string state = base::ReadFile(log.dir.Sub("witness/logs/") +
                                     ledger::HashToHex(ledger::Sha256Of("jejak.test/log")));
  CHECK(state == r.note);
  CHECK(size2 < ledger::ParseCheckpoint(third).size);
  w.process.Kill(SIGTERM);
  CHECK(w.process.Wait() == 0);
}

TEST_CASE("witness and log: a rewritten history gets no cosignature, loudly") {
  Log log;
  WitnessProcess w(log.dir, log.key.verifier, "127.0.0.1:0");
  REQUIRE(log.Cosigners(w.url)->Cosign(log.Grow(20)).cosignatures == 1);

  // The same log key over a rewritten ledger.
  TempDir other;
  auto forged = ledger::Ledger::Open(other.path());
  for (uint64_t i = 0; i < 30; ++i) {
    events::Event e = SampleEvent(i);
    if (i == 3) e.actor.subject = "officer-forged";
    forged->Append(events::Encode(e));
  }
  std::string forged_cp = ledger::AnnounceAndCheckpoint(*forged, log.key, ledger::SystemActor());
  WitnessConfig wc = ParseWitnessOption(
      "ombudsman=" + ledger::FormatVerifierKey(log.witness_key.verifier) + "@" + w.url);
  Cosigner cosigner({wc}, [&](uint64_t m, uint64_t n) { return forged->ConsistencyProof(m, n); });
  CosignResult r = cosigner.Cosign(forged_cp);
  CHECK(r.cosignatures == 0);
  REQUIRE(r.refusals.size() == 1);
  CHECK(r.refusals[0].find("witness ombudsman refused the checkpoint of size 31") !=
        std::string::npos);
  CHECK(r.refusals[0].find("HTTP 422") != std::string::npos);
  CHECK(r.note == forged_cp);

  // An unreachable witness is a refusal too, not an error.
  Cosigner gone({ParseWitnessOption("gone=" + ledger::FormatVerifierKey(log.witness_key.verifier) +
                                    "@http://127.0.0.1:1")},
                [&](uint64_t m, uint64_t n) { return forged->ConsistencyProof(m, n); });
  r = gone.Cosign(forged_cp);
  CHECK(r.cosignatures == 0);
  REQUIRE(r.refusals.size() == 1);
  CHECK(r.refusals[0].find("cannot be reached") != std::string::npos);

  CHECK_THROWS_AS(ParseWitnessOption("no-url=" + ledger::FormatVerifierKey(log.key.verifier)),
                  base::Error);
  CHECK_THROWS_AS(
      ParseWitnessOption("logkey=" + ledger::FormatVerifierKey(log.key.verifier) + "@http://x:1"),
      base::Error);  // a log's key is no witness key
  w.process.Kill(SIGTERM);
  w.process.Wait();
}

}  // namespace
}  // namespace jejak::witness
