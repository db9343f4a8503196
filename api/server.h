// jejak's HTTP API server (`jejak serve`): owns the engine of a data
// directory, the live projections (projections/live_projector.h), optionally the Kafka
// relay, and an HTTP server whose routes are listed in docs/openapi.yaml.
//
// Contract:
// - Start() deploys every *.yaml of workflows_dir (all must load first),
//   then serves. With a signing key it announces the key (before the engine
//   opens), answers commands with receipts, and checkpoints the ledger every
//   checkpoint_interval while it grows (every checkpoint is kept).
// - Commands hold no server thread while the engine commits them, so many
//   connections share each group commit.
// - Storage faults never stop it: commands get 503 (io_error) while the
//   ledger cannot write, reads go on, and GET /healthz says "degraded".
// - Stop() (and the destructor) stops accepting, finishes requests in
//   progress (commands included), makes a last checkpoint if the ledger grew,
//   then stops the relay, the projections and the engine, in that order,
//   leaving the ledger clean.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "api/router.h"
#include "ledger/ledger.h"
#include "privacy/kek.h"
#include "witness/cosigner.h"

namespace jejak::api {

struct ServerOptions {
  std::string data_dir;       // ledger/, projections/, subjects/, token.key, keys/
  std::string workflows_dir;  // its *.yaml are deployed at start; empty: none
  HttpOptions http;
  // The HS256 secret of bearer tokens (token.h); default DATA/token.key,
  // created on first start.
  std::string token_key;
  // Ed25519 key for checkpoints and receipts; default DATA/keys/jejak.key
  // when it exists, else no receipts.
  std::string signing_key;
  // How often a signed checkpoint is made while the ledger grows (receipts
  // make their own as well); zero: only on demand and for receipts.
  std::chrono::milliseconds checkpoint_interval{60'000};
  // Wraps the keys of applicants' personal data (privacy/kek.h); null: the
  // server accepts no personal data (docs/PRIVACY.md).
  std::shared_ptr<const privacy::KeyEncryptionKey> kek;
  // With a signing key: witnesses that cosign the latest checkpoint, looked
  // for every witness_interval (witness/log_witnessing.h); /healthz says
  // degraded while the latest got fewer than witness_quorum cosignatures.
  std::vector<witness::WitnessConfig> witnesses;
  size_t witness_quorum = 0;
  std::chrono::milliseconds witness_interval{1000};
  std::string kafka;  // HOST:PORT; empty: no relay
  std::string kafka_topic = "jejak.events";
  // With kafka and witnesses: where cosigned checkpoints are published.
  std::string kafka_checkpoints_topic = "jejak.checkpoints";
  int64_t applicant_token_ttl_s = int64_t{90} * 86'400;
  // Per verified token subject: requests per second, and the burst allowed
  // above it; 0 disables the limit. Per client address (IPv6: its /64)
  // likewise, by default with the same figures.
  double rate_per_s = 0;
  double rate_burst = 100;
  std::optional<double> address_rate_per_s;
  std::optional<double> address_rate_burst;
  // Status documents kept for citizens polling (status_cache.h); 0: none.
  size_t status_cache_entries = 32'768;
  // Tests inject storage faults through ledger.env, which the projections
  // use too.
  ledger::OpenOptions ledger;
};

struct ServerCore;

class Server {
 public:
  // Throws base::Error (busy data directory, bad workflows, cannot listen).
  static std::unique_ptr<Server> Start(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Fixed at Start: any thread may ask, also during and after Stop().
  uint16_t port() const { return port_; }
  const std::string& url() const { return url_; }  // http://HOST:PORT
  std::vector<Route> Routes() const;
  void Stop();
  // Empty while the ledger can write, or may again once a fault clears (a
  // full disk: the engine retries, /healthz says "degraded"); otherwise why
  // it cannot in this process and what to do: the caller should Stop() and
  // exit (docs/FORMAT.md, "Durability and recovery").
  std::string StorageFailure() const;

 private:
  Server() = default;
  std::unique_ptr<ServerCore> core_;
  std::unique_ptr<HttpServer> http_;
  uint16_t port_ = 0;
  std::string url_;
};

}  // namespace jejak::api
