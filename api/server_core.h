// The server's parts and the helpers its route handlers share. Internal to
// api/: server.cpp builds it; request_routes.cpp and info_routes.cpp add
// the endpoints.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/live_projector.h"
#include "api/metrics.h"
#include "api/rate_limit.h"
#include "api/router.h"
#include "api/server.h"
#include "api/token.h"
#include "engine/engine.h"
#include "engine/relay.h"
#include "ledger/note.h"

namespace jejak::api {

struct ServerCore {
  ServerOptions options;
  // Declared in the order they start; destroyed in reverse (relay first).
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<LiveProjector> projections;
  std::unique_ptr<engine::Relay> relay;
  std::unique_ptr<TokenKey> tokens;
  std::optional<ledger::SigningKey> signing;
  std::mutex checkpoint_mu;
  Metrics metrics;
  RateLimiter limiter;
  Router router;

  // Routes, rate limit, errors to problem documents (the one place), metrics.
  Response Handle(Request& req);

  int64_t NowS() const;
  // The latest checkpoint covering seq and the receipt of seq; nullopt
  // without a signing key.
  std::optional<nlohmann::json> Receipt(uint64_t seq);
};

// The body as a JSON object; Error(kInvalidArgument, bad_request) otherwise.
nlohmann::json ParseJsonBody(const Request& req);
Response JsonResponse(int status, const nlohmann::json& body);
// A query parameter as an unsigned integer; Error(kInvalidArgument) if it is
// missing (and no fallback) or not a number.
uint64_t QueryUint(const Request& req, const std::string& name,
                   std::optional<uint64_t> fallback = std::nullopt);

void AddRequestRoutes(ServerCore& core);
void AddInfoRoutes(ServerCore& core);
void AddTrackPage(ServerCore& core);  // GET /track

}  // namespace jejak::api
