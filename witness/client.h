// The log's side of the witness protocol: posting add-checkpoint requests to
// a witness over HTTP/1.1 (Boost.Beast, one connection per request).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace jejak::witness {

// A witness's submission prefix, "http://HOST:PORT[/PREFIX]".
struct WitnessUrl {
  std::string host;
  uint16_t port = 80;
  std::string prefix;  // "" or "/path", without a trailing '/'
};

// Throws Error(kInvalidArgument) naming what is wrong; only http is spoken
// (a TLS-terminating proxy in front of a witness is the operator's choice).
WitnessUrl ParseWitnessUrl(const std::string& url);

struct PostResult {
  int status = 0;
  std::string content_type;
  std::string body;
};

// POSTs body to <prefix>/add-checkpoint. Throws Error(kUnavailable) if the
// witness cannot be reached or does not answer within timeout.
PostResult PostAddCheckpoint(const WitnessUrl& url, const std::string& body,
                             std::chrono::milliseconds timeout);

}  // namespace jejak::witness
