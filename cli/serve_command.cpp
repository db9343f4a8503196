// jejak serve: the HTTP API over a data directory (api/server.h); and
// jejak token issue: bearer tokens for staff and auditors (api/token.h).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "api/client_address.h"
#include "api/server.h"
#include "api/token.h"
#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/listen.h"
#include "cli/proof_files.h"
#include "cli/signals.h"
#include "events/time.h"
#include "projections/report_options.h"
#include "witness/cosigner.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;

struct ServeOptions {
  std::string workflows, listen = "127.0.0.1:8080", kafka, topic = "jejak.events";
  std::string token_key, signing_key, checkpoint_every = "60s";
  int threads = 0;
  size_t body_limit = 1 << 20;
  double rate = 0, burst = 100;
  std::optional<double> address_rate, address_burst;
  std::vector<std::string> trusted_proxies;
  size_t status_cache = 32'768;
  std::vector<std::string> witnesses;
  std::optional<size_t> witness_quorum;
};

// "500ms", "60s", "5m", "1h", or "0" (off).
std::chrono::milliseconds ParseInterval(const std::string& text) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  if (digits > 0 && digits <= 9) {
    int64_t n = std::stoll(text.substr(0, digits));
    if (n == 0 && unit.empty()) return std::chrono::milliseconds(0);
    for (const auto& [name, ms] : kUnits) {
      if (unit == name) return std::chrono::milliseconds(n * ms);
    }
  }
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("--checkpoint-every \"{}\": use e.g. 500ms, 60s, 5m, 1h, or 0", text));
}

int RunServe(const Context& ctx, const ServeOptions& o) {
  ctx.RequireData();
  const std::atomic<bool>& stop = StopRequested();
  api::ServerOptions so;
  so.data_dir = ctx.data_dir;
  so.workflows_dir = o.workflows;
  ParseListen(o.listen, &so.http);
  so.http.threads = o.threads > 0
                        ? o.threads
                        : static_cast<int>(std::max(4u, std::thread::hardware_concurrency() * 2));
  so.http.body_limit = o.body_limit;
  // A bad proxy is refused before the ledger opens.
  so.http.trusted_proxies = api::TrustedProxies(o.trusted_proxies);
  so.token_key = o.token_key;
  so.signing_key = SigningKeyPath(ctx, o.signing_key).value_or("");
  so.checkpoint_interval = ParseInterval(o.checkpoint_every);
  so.kek = ctx.Kek();
  so.kafka = o.kafka;
  so.kafka_topic = o.topic;
  so.rate_per_s = o.rate;
  so.rate_burst = o.burst;
  so.address_rate_per_s = o.address_rate;
  so.address_rate_burst = o.address_burst;
  so.status_cache_entries = o.status_cache;
  for (const auto& w : o.witnesses) so.witnesses.push_back(witness::ParseWitnessOption(w));
  so.witness_quorum = o.witness_quorum.value_or(so.witnesses.size());
  if (so.witness_quorum > so.witnesses.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--witness-quorum {} exceeds the {} witnesses given", so.witness_quorum,
                            so.witnesses.size()));
  }
  auto server = api::Server::Start(std::move(so));
  if (ctx.json) {
    std::cout << nlohmann::json({{"url", server->url()}}).dump() << std::endl;
  } else {
    fmt::print("Serving {}\n", server->url());
    std::fflush(stdout);
  }
  std::string failure;
  while (!stop.load() && failure.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    failure = server->StorageFailure();
  }
  server->Stop();
  // The ledger cannot write again in this process (a read-only or failing
  // disk): stop, saying what to do; exit code 6.
  if (!failure.empty()) throw Error(ErrorCode::kIoError, failure);
  if (!ctx.json) fmt::print("Stopped cleanly\n");
  return kExitOk;
}

struct TokenOptions {
  std::string subject, role, agency, ttl = "8h", key;
};

int RunTokenIssue(const Context& ctx, const TokenOptions& o) {
  std::string path = o.key;
  if (path.empty()) {
    if (ctx.data_dir.empty()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--key FILE or --data DIR (DATA/token.key) is needed");
    }
    path = ctx.data_dir + "/token.key";
  }
  api::TokenKey key = api::TokenKey::Load(path, true);
  api::Claims c;
  c.subject = o.subject;
  c.role = o.role;
  c.agency = o.agency;
  c.issued_at = events::NowMicros() / 1'000'000;
  c.expires_at = c.issued_at + projections::ParseElapsedUs(o.ttl) / 1'000'000;
  std::string token = key.Issue(c);
  if (ctx.json) {
    std::cout << nlohmann::json({{"token", token}, {"expires_at", c.expires_at}}).dump()
              << std::endl;
  } else {
    fmt::print("{}\n", token);
  }
  return kExitOk;
}

}  // namespace

void AddServeCommands(CLI::App& app, Context& ctx) {
  static ServeOptions so;
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API (stops cleanly on SIGTERM/SIGINT)");
  serve->add_option("--workflows", so.workflows,
                    "Directory whose *.yaml workflows are deployed at start");
  serve->add_option("--listen", so.listen, "HOST:PORT to listen on (port 0: any free port)");
  serve->add_option("--threads", so.threads, "HTTP threads (default: twice the CPUs, at least 4)");
  serve->add_option("--token-key", so.token_key,
                    "HS256 secret of bearer tokens (default DATA/token.key, created if absent)");
  serve->add_option(
      "--key", so.signing_key,
      "Signing key for checkpoints and receipts: a key file kept off the data host, or a "
      "pkcs11: URI naming a key on a token (default DATA/keys/jejak.key if it exists, with a "
      "warning)");
  serve->add_option("--checkpoint-every", so.checkpoint_every,
                    "With a signing key, sign a checkpoint this often while the ledger grows: "
                    "500ms, 60s, 5m, 1h (default 60s; 0: only on demand and for receipts)");
  serve->add_option("--kafka", so.kafka, "Publish the ledger to Kafka at HOST:PORT");
  serve->add_option("--topic", so.topic, "Kafka topic (default jejak.events)");
  serve->add_option("--max-body", so.body_limit, "Largest request body in bytes (default 1 MiB)");
  serve->add_option("--rate", so.rate,
                    "Requests per second per token subject and per client address "
                    "(default 0: unlimited)");
  serve->add_option("--burst", so.burst, "Requests a client may make at once above --rate");
  serve->add_option("--address-rate", so.address_rate,
                    "Requests per second per client address (default: --rate)");
  serve->add_option("--address-burst", so.address_burst,
                    "Requests an address may make at once above --address-rate (default: --burst)");
  serve->add_option("--trusted-proxy", so.trusted_proxies,
                    "A reverse proxy (address or CIDR network, repeatable) whose "
                    "X-Forwarded-For names the client for rate limits (default: none; "
                    "the header is ignored)");
  serve->add_option("--status-cache", so.status_cache,
                    "Status documents kept for citizens polling, a few kB each (default 32768; "
                    "0: none)");
  serve->add_option("--witness", so.witnesses,
                    "Keep the latest checkpoint cosigned by a witness: NAME=VERIFIER_KEY@URL "
                    "(repeatable); refusals are logged, counted in /metrics, and /healthz says "
                    "degraded below --witness-quorum");
  serve->add_option("--witness-quorum", so.witness_quorum,
                    "Cosignatures the latest checkpoint needs (default: every --witness)");
  AddCommonFlags(serve, ctx);
  AddKekOption(serve, ctx);
  serve->callback([&ctx] { ctx.run = [&ctx] { return RunServe(ctx, so); }; });

  static TokenOptions to;
  auto* token = app.add_subcommand("token", "Bearer tokens for the HTTP API");
  token->require_subcommand(1);
  auto* issue =
      token->add_subcommand("issue", "Issue a signed token (JWT, HS256) for staff or an auditor");
  issue->add_option("--subject", to.subject, "Staff id")->required();
  issue->add_option("--role", to.role, "A workflow role, or auditor")->required();
  issue->add_option("--agency", to.agency, "The agency the holder works for");
  issue->add_option("--ttl", to.ttl, "How long it is valid: 30m, 8h, 2d (default 8h)");
  issue->add_option("--key", to.key,
                    "The token secret (default DATA/token.key, created if absent)");
  AddCommonFlags(issue, ctx);
  issue->callback([&ctx] { ctx.run = [&ctx] { return RunTokenIssue(ctx, to); }; });
}

}  // namespace jejak::cli
