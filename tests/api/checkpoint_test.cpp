// Checkpoints while serving: periodic ones while the ledger grows, a last
// one at stop, and the --checkpoint-every flag.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <thread>

#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

// A server with a signing key that checkpoints every interval.
struct SigningServer {
  explicit SigningServer(std::chrono::milliseconds interval)
      : server([&](api::ServerOptions& o) {
          std::ofstream(keys.Sub("jejak.key")) << ledger::FormatSigningKey(key);
          o.signing_key = keys.Sub("jejak.key");
          o.checkpoint_interval = interval;
        }) {}
  TempDir keys;
  ledger::SigningKey key = ledger::GenerateSigningKey("jejak.test/checkpoints");
  TestServer server;
};

// The stored checkpoint of size, checked against key; nullopt if there is
// none yet. The ledger holds size entries, or one more: the checkpoint's
// own record.
std::optional<ledger::Checkpoint> CheckpointOfSize(const std::string& data, uint64_t size,
                                                   const ledger::SigningKey& key) {
  auto l = ledger::Ledger::OpenReadOnly(data + "/ledger");
  REQUIRE(l->size() >= size);
  REQUIRE(l->size() <= size + 1);
  std::optional<std::string> note = l->GetCheckpoint(size);
  if (!note) return std::nullopt;
  ledger::Checkpoint c;
  std::string problem;
  REQUIRE_MESSAGE(ledger::VerifyCheckpoint(*note, key.verifier, &c, &problem), problem);
  CHECK(c.root == l->MerkleRoot(size));
  return c;
}

// Submits, then has a stranger try to act: the refusal appends a
// command_rejected event that no receipt's checkpoint covers, after the
// record of the receipt's checkpoint. Returns the ledger size after it.
uint64_t GrowWithoutReceipt(TestServer& t) {
  json s = t.Submit("A1");
  uint64_t covered = ledger::ParseCheckpoint(s["receipt"]["checkpoint"].get<std::string>()).size;
  CHECK(covered == s["seq"].get<uint64_t>() + 1);
  HttpResult r = t.Post("/v1/requests/" + s["request_id"].get<std::string>() + "/actions",
                        {{"action", "periksa"}}, t.Token("x1", "tamu"));
  CHECK(r.status == 403);
  return covered + 2;
}

TEST_CASE("api: a serving ledger is checkpointed periodically while it grows") {
  SigningServer k(std::chrono::milliseconds(100));
  TestServer& t = k.server;
  uint64_t size = GrowWithoutReceipt(t);
  std::optional<ledger::Checkpoint> c;
  for (int i = 0; i < 100 && !c; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    c = CheckpointOfSize(t.data(), size, k.key);
  }
  REQUIRE_MESSAGE(c.has_value(), "no checkpoint of size ", size, " within 5 s");
  CHECK(c->origin == "jejak.test/checkpoints");
  // The API serves the newest, which covers the refusal.
  ledger::Checkpoint served;
  std::string problem;
  REQUIRE(ledger::VerifyCheckpoint(t.Get("/v1/ledger/checkpoint").body, k.key.verifier, &served,
                                   &problem));
  CHECK(served.size == size);
}

TEST_CASE("api: stopping makes a last checkpoint if the ledger grew") {
  SigningServer k(std::chrono::hours(1));
  TestServer& t = k.server;
  uint64_t size = GrowWithoutReceipt(t);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(CheckpointOfSize(t.data(), size, k.key).has_value());
  t.Stop();
  CHECK(CheckpointOfSize(t.data(), size, k.key).has_value());
}

TEST_CASE("api: with periodic checkpoints off, only receipts and requests make them") {
  SigningServer k(std::chrono::milliseconds(0));
  TestServer& t = k.server;
  uint64_t size = GrowWithoutReceipt(t);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  t.Stop();
  CHECK_FALSE(CheckpointOfSize(t.data(), size, k.key).has_value());
}

TEST_CASE("api: jejak serve --checkpoint-every takes 500ms, 60s, 5m, 1h or 0") {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("data"));
  RunResult r = RunJejak({"serve", "--data", dir.Sub("data"), "--listen", "127.0.0.1:0",
                          "--checkpoint-every", "10 minutes"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--checkpoint-every") != std::string::npos);
}

}  // namespace
}  // namespace jejak::testing
