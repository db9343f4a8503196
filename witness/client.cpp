#include "witness/client.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

#include "base/error.h"

namespace jejak::witness {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using base::Error;
using base::ErrorCode;

WitnessUrl ParseWitnessUrl(const std::string& url) {
  auto bad = [&](const char* why) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("witness URL \"{}\": {} (expected http://HOST:PORT[/PREFIX])", url, why));
  };
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) throw bad("only http:// is supported");
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  WitnessUrl out;
  out.prefix = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (out.prefix.ends_with('/')) out.prefix.pop_back();
  size_t colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    uint32_t p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) {
      throw bad("the port is not a number from 1 to 65535");
    }
    out.port = static_cast<uint16_t>(p);
  }
  if (out.host.empty()) throw bad("no host");
  return out;
}

PostResult PostAddCheckpoint(const WitnessUrl& url, const std::string& body,
                             std::chrono::milliseconds timeout) {
  try {
    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(url.host, std::to_string(url.port)));
    http::request<http::string_body> req(http::verb::post, url.prefix + "/add-checkpoint", 11);
    req.set(http::field::host, url.host);
    req.set(http::field::content_type, "text/plain; charset=utf-8");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    http::read(stream, buffer, parser);
    const auto& res = parser.get();
    PostResult out;
    out.status = res.result_int();
    out.content_type = std::string(res[http::field::content_type]);
    out.body = res.body();
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return out;
  } catch (const boost::system::system_error& e) {
    throw Error(ErrorCode::kUnavailable,
                fmt::format("witness at {}:{}{} cannot be reached: {}", url.host, url.port,
                            url.prefix, e.code().message()));
  }
}

}  // namespace jejak::witness
