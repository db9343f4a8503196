#include "tests/api/api_fixture.h"

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>

namespace jejak::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string RawExchange(uint16_t port, const std::string& bytes) {
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

TestServer::TestServer(std::function<void(api::ServerOptions&)> tweak) {
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
  tokens_ = std::make_unique<api::TokenKey>(api::TokenKey::Load(o.data_dir + "/token.key", false));
}

std::string TestServer::Token(const std::string& subject, const std::string& role,
                              int64_t ttl_s) const {
  api::Claims c;
  c.subject = subject;
  c.role = role;
  c.agency = "Dinas Uji";
  c.issued_at = events::NowMicros() / 1'000'000;
  c.expires_at = c.issued_at + ttl_s;
  return tokens_->Issue(c);
}

HttpResult TestServer::CallFrom(const std::string& source, const std::string& method,
                                const std::string& target, const std::string& body,
                                const std::map<std::string, std::string>& headers) const {
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

nlohmann::json TestServer::Submit(const std::string& applicant, const std::string& nama) const {
  HttpResult r = Post("/v1/requests", {{"workflow", "izin"},
                                       {"applicant", applicant},
                                       {"fields", {{"nama", nama}, {"jumlah", 3}}}});
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.Json();
}

}  // namespace jejak::testing
