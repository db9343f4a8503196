#include "api/http_server.h"

#include <fmt/format.h>

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/client_address.h"
#include "api/problem.h"
#include "base/error.h"
#include "base/reason.h"

namespace jejak::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using base::Error;
using base::ErrorCode;

// An io_context whose handlers can be destroyed before it is.
struct Context : asio::io_context {
  Context() : asio::io_context(1) {}  // run by one thread
  void Shutdown() { shutdown(); }
};

}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  HandlerFn handler;
  // One io_context per thread, each run by its thread alone: a connection
  // lives on one of them, so its handlers never race and need no strand, and
  // threads do not contend for one shared queue.
  std::vector<std::unique_ptr<Context>> iocs;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::atomic<size_t> next_ioc{0};
  std::optional<tcp::acceptor> acceptor;  // on iocs[0]
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable idle_cv;
  std::atomic<int> in_flight{0};  // requests read and not yet answered
  bool stopped = false;
  uint16_t port = 0;

  ~Impl() {
    // Work posted to one context may hold a connection of another: drop
    // every pending handler while all contexts still exist.
    for (auto& ioc : iocs) ioc->Shutdown();
  }
  asio::io_context& NextContext() { return *iocs[next_ioc++ % iocs.size()]; }
  void Accept();
  void Begin() { in_flight.fetch_add(1); }
  void End() {
    // Stop() tests in_flight under mu: notifying under it cannot be missed.
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle_cv.notify_all();
    }
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // server outlives every session: its io_contexts destroy them.
  Session(tcp::socket socket, HttpServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {}

  void Start() {
    // The peer of a connection does not change: ask the kernel once.
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      peer_ = ep.address();
      remote_ = ClientKey(peer_);
    }
    Read();
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(static_cast<uint32_t>(server_->options.header_limit));
    stream_.expires_after(server_->options.timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      return Close();
    }
    if (ec) {
      // Malformed or too large: answer once, then close (the rest of the
      // stream cannot be trusted to be framed).
      bool too_large = ec == http::error::body_limit || ec == http::error::header_limit ||
                       ec == http::error::buffer_overflow;
      Error err(too_large ? base::reason::kBodyTooLarge : base::reason::kBadRequest,
                too_large ? fmt::format("the request is larger than the limit ({})", ec.message())
                          : fmt::format("malformed HTTP request: {}", ec.message()));
      server_->Begin();
      return Write(ProblemResponse(err), false, 11);
    }
    server_->Begin();
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target(msg.target().data(), msg.target().size());
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      // A field given twice is one list (RFC 9110, 5.3), never the last
      // value alone: a second Authorization cannot replace the first.
      auto [it, fresh] = req.headers.try_emplace(std::move(name), f.value());
      if (!fresh) {
        it->second += ", ";
        it->second.append(f.value().data(), f.value().size());
      }
    }
    req.body = std::move(msg.body());
    req.remote = remote_;
    const TrustedProxies& proxies = server_->options.trusted_proxies;
    if (!remote_.empty() && proxies.Contains(peer_)) {
      auto xff = req.headers.find("x-forwarded-for");
      req.remote = ClientKey(proxies.Client(
          peer_, xff == req.headers.end() ? std::string_view() : std::string_view(xff->second)));
    }
    // The answer may come from another thread: the write goes to the
    // connection's io_context (at once when the handler answered on it).
    Reply reply = [self = shared_from_this(), keep_alive = msg.keep_alive(),
                   version = msg.version()](Response res) {
      asio::dispatch(self->stream_.get_executor(),
                     [self, res = std::move(res), keep_alive, version]() mutable {
                       bool keep = keep_alive && !self->server_->stopping.load();
                       self->Write(std::move(res), keep, version);
                     });
    };
    try {
      if (q != std::string_view::npos) req.query = ParseQuery(target.substr(q + 1));
    } catch (const Error& e) {
      return reply(ProblemResponse(e));
    }
    server_->handler(req, std::move(reply));
  }

  void Write(Response res, bool keep_alive, unsigned version) {
    // One response at a time per connection (the next request is read once
    // it is written), so the session keeps it.
    out_.emplace(static_cast<http::status>(res.status), version);
    out_->set(http::field::server, "jejak");
    out_->set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) out_->set(k, v);
    out_->body() = std::move(res.body);
    out_->keep_alive(keep_alive);
    out_->prepare_payload();
    stream_.expires_after(server_->options.timeout);
    http::async_write(stream_, *out_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->server_->End();
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> out_;
  boost::asio::ip::address peer_;  // the other end of the connection
  std::string remote_;             // ClientKey(peer_); empty if unknown
  HttpServer::Impl* server_;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor->async_accept(NextContext(), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping.load() || !acceptor->is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), this)->Start();
    Accept();
  });
}

HttpServer::HttpServer(const HttpOptions& options, HandlerFn handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->handler = std::move(handler);
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl_->iocs.push_back(std::make_unique<Context>());
    impl_->guards.push_back(asio::make_work_guard(*impl_->iocs.back()));
  }
  impl_->acceptor.emplace(*impl_->iocs.front());
  tcp::acceptor& acceptor = *impl_->acceptor;
  try {
    tcp::endpoint ep(asio::ip::make_address(options.host), options.port);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    throw Error(ErrorCode::kIoError,
                fmt::format("cannot listen on {}:{}: {}", options.host, options.port, e.what()));
  }
  impl_->port = acceptor.local_endpoint().port();
  impl_->Accept();
  for (auto& ioc : impl_->iocs) {
    impl_->threads.emplace_back([ioc = ioc.get()] {
      // An exception out of a handler leaves run(); the thread goes on serving.
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          fmt::print(stderr, "jejak serve: a connection failed: {}\n", e.what());
        } catch (...) {
          fmt::print(stderr, "jejak serve: a connection failed\n");
        }
      }
    });
  }
}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::Post(std::function<void()> work) {
  // An exception out of a handler would stop the thread's io_context.
  asio::post(impl_->NextContext(), [work = std::move(work)] {
    try {
      work();
    } catch (const std::exception& e) {
      fmt::print(stderr, "jejak serve: posted work failed: {}\n", e.what());
    } catch (...) {
      fmt::print(stderr, "jejak serve: posted work failed\n");
    }
  });
}

void HttpServer::Stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->stopping = true;
  asio::post(*impl_->iocs.front(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
  });
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle_cv.wait_for(lock, grace, [&] { return impl_->in_flight.load() == 0; });
  }
  for (auto& ioc : impl_->iocs) ioc->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace jejak::api
