// The server's parts and the helpers its route handlers share. Internal to
// api/: server.cpp builds it; request_routes.cpp and info_routes.cpp add
// the endpoints.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/guess_guard.h"
#include "api/metrics.h"
#include "api/rate_limit.h"
#include "api/receipt_checkpoints.h"
#include "api/router.h"
#include "api/server.h"
#include "api/status_cache.h"
#include "api/token.h"
#include "engine/engine.h"
#include "kafka/relay.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "projections/live_projector.h"
#include "witness/log_witnessing.h"

namespace jejak::api {

struct ServerCore {
  ServerOptions options;
  // Declared in the order they start; destroyed in reverse (relay first).
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<projections::LiveProjector> projections;
  std::unique_ptr<kafka::Relay> relay;
  // With a signing key:
  std::unique_ptr<ledger::PeriodicCheckpointer> checkpointer;
  std::unique_ptr<ReceiptCheckpoints> receipts;
  std::unique_ptr<witness::LogWitnessing> witnessing;  // with --witness
  // Records checkpoints through the engine, the ledger's only appender.
  ledger::RecordFn Recorder() {
    return [e = engine.get()](events::Event event) { e->Record(std::move(event)); };
  }
  std::unique_ptr<TokenKey> tokens;
  std::optional<ledger::SigningKey> signing;
  Metrics metrics;
  StatusCache statuses;
  RateLimiter address_limiter;   // per client address, before routing
  RateLimiter identity_limiter;  // per verified token subject (Caller)
  GuessGuard guesses;            // tracking codes
  Router router;
  // Runs work on a server thread (HttpServer::Post); dropped once stopped.
  std::function<void(std::function<void()>)> post;
  // Per request, the projections' next_seq that shows every event this
  // server committed for it (entries only while the projections lag).
  std::mutex written_mu;
  std::unordered_map<std::string, uint64_t> written;
  // The largest value in written ever: once the projections reach it, no
  // read needs to look in written (and take its lock).
  std::atomic<uint64_t> written_max = 0;

  // Routes, rate limit, errors to problem documents, metrics. Never throws.
  void Handle(Request& req, Reply reply);

  // The verified caller (auth.h), nullopt without a token; a verified
  // subject's requests are rate-limited here (429), once per request.
  std::optional<Claims> OptionalCaller(const Request& req);
  Claims RequireCaller(const Request& req);

  int64_t NowS() const;
  // Notes that the request's event seq was committed.
  void Wrote(const std::string& request_id, uint64_t seq);
  // Runs read once the projections show every event this server committed
  // for the request, or for any request if request_id is empty (reports),
  // at once if they do or after a short wait, so that a client reads its own
  // writes without commands waiting for projections.
  void AfterWrites(const Request& req, const std::string& request_id, const Reply& reply,
                   const std::function<Response(const Request&)>& read);
  // The receipt of seq with a checkpoint covering it (receipt_checkpoints.h);
  // nullopt without a signing key.
  std::optional<nlohmann::json> Receipt(uint64_t seq);
};

// Opens the data directory and deploys the workflows as Server::Start does,
// and adds every route, but serves no socket: requests go to Handle. Set
// post before the first request.
std::unique_ptr<ServerCore> StartCore(ServerOptions options);

// The problem document for error (the one place that maps exceptions).
// Never throws.
Response ProblemFor(const std::exception_ptr& error) noexcept;

// The body as a JSON object, parsed strictly (json_body.h); Error
// (kInvalidArgument) naming the problem otherwise.
nlohmann::json ParseJsonBody(const Request& req);
Response JsonResponse(int status, const nlohmann::json& body);
// Text as an unsigned integer of at most max (decimal digits only);
// Error(kInvalidArgument, bad_request) naming what otherwise.
uint64_t ParseUint(std::string_view text, const std::string& what, uint64_t max = UINT64_MAX);
// A query parameter as an unsigned integer (ParseUint); Error
// (kInvalidArgument) if it is missing and there is no fallback.
uint64_t QueryUint(const Request& req, const std::string& name,
                   std::optional<uint64_t> fallback = std::nullopt);

void AddRequestRoutes(ServerCore& core);
void AddInfoRoutes(ServerCore& core);
void AddTrackPage(ServerCore& core);  // GET /track
void AddSubjectRoutes(ServerCore& core);

}  // namespace jejak::api
