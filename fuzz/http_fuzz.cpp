// HTTP request handling: Beast's request parser as `jejak serve` configures
// it, then the router, headers, percent-decoding, bearer tokens and JSON
// bodies through the server core (api/server_core.h), without sockets, over
// a real data directory with the example workflows deployed.
//
// Input: the bytes of one HTTP/1.1 request. An Authorization value
// "Bearer ~SUB|ROLE|AGENCY|REQ" (UTF-8, as claims are) is replaced by a
// valid token with those claims, so that staff, auditor and applicant routes
// are reached too, and a header value "~code" by the tracking code of the
// latest submission. The request comes from a trusted proxy: X-Forwarded-For
// names the client.
//
// Promises: every request is answered exactly once, within seconds, with a
// status the API documents (never 500: nothing here is a storage fault) and,
// for JSON, a body that parses. Commands change the data directory, so an
// input may answer differently after others; the directory starts afresh
// every kFreshEvery inputs, which bounds that and the memory.
#include <utility>  // before Beast: Boost 1.74 uses std::exchange without it

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "privacy/kek.h"
#include "api/client_address.h"
#include "api/server_core.h"
#include "base/error.h"
#include "events/field_value.h"
#include "events/time.h"
#include "fuzz/fuzz_util.h"

namespace api = jejak::api;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr int kFreshEvery = 20'000;
constexpr auto kAnswerWithin = std::chrono::seconds(20);
constexpr std::string_view kPrefix = "jejak-fuzz-http-";

// An answer, and how many times it came.
struct Answer {
  int count = 0;
  std::optional<api::Response> response;
};

class Harness {
 public:
  Harness() {
    const char* shm = "/dev/shm";
    fs::path base = access(shm, W_OK) == 0 ? fs::path(shm) : fs::temp_directory_path();
    // Directories left by runs that crashed (their process is gone) go first.
    std::error_code ec;
    for (const auto& d : fs::directory_iterator(base, ec)) {
      std::string name = d.path().filename().string();
      if (name.starts_with(kPrefix) && !fs::exists("/proc/" + name.substr(kPrefix.size()))) {
        fs::remove_all(d.path(), ec);
      }
    }
    root_ = base / (std::string(kPrefix) + std::to_string(getpid()));
    Fresh();
  }
  ~Harness() {
    core_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Runs one request through the core and returns its answer. Work that
  // handlers post (what the server's threads would run) runs here meanwhile.
  api::Response Handle(api::Request& req) {
    if (++inputs_ % kFreshEvery == 0) Fresh();
    auto answer = std::make_shared<Answer>();
    core_->Handle(req, [this, answer](api::Response res) {
      std::lock_guard lock(mu_);
      JEJAK_REQUIRE(++answer->count == 1);
      answer->response = std::move(res);
      cv_.notify_all();
    });
    std::unique_lock lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + kAnswerWithin;
    while (!answer->response) {
      if (!work_.empty()) {
        auto work = std::move(work_.front());
        work_.pop_front();
        lock.unlock();
        work();
        lock.lock();
        continue;
      }
      JEJAK_REQUIRE(cv_.wait_until(lock, deadline) != std::cv_status::timeout || answer->response ||
                    !work_.empty());
    }
    return *answer->response;
  }

  // A valid token for "SUB|ROLE|AGENCY|REQ".
  std::string Token(std::string_view spec) const {
    api::Claims c;
    c.subject = jejak::fuzz::Take(&spec, '|');
    c.role = jejak::fuzz::Take(&spec, '|');
    c.agency = jejak::fuzz::Take(&spec, '|');
    c.request = spec;
    c.issued_at = jejak::events::NowMicros() / 1'000'000;
    c.expires_at = c.issued_at + 3600;
    return core_->tokens->Issue(c);
  }

 private:
  // A new data directory with the example workflows and a signing key, so
  // that commands answer with receipts.
  void Fresh() {
    core_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
    fs::create_directories(root_ / "data" / "keys");
    std::ofstream(root_ / "data" / "keys" / "jejak.key") << jejak::fuzz::kSigningKey << "\n";
    api::ServerOptions o;
    o.data_dir = (root_ / "data").string();
    o.kek = jejak::privacy::KeyEncryptionKey::FromBytes(std::string(32, 'B'));
    o.workflows_dir = JEJAK_SOURCE_DIR "/examples/workflows";
    o.checkpoint_interval = std::chrono::milliseconds(0);
    o.status_cache_entries = 64;
    core_ = api::StartCore(std::move(o));
    core_->post = [this](std::function<void()> work) {
      std::lock_guard lock(mu_);
      work_.push_back(std::move(work));
      cv_.notify_all();
    };
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> work_;
  fs::path root_;
  std::unique_ptr<api::ServerCore> core_;
  uint64_t inputs_ = 0;
};

// Destroyed at exit, before the leak check: the engine's threads stop and
// the directory goes.
Harness& TheHarness() {
  static Harness harness;
  return harness;
}

// Parses the bytes as HttpServer does (same limits); nullopt when the server
// would answer without its handler (malformed, too large) or wait for more.
std::optional<api::Request> ParseHttp(std::string_view bytes) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 << 10);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec == http::error::need_more && used == 0) break;
    if (ec && ec != http::error::need_more) return std::nullopt;
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  auto& msg = parser.get();
  api::Request req;
  req.method = std::string(msg.method_string());
  std::string_view target(msg.target().data(), msg.target().size());
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[std::move(name)] = std::string(f.value());
  }
  req.body = std::move(msg.body());
  // As from a trusted reverse proxy, so X-Forwarded-For is read.
  static const api::TrustedProxies proxies({"192.0.2.0/24", "2001:db8::/32"});
  auto xff = req.headers.find("x-forwarded-for");
  req.remote = api::ClientKey(proxies.Client(
      boost::asio::ip::make_address("192.0.2.7"),
      xff == req.headers.end() ? std::string_view() : std::string_view(xff->second)));
  try {
    if (q != std::string_view::npos) req.query = api::ParseQuery(target.substr(q + 1));
  } catch (const jejak::base::Error&) {
    return std::nullopt;  // answered 400 before the handler
  }
  return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& harness = TheHarness();
  std::optional<api::Request> req = ParseHttp(jejak::fuzz::AsText(data, size));
  if (!req) return 0;
  auto auth = req->headers.find("authorization");
  if (auth != req->headers.end() && auth->second.starts_with("Bearer ~") &&
      jejak::events::IsValidUtf8(auth->second)) {
    auth->second = "Bearer " + harness.Token(std::string_view(auth->second).substr(8));
  }
  static std::string tracking_code;  // of the latest submission
  for (auto& [name, value] : req->headers) {
    if (value == "~code") value = tracking_code;
  }
  api::Response res = harness.Handle(*req);
  JEJAK_REQUIRE(res.status >= 200 && res.status < 600 && res.status != 500);
  if (res.content_type.find("json") != std::string::npos) {
    nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
    JEJAK_REQUIRE(!body.is_discarded());
    if (res.status == 201 && body.contains("tracking_code")) tracking_code = body["tracking_code"];
  }
  return 0;
}
