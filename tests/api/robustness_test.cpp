// Concurrency, malformed HTTP, oversized input, rate limits and a clean
// shutdown: none may crash the server or damage the ledger.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "api/router.h"
#include "base/error.h"
#include "ledger/ledger.h"
#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;

void CheckLedger(const std::string& data) {
  RunResult v = Run({JejakBin(), "ledger", "verify", "--data", data});
  CHECK_MESSAGE(v.exit_code == 0, v.out, v.err);
}

TEST_CASE("api: concurrent actions with expected_version: exactly one wins") {
  TestServer t;
  std::string id = t.Submit("A1")["request_id"];
  constexpr int kClients = 8;
  std::atomic<int> won{0}, conflicts{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      HttpResult r = t.Post("/v1/requests/" + id + "/actions",
                            {{"action", "periksa"}, {"expected_version", 1}},
                            t.Token("v" + std::to_string(i), "verifikator"));
      (r.status == 201 ? won : r.status == 409 ? conflicts : other)++;
    });
  }
  for (auto& c : clients) c.join();
  CHECK(won == 1);
  CHECK(conflicts == kClients - 1);
  CHECK(other == 0);
  t.Stop();
  CheckLedger(t.data());
}

TEST_CASE("api: malformed HTTP and oversized input get 400 or 413, and the server lives on") {
  TestServer t([](api::ServerOptions& o) {
    o.http.body_limit = 4096;
    o.http.header_limit = 2048;
    o.http.timeout = std::chrono::milliseconds(1000);
  });
  CHECK(RawExchange(t.port(), "GARBAGE\r\n\r\n").find("400") != std::string::npos);
  CHECK(RawExchange(t.port(), "GET / HTTP/9.9\r\n\r\n").find("HTTP/1.1 400") != std::string::npos);
  CHECK(RawExchange(t.port(), "POST /v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n")
            .find(" 400 ") != std::string::npos);
  std::string big = RawExchange(
      t.port(), "POST /v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                    std::string(100000, 'a'));
  CHECK(big.find(" 413 ") != std::string::npos);
  CHECK(big.find("body_too_large") != std::string::npos);
  std::string huge_header = RawExchange(t.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                                      std::string(10000, 'h') + "\r\n\r\n");
  CHECK(huge_header.find(" 413 ") != std::string::npos);
  // Cut off mid-request: the server gives up after its timeout. And a bad
  // percent escape.
  RawExchange(t.port(), "POST /v1/requests HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"wor");
  CHECK(t.Get("/v1/requests/x?code=%zz").status == 400);
  CHECK(t.Post("/v1/requests", {{"workflow", "izin"},
                                {"applicant", "A"},
                                {"fields", {{"nama", std::string(5000, 'n')}}}})
            .status == 413);
  // Still serving, and keep-alive works: two requests on one connection.
  std::string two = RawExchange(t.port(),
                                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  size_t first = two.find("HTTP/1.1 200");
  REQUIRE(first != std::string::npos);
  CHECK(two.find("HTTP/1.1 200", first + 1) != std::string::npos);
  t.Submit("A1");
  t.Stop();
  CheckLedger(t.data());
}

TEST_CASE("api: stopping under load answers what it accepted and leaves the ledger clean") {
  TestServer t;
  std::mutex mu;
  std::vector<std::string> accepted;
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < 6; ++i) {
    clients.emplace_back([&, i] {
      for (int n = 0; !done; ++n) {
        try {
          HttpResult r = t.Post("/v1/requests", {{"workflow", "izin"},
                                                 {"applicant", fmt::format("C{}-{}", i, n)},
                                                 {"fields", {{"nama", "x"}}}});
          if (r.status != 201) return;
          std::lock_guard lock(mu);
          accepted.push_back(r.Json()["request_id"]);
        } catch (const std::exception&) {
          return;  // refused or closed: the server stopped
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  t.Stop();
  done = true;
  for (auto& c : clients) c.join();
  CHECK(accepted.size() > 0);
  CheckLedger(t.data());
  auto ledger = ledger::Ledger::OpenReadOnly(t.data() + "/ledger");
  for (const auto& id : accepted) CHECK_MESSAGE(!ledger->ReadRequest(id).empty(), id);
}

TEST_CASE("api: per-subject rate limit answers 429") {
  TestServer t([](api::ServerOptions& o) {
    o.rate_per_s = 0.01;  // no refill within the test, however slow
    o.rate_burst = 3;
    o.address_rate_per_s = 1000;  // the subject's limit is the one tested
    o.address_rate_burst = 1000;
  });
  std::string tok = t.Token("a1", "auditor");
  int limited = 0;
  for (int i = 0; i < 6; ++i) limited += t.Get("/v1/reports/agency", tok).status == 429;
  CHECK(limited == 3);
  HttpResult r = t.Get("/v1/reports/agency", tok);
  CHECK(r.status == 429);
  CHECK(r.Json()["reason"] == "rate_limited");
  CHECK(r.headers["Retry-After"] == "1");
  // Another subject has its own bucket.
  CHECK(t.Get("/v1/reports/agency", t.Token("a2", "auditor")).status == 200);
}

TEST_CASE("api: router matches patterns and lists its routes") {
  api::Router r;
  r.Add("GET", "/v1/requests/{id}", [](const api::Request& q) {
    return api::Response{200, "text/plain", q.params.at("id"), {}};
  });
  r.Add("POST", "/v1/requests", [](const api::Request&) { return api::Response{}; });
  api::Request q;
  q.method = "GET";
  q.path = "/v1/requests/OSS%2D1";
  std::string answered;
  r.Match(q)(q, [&](api::Response res) { answered = res.body; });
  CHECK(answered == "OSS-1");
  // '+' is itself in a path (RFC 3986); only a query reads it as a space.
  q.path = "/v1/requests/a+b";
  r.Match(q)(q, [&](api::Response res) { answered = res.body; });
  CHECK(answered == "a+b");
  q.path = "/v1/requests/a/b";
  CHECK_THROWS_AS(r.Match(q), base::Error);
  q.method = "PUT";
  q.path = "/v1/requests";
  CHECK_THROWS_AS(r.Match(q), base::Error);
  CHECK(r.Routes().size() == 2);
  CHECK(api::ParseQuery("a=1&b=x%20y&c")["b"] == "x y");
  CHECK(api::ParseQuery("q=x+y%2B")["q"] == "x y+");
}

TEST_CASE("api: jejak serve prints its URL and stops cleanly on SIGTERM") {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("wf"));
  std::ofstream(dir.Sub("wf/izin.yaml")) << kIzinYaml;
  Subprocess p({JejakBin(), "serve", "--data", dir.Sub("data"), "--workflows", dir.Sub("wf"),
                "--listen", "127.0.0.1:0"});
  REQUIRE(p.ReadUntil("Serving http://127.0.0.1:", std::chrono::seconds(20)));
  p.ReadUntil("\n", std::chrono::seconds(5));
  std::string url = p.out().substr(p.out().find("http://"));
  uint16_t port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  CHECK(RawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .find("200 OK") != std::string::npos);
  RunResult tok = Run({JejakBin(), "token", "issue", "--data", dir.Sub("data"), "--subject", "a1",
                       "--role", "auditor", "--ttl", "1h"});
  REQUIRE(tok.exit_code == 0);
  std::string token = tok.out.substr(0, tok.out.find('\n'));
  CHECK(RawExchange(port, "GET /v1/reports/agency HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              token + "\r\nConnection: close\r\n\r\n")
            .find("200 OK") != std::string::npos);
  p.Kill(SIGTERM);
  CHECK(p.Wait() == 0);
  CHECK(p.out().find("Stopped cleanly") != std::string::npos);
  CheckLedger(dir.Sub("data"));
}

}  // namespace
}  // namespace jejak::testing
