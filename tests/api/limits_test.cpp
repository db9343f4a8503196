// Limits that cost the attacker, not the citizen: rate limits per client
// address and per verified token subject, bounded in memory without ever
// forgetting everyone; and tracking-code guessing throttled per request and
// per client while the right code still opens the request.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "api/client_address.h"
#include "api/guess_guard.h"
#include "api/rate_limit.h"
#include "base/error.h"
#include "tests/api/api_fixture.h"

namespace jejak::testing {
namespace {

using nlohmann::json;
using Clock = api::RateLimiter::Clock;

TEST_CASE("api: rate limiter buckets refill, expire when full and stay bounded") {
  api::RateLimiter l;
  l.Configure(1, 3, 1000);
  Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 3; ++i) CHECK(l.Admit("a", t0));
  CHECK_FALSE(l.Admit("a", t0));
  CHECK_FALSE(l.Has("a", t0));
  CHECK(l.Admit("a", t0 + std::chrono::milliseconds(1001)));  // one refilled
  CHECK_FALSE(l.Full("a", t0 + std::chrono::milliseconds(3999)));
  CHECK(l.Full("a", t0 + std::chrono::milliseconds(4001)));
  // A flood of new keys at one instant: memory stays bounded, and the
  // exhausted key is not forgotten (the buckets nearest to full go first).
  for (int i = 0; i < 100'000; ++i) l.Admit(fmt::format("junk{}", i), t0);
  CHECK(l.keys() <= 1000);
  CHECK_FALSE(l.Admit("a", t0 + std::chrono::milliseconds(1500)));
  // Later, buckets that refilled are dropped and nothing is remembered.
  Clock::time_point later = t0 + std::chrono::seconds(10);
  for (int i = 0; i < 2000; ++i) l.Admit(fmt::format("new{}", i), later);
  CHECK(l.keys() <= 1000);
  CHECK(l.Admit("a", later));
  // Disabled: admits everything, holds nothing.
  api::RateLimiter off;
  off.Configure(0, 10);
  for (int i = 0; i < 100; ++i) CHECK(off.Admit("k"));
  CHECK(off.keys() == 0);
}

TEST_CASE("api: junk bearer tokens share their address's bucket") {
  // One request per 100 s refills: the test does not depend on its speed.
  TestServer t([](api::ServerOptions& o) {
    o.rate_per_s = 0.01;
    o.rate_burst = 5;
  });
  int unauthorized = 0, limited = 0;
  for (int i = 0; i < 40; ++i) {
    HttpResult r = t.Get("/v1/reports/agency", fmt::format("junk{}", i));
    (r.status == 401 ? unauthorized : r.status == 429 ? limited : unauthorized)++;
  }
  CHECK(unauthorized <= 6);
  CHECK(limited >= 34);
  CHECK(unauthorized + limited == 40);
  HttpResult r = t.Get("/healthz");
  CHECK(r.status == 429);
  CHECK(r.Json()["reason"] == "rate_limited");
  CHECK(r.headers["Retry-After"] == "1");
  // Another address has its own allowance.
  CHECK(t.CallFrom("127.0.0.2", "GET", "/healthz").status == 200);
}

TEST_CASE("api: trusted proxies: the client is the nearest untrusted X-Forwarded-For hop") {
  namespace ip = boost::asio::ip;
  auto a = [](const char* s) { return ip::make_address(s); };
  api::TrustedProxies none;
  CHECK(none.Client(a("10.0.0.1"), "203.0.113.9").to_string() == "10.0.0.1");
  api::TrustedProxies p({"10.0.0.0/8", "2001:db8::1", "192.168.1.5"});
  CHECK(p.Contains(a("10.200.3.4")));
  CHECK(p.Contains(a("::ffff:10.1.1.1")));  // an IPv4 peer on a dual-stack socket
  CHECK(p.Contains(a("2001:db8::1")));
  CHECK_FALSE(p.Contains(a("2001:db8::2")));
  CHECK_FALSE(p.Contains(a("11.0.0.1")));
  // Not from a proxy: the header is the client's own word, and ignored.
  CHECK(p.Client(a("198.51.100.7"), "10.0.0.9").to_string() == "198.51.100.7");
  // Right to left, past every trusted hop; entries the client wrote are left of it.
  CHECK(p.Client(a("10.0.0.1"), "1.2.3.4, 203.0.113.9, 192.168.1.5").to_string() == "203.0.113.9");
  CHECK(p.Client(a("10.0.0.1"), "203.0.113.9:4711").to_string() == "203.0.113.9");
  CHECK(p.Client(a("10.0.0.1"), "[2001:db8:5::7]:443").to_string() == "2001:db8:5::7");
  // No header, or garbage: the last hop that is an address.
  CHECK(p.Client(a("10.0.0.1"), "").to_string() == "10.0.0.1");
  CHECK(p.Client(a("10.0.0.1"), "203.0.113.9, unknown").to_string() == "10.0.0.1");
  CHECK(p.Client(a("10.0.0.1"), "unknown, 203.0.113.9").to_string() == "203.0.113.9");
  CHECK(api::ClientKey(a("2001:db8:5::7")) == "2001:db8:5::/64");
  CHECK(api::ClientKey(a("::ffff:10.1.1.1")) == "10.1.1.1");
  for (const char* bad : {"10.0.0.0/33", "proxy.example", "", "10.0.0.1/8x"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(api::TrustedProxies({bad}), base::Error);
  }
}

TEST_CASE(
    "api: behind a trusted proxy each client has its own allowance and forging gains nothing") {
  TestServer t([](api::ServerOptions& o) {
    o.rate_per_s = 0.01;
    o.rate_burst = 2;
    o.http.trusted_proxies = api::TrustedProxies({"127.0.0.2"});
  });
  auto via = [&](const char* from, const std::string& client) {
    return t.CallFrom(from, "GET", "/healthz", "", {{"X-Forwarded-For", client}}).status;
  };
  // Through the proxy: one citizen exhausts only their own allowance.
  CHECK(via("127.0.0.2", "203.0.113.5") == 200);
  CHECK(via("127.0.0.2", "203.0.113.5") == 200);
  CHECK(via("127.0.0.2", "203.0.113.5") == 429);
  CHECK(via("127.0.0.2", "198.51.100.1, 203.0.113.5") == 429);  // a prefix the client wrote
  CHECK(via("127.0.0.2", "203.0.113.6") == 200);
  // Not through the proxy: a new header each time is still one address.
  int limited = 0;
  for (int i = 0; i < 6; ++i)
    limited += via("127.0.0.3", fmt::format("203.0.113.{}", 50 + i)) == 429;
  CHECK(limited == 4);
}

TEST_CASE("api: a verified subject is limited on every address, each subject apart") {
  TestServer t([](api::ServerOptions& o) {
    o.rate_per_s = 0.01;
    o.rate_burst = 3;
    o.address_rate_per_s = 1000;  // the subject's limit is the one tested
    o.address_rate_burst = 1000;
  });
  std::string a1 = t.Token("a1", "auditor"), a1_again = t.Token("a1", "auditor", 600);
  auto get = [&](const std::string& from, const std::string& tok) {
    return t.CallFrom(from, "GET", "/v1/reports/agency", "", {{"Authorization", "Bearer " + tok}});
  };
  int ok = 0;
  for (const char* from : {"127.0.0.1", "127.0.0.2", "127.0.0.3"})
    ok += get(from, a1).status == 200;
  CHECK(ok == 3);
  // A fresh token of the same subject, from a fresh address, draws on the same bucket.
  HttpResult r = get("127.0.0.4", a1_again);
  CHECK(r.status == 429);
  CHECK(r.Json()["reason"] == "rate_limited");
  CHECK(get("127.0.0.4", t.Token("a2", "auditor")).status == 200);
}

TEST_CASE("api: guessing tracking codes is throttled, the right code still opens the request") {
  TestServer t;
  json mine = t.Submit("A1"), other = t.Submit("A2");
  std::string id = mine["request_id"], code = mine["tracking_code"];
  auto read = [&](const std::string& from, const std::string& request, const std::string& c) {
    return t.CallFrom(from, "GET", "/v1/requests/" + request, "", {{"X-Tracking-Code", c}});
  };
  // 2,000 wrong codes from one client: the request's budget (20) is checked,
  // the rest are throttled before the code is looked at.
  int checked = 0, throttled = 0;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) {
    HttpResult r = read("127.0.0.1", id, fmt::format("WRONG-{:04}", i));
    if (r.status == 404) ++checked;
    if (r.status == 429) {
      ++throttled;
      if (throttled == 1) {
        CHECK(r.Json()["reason"] == "too_many_guesses");
        CHECK(r.headers["Retry-After"] == "300");
      }
    }
  }
  // One more check per 5 minutes the loop took (none, unless very slow).
  auto minutes =
      std::chrono::duration_cast<std::chrono::minutes>(std::chrono::steady_clock::now() - started)
          .count();
  CHECK(checked >= 20);
  CHECK(checked <= 20 + 1 + minutes / 5);
  CHECK(checked + throttled == 2000);
  // The right code from the guesser's address is not checked either: a
  // throttled answer must not tell right from wrong.
  CHECK(read("127.0.0.1", id, code).status == 429);
  // The citizen elsewhere: the right code opens the request, also repeatedly.
  for (int i = 0; i < 3; ++i) CHECK(read("127.0.0.2", id, code).status == 200);
  // Another client gets one check a day on the exhausted request.
  CHECK(read("127.0.0.3", id, "WRONG-X").status == 404);
  CHECK(read("127.0.0.3", id, code).status == 429);
  // Other requests are not affected, from the guesser's address either.
  CHECK(read("127.0.0.1", other["request_id"], other["tracking_code"]).status == 200);
  // Tokens are not tracking codes: the applicant's token still reads.
  CHECK(t.Get("/v1/requests/" + id, mine["applicant_token"]).status == 200);
}

TEST_CASE("api: one client's wrong codes over many requests are bounded per client") {
  api::GuessGuard g;
  using O = api::GuessGuard::Outcome;
  int wrong = 0;
  for (int i = 0; i < 1000; ++i)
    wrong += g.Check(fmt::format("R{}", i), "10.0.0.1", false) == O::kWrong;
  CHECK(wrong == 100);
  CHECK(g.Check("R5000", "10.0.0.1", true) == O::kThrottled);
  CHECK(g.Check("R5000", "10.0.0.2", true) == O::kRight);
  // Right codes cost nothing.
  for (int i = 0; i < 1000; ++i) CHECK(g.Check("R7", "10.0.0.3", true) == O::kRight);
  CHECK(g.Check("R7", "10.0.0.3", false) == O::kWrong);
}

}  // namespace
}  // namespace jejak::testing
