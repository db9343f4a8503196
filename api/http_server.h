// An HTTP/1.1 server on Boost.Beast: N threads, each running an io_context
// of its own that serves the connections it is given (round robin), so that
// a connection's work never leaves its thread and threads share no queue;
// keep-alive, limits on header and body size (413 for a body too large, 400
// for malformed HTTP, both closing the connection), an idle/read timeout,
// and a graceful Stop(). It knows nothing of jejak: each request goes to the
// handler, which must not throw and must answer through its Reply exactly
// once, from any thread (router.h); the connection waits for that answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/client_address.h"
#include "api/router.h"

namespace jejak::api {

struct HttpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  int threads = 4;
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  std::chrono::milliseconds timeout{30'000};  // to read a request, or to write a response
  // Reverse proxies whose X-Forwarded-For names the client; none by default.
  TrustedProxies trusted_proxies;
};

class HttpServer {
 public:
  using HandlerFn = std::function<void(Request&, Reply)>;
  // Binds and starts serving. Throws Error(kIoError) if it cannot listen.
  HttpServer(const HttpOptions& options, HandlerFn handler);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // Runs work on one of the server's threads (round robin); an exception out
  // of it is logged, not thrown. After Stop(), work is dropped.
  void Post(std::function<void()> work);
  // Stops accepting, lets requests in progress finish (up to grace) and
  // answers them with Connection: close, then stops the threads.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10'000));

  struct Impl;  // public so that the sessions in the .cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace jejak::api
