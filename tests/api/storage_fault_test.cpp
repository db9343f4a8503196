// The server on a failing disk (tests/helpers/fault_injection_fs.h): commands
// get 503 io_error, reads go on, /healthz and /metrics say "degraded", and
// writing resumes by itself once the disk has space; a fault it cannot
// resume from makes StorageFailure() say what to do (jejak serve then exits).
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/api/api_fixture.h"
#include "tests/helpers/fault_injection_fs.h"

namespace jejak::api {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FaultInjectionFs;

// Faults apply to the files of one database: "/ledger/" or "/projections/".
struct FaultyServer {
  explicit FaultyServer(std::string part = "/ledger/") : part_(std::move(part)) {}

  std::string part_;
  std::shared_ptr<FaultInjectionFs> fs = std::make_shared<FaultInjectionFs>();
  std::unique_ptr<rocksdb::Env> env = FaultInjectionFs::NewEnv(fs);
  testing::TestServer t{[this](ServerOptions& o) {
    o.ledger.env = env.get();
    fs->SetFilter(
        [part = part_](const std::string& f) { return f.find(part) != std::string::npos; });
  }};

  testing::HttpResult SubmitRaw() const {
    return t.Post("/v1/requests", {{"workflow", "izin"},
                                   {"applicant", "3273010101900001"},
                                   {"fields", {{"nama", "Siti"}, {"jumlah", 3}}}});
  }
  std::string Metric(const std::string& name) const {
    std::string text = t.Get("/metrics").body;
    size_t at = text.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    size_t end = text.find('\n', at + 1);
    return text.substr(at + name.size() + 2, end - at - name.size() - 2);
  }
};

TEST_CASE("storage faults: a full disk answers commands 503, serves reads, and resumes") {
  FaultyServer f;
  json first = f.t.Submit("3273010101900001");
  std::string id = first["request_id"];
  CHECK(f.t.Get("/healthz").Json()["status"] == "ok");
  CHECK(f.Metric("jejak_ledger_degraded") == "0");

  f.fs->SetFull(true);
  for (int i = 0; i < 3; ++i) {
    testing::HttpResult r = f.SubmitRaw();
    CHECK(r.status == 503);
    CHECK(r.Json()["code"] == "io_error");
  }
  json health = f.t.Get("/healthz").Json();
  CAPTURE(health.dump());
  CHECK(health["status"] == "degraded");
  CHECK(health["ledger"]["writable"] == false);
  CHECK(health["ledger"]["state"] == "degraded");
  CHECK(std::string(health["ledger"]["problem"]).find("No space left") != std::string::npos);
  CHECK(f.Metric("jejak_ledger_degraded") == "1");
  CHECK(std::stoul(f.Metric("jejak_ledger_write_errors_total")) >= 1);
  CHECK(f.t.server().StorageFailure().empty());  // it may resume: no reason to exit
  // Reads go on: the request's status, with its tracking code.
  testing::HttpResult status =
      f.t.Get("/v1/requests/" + id + "?code=" + std::string(first["tracking_code"]));
  CHECK(status.status == 200);

  f.fs->SetFull(false);
  testing::HttpResult r;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((r = f.SubmitRaw()).status == 503 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.Json()["seq"] == first["seq"].get<uint64_t>() + 1);  // nothing refused took a seq
  CHECK(f.t.Get("/healthz").Json()["status"] == "ok");
  CHECK(f.Metric("jejak_ledger_degraded") == "0");
}

TEST_CASE("storage faults: a read-only disk makes the server say it must stop, and what to do") {
  FaultyServer f;
  f.t.Submit("3273010101900001");
  f.fs->SetReadOnly(true);
  testing::HttpResult r = f.SubmitRaw();
  CHECK(r.status == 503);
  std::string failure = f.t.server().StorageFailure();
  CHECK(failure.find("Read-only file system") != std::string::npos);
  CHECK(failure.find("start it again") != std::string::npos);
  json health = f.t.Get("/healthz").Json();
  CHECK(health["ledger"]["state"] == "failed");
  CHECK(f.t.Get("/v1/workflows").status == 200);  // reads still go on
  f.t.Stop();                                     // cleanly: no abort
  f.fs->SetReadOnly(false);
}

TEST_CASE("storage faults: the projections on a full disk retry after a growing wait") {
  FaultyServer f("/projections/");
  f.t.Submit("3273010101900001");
  f.fs->SetFull(true);
  uint64_t errors = std::stoul(f.Metric("jejak_projections_errors_total"));
  // Commands are still recorded (the ledger's disk is fine) and answered.
  json last = f.t.Submit("3273010101900002");
  std::this_thread::sleep_for(3s);
  uint64_t failed = std::stoul(f.Metric("jejak_projections_errors_total")) - errors;
  // Waits of 100, 200, 400, 800, 1600 ms: a handful of attempts, not one
  // every 20 ms (about 150 in 3 s).
  CHECK(failed >= 2);
  CHECK(failed <= 8);
  json health = f.t.Get("/healthz").Json();
  CHECK(health["status"] == "degraded");
  CHECK(health["ledger"]["state"] == "ok");
  CHECK(std::string(health["projections"]["problem"]).find("No space") != std::string::npos);

  f.fs->SetFull(false);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (f.t.Get("/healthz").Json()["status"] != "ok" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  CHECK(f.t.Get("/healthz").Json()["status"] == "ok");
  std::string id = last["request_id"];
  testing::HttpResult status =
      f.t.Get("/v1/requests/" + id + "?code=" + std::string(last["tracking_code"]));
  CHECK(status.status == 200);
}

TEST_CASE("storage faults: index writes on a full disk stop, and restart once it has space") {
  FaultyServer f("/ledger/index/");
  json first = f.t.Submit("3273010101900001");
  std::string id = first["request_id"];
  std::string staff = f.t.Token("v1", "verifikator");
  f.fs->SetFull(true);
  // Commands are recorded (the entries' database is fine); the index write
  // behind them fails within about a second.
  json second = f.t.Submit("3273010101900002");
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (f.t.Get("/healthz").Json()["status"] == "ok" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  json health = f.t.Get("/healthz").Json();
  CAPTURE(health.dump());
  CHECK(health["status"] == "degraded");
  CHECK(health["ledger"]["writable"] == true);
  json third = f.t.Submit("3273010101900003");  // its keys are dropped, and written later

  f.fs->SetFull(false);
  deadline = std::chrono::steady_clock::now() + 40s;
  while (f.t.Get("/healthz").Json()["status"] != "ok" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  CHECK(f.t.Get("/healthz").Json()["status"] == "ok");
  testing::HttpResult h = f.t.Get("/v1/requests/" + id + "/history", staff);
  CHECK(h.status == 200);
  CHECK(h.Json()["events"].size() == 1);
  h = f.t.Get("/v1/requests/" + std::string(third["request_id"]) + "/history", staff);
  CHECK(h.status == 200);
  CHECK(h.Json()["events"].size() == 1);
}

}  // namespace
}  // namespace jejak::api
