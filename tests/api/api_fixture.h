// A jejak server in the test process (127.0.0.1, any free port) over a
// scratch data directory with a small workflow, and a minimal HTTP client.
#pragma once

#include <doctest/doctest.h>

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "api/server.h"
#include "api/token.h"
#include "events/time.h"
#include "tests/testutil.h"

namespace jejak::testing {

// Four-eyes approval of a permit with one personal field that only the head
// of office may read.
inline constexpr char kIzinYaml[] = R"(workflow: izin
version: 1
agency: Dinas Uji
title: Izin uji
fields:
  nama:
    type: string
    title: Nama pemohon
    required: true
    pii: true
    pii_roles: [kepala]
  jumlah:
    type: integer
    title: Jumlah
    min: 1
states:
  diajukan:
    title: Diajukan
    initial: true
  diperiksa:
    title: Diperiksa
  selesai:
    title: Selesai
    terminal: true
actions:
  periksa:
    title: Periksa
    from: diajukan
    to: diperiksa
    roles: [verifikator, kepala]
  setujui:
    title: Setujui
    from: diperiksa
    to: selesai
    roles: [kepala]
    four_eyes: [periksa]
)";

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body); }
};

// Sends bytes on a fresh connection and returns everything the server sends
// back until it closes (or 5 s pass).
inline std::string RawExchange(uint16_t port, const std::string& bytes) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  boost::beast::tcp_stream s(ioc);
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  s.expires_after(std::chrono::seconds(5));
  boost::system::error_code ec;
  asio::write(s.socket(), asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    size_t n = s.socket().read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

class TestServer {
 public:
  explicit TestServer(std::function<void(api::ServerOptions&)> tweak = {}) {
    std::filesystem::create_directories(dir_.Sub("wf"));
    std::ofstream(dir_.Sub("wf/izin.yaml")) << kIzinYaml;
    api::ServerOptions o;
    o.data_dir = dir_.Sub("data");
    o.workflows_dir = dir_.Sub("wf");
    o.http.port = 0;
    o.http.threads = 4;
    o.kek = testing::TestKek();
    if (tweak) tweak(o);
    server_ = api::Server::Start(o);
    tokens_ =
        std::make_unique<api::TokenKey>(api::TokenKey::Load(o.data_dir + "/token.key", false));
  }

  api::Server& server() { return *server_; }
  uint16_t port() const { return server_->port(); }
  std::string data() const { return dir_.Sub("data"); }
  std::string Sub(const std::string& name) const { return dir_.Sub(name); }
  void Stop() { server_->Stop(); }

  std::string Token(const std::string& subject, const std::string& role,
                    int64_t ttl_s = 3600) const {
    api::Claims c;
    c.subject = subject;
    c.role = role;
    c.agency = "Dinas Uji";
    c.issued_at = events::NowMicros() / 1'000'000;
    c.expires_at = c.issued_at + ttl_s;
    return tokens_->Issue(c);
  }

  HttpResult Call(const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::map<std::string, std::string>& headers = {}) const {
    return CallFrom("", method, target, body, headers);
  }

  // The same from another loopback address (e.g. "127.0.0.2"), as another
  // client; "" for the default.
  HttpResult CallFrom(const std::string& source, const std::string& method,
                      const std::string& target, const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {}) const {
    namespace http = boost::beast::http;
    namespace asio = boost::asio;
    asio::io_context ioc;
    boost::beast::tcp_stream s(ioc);
    if (!source.empty()) {
      s.socket().open(asio::ip::tcp::v4());
      s.socket().bind(asio::ip::tcp::endpoint(asio::ip::make_address(source), 0));
    }
    s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(s, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    HttpResult r;
    r.status = res.result_int();
    for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    r.body = res.body();
    return r;
  }

  HttpResult Get(const std::string& target, const std::string& token = "") const {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return Call("GET", target, "", h);
  }
  HttpResult Post(const std::string& target, const nlohmann::json& body,
                  const std::string& token = "") const {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return Call("POST", target, body.dump(), h);
  }

  // Submits a request of applicant; returns the submission's response JSON.
  nlohmann::json Submit(const std::string& applicant, const std::string& nama = "Siti") const {
    HttpResult r = Post("/v1/requests", {{"workflow", "izin"},
                                         {"applicant", applicant},
                                         {"fields", {{"nama", nama}, {"jumlah", 3}}}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.Json();
  }

 private:
  TempDir dir_;
  std::unique_ptr<api::Server> server_;
  std::unique_ptr<api::TokenKey> tokens_;
};

}  // namespace jejak::testing
